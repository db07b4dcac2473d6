#pragma once

#include <string>
#include <string_view>

#include "shop/auth/internal_secret.hpp"
#include "shop/http/server.hpp"

namespace shop::service {

/// A guard that refuses (401 UNAUTHORIZED) every request without `secret` in the
/// X-Internal-Secret header, compared in constant time, except the health checks and /metrics,
/// which carry no data: only the gateway, which has checked the caller's token, gets through.
http::RequestGuard internalOnly(std::string secret);

}  // namespace shop::service
