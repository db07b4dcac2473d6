#pragma once

#include "shop/http/router.hpp"
#include "shop/pg/pool.hpp"

namespace shop::payments {

/// Adds POST /accounts, GET /accounts, GET /accounts/{user_id} and POST /accounts/topup.
void addAccountRoutes(http::Router& router, pg::Pool& pool);

}  // namespace shop::payments
