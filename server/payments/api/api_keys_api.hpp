#pragma once

#include "shop/http/router.hpp"
#include "shop/pg/pool.hpp"

namespace shop::payments {

/// Adds POST/GET /accounts/{user_id}/api-keys and DELETE /accounts/{user_id}/api-keys/{key_id}
/// (the gateway lets only the operator reach them), and POST /internal/api-keys/verify, which
/// the gateway calls when a script signs in with a key.
void addApiKeyRoutes(http::Router& router, pg::Pool& pool);

}  // namespace shop::payments
