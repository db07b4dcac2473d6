#pragma once

#include <chrono>
#include <cstddef>
#include <semaphore>
#include <string>

#include "auth/access_policy.hpp"
#include "auth/token_cache.hpp"
#include "proxy/upstream.hpp"
#include "shop/auth/rate_limiter.hpp"
#include "shop/auth/tokens.hpp"
#include "shop/core/config.hpp"
#include "shop/http/router.hpp"

namespace shop::gateway {

struct AuthConfig {
    std::string tokenSecret;  ///< HS256 key, at least 32 bytes
    std::chrono::seconds tokenLifetime{900};
    std::string adminUser;
    std::string adminPasswordHash;  ///< as made by auth::hashSecret
    /// Failed sign-ins allowed per client address and per username (or API key) in a window.
    std::size_t loginFailuresPerAddress = 20;
    std::size_t loginFailuresPerUser = 5;
    std::chrono::seconds loginWindow{60};
    /// Requests allowed per account token (per user) and per operator in a window; 0: no limit.
    std::size_t accountRequests = 2000;
    std::size_t operatorRequests = 0;
    std::chrono::seconds requestWindow{10};
};

/// Reads SHOP_TOKEN_SECRET (required), SHOP_TOKEN_TTL_S, SHOP_ADMIN_USER (admin),
/// SHOP_ADMIN_PASSWORD_HASH or else SHOP_ADMIN_PASSWORD (hashed here, one of them required),
/// SHOP_LOGIN_FAILURES_PER_ADDRESS, SHOP_LOGIN_FAILURES_PER_USER, SHOP_LOGIN_WINDOW_S,
/// SHOP_ACCOUNT_RATE_LIMIT, SHOP_OPERATOR_RATE_LIMIT and SHOP_RATE_WINDOW_S.
AuthConfig readAuthConfig(core::EnvReader& env);

/// Signs callers in (POST /auth/token) and checks their access tokens on every other request:
/// the operator with the configured username and password, scripts with an account's API key,
/// which the payments service verifies. Failed sign-ins and requests per token are rate
/// limited (429 with Retry-After). Thread-safe.
class Authenticator final {
  public:
    /// `payments` verifies API keys and must outlive this object.
    Authenticator(AuthConfig config, Upstream& payments);

    /// POST /auth/token.
    http::Response signIn(const http::Request& request);

    /// The caller behind the request's `Authorization: Bearer` header (or, when
    /// `allowQueryToken`, an `access_token` query parameter, for WebSocket upgrades).
    /// Throws ApiError 401 without a valid token.
    auth::Principal authenticate(const http::Request& request, bool allowQueryToken = false);

    /// Counts one request of `principal`; zero when it is within its limit, else how long it
    /// must wait.
    std::chrono::seconds admit(const auth::Principal& principal);

    /// Wraps a route's handler: authenticate, apply `access`, then call `next`.
    http::Handler guard(Access access, http::Handler next);

  private:
    auth::Principal signInOperator(const http::Request& request, const std::string& username,
                                   const std::string& password);
    auth::Principal signInWithKey(const http::Request& request, const std::string& apiKey);

    AuthConfig m_config;
    Upstream& m_payments;
    auth::TokenIssuer m_tokens;
    TokenCache m_verified;
    auth::RateLimiter m_failuresByAddress;
    auth::RateLimiter m_failuresByUser;
    auth::RateLimiter m_accountRequests;
    auth::RateLimiter m_operatorRequests;
    class SlowCheck;
    /// Password and API key checks running at once: each costs ~0.3 s of CPU by design (here
    /// or in payments), so a burst of sign-ins queues here instead of taking every core.
    std::counting_semaphore<16> m_slowChecks{2};
};

}  // namespace shop::gateway
