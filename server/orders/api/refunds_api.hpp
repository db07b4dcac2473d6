#pragma once

#include "shop/http/router.hpp"
#include "shop/pg/pool.hpp"

namespace shop::orders {

/// Adds POST /orders/{order_id}/refunds and GET /orders/{order_id}/refunds.
void addRefundRoutes(http::Router& router, pg::Pool& pool);

}  // namespace shop::orders
