#pragma once

#include "shop/http/router.hpp"
#include "shop/pg/pool.hpp"

namespace shop::orders {

/// Adds POST /orders, GET /orders and GET /orders/{order_id}.
void addOrderRoutes(http::Router& router, pg::Pool& pool);

}  // namespace shop::orders
