#pragma once

#include "shop/http/router.hpp"
#include "shop/pg/pool.hpp"

namespace shop::payments {

/// GET /accounts/{user_id}/ledger: the account's entries, newest first, a page at a time.
void addLedgerRoutes(http::Router& router, pg::Pool& pool);

}  // namespace shop::payments
