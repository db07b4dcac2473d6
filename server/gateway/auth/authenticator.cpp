#include "auth/authenticator.hpp"

#include "shop/auth/api_key.hpp"
#include "shop/auth/secret_hash.hpp"
#include "shop/core/errors.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/json.hpp"
#include "shop/domain/validation.hpp"

namespace shop::gateway {
namespace {

using core::ApiError;
using core::ErrorCode;

constexpr std::string_view kBadCredentials = "invalid credentials";

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

/// A failure that is not about the credentials themselves (e.g. payments unavailable), thrown
/// with the answer to send.
struct ServiceFailure {
    http::Response response;
};

http::Response busy(const std::string& requestId) {
    http::Response response;
    response.status = core::httpStatus(ErrorCode::UpstreamUnavailable);
    response.body = core::errorEnvelope(ErrorCode::UpstreamUnavailable,
                                        "too many sign-ins at once, try again", requestId);
    response.headers.emplace_back("Retry-After", "1");
    return response;
}

}  // namespace

/// One of the few slow credential checks allowed at once, held for its scope. Waits briefly for
/// a free slot, then gives up with 503 rather than hold an HTTP worker thread for long.
class Authenticator::SlowCheck final {
  public:
    SlowCheck(std::counting_semaphore<16>& slots, const http::Request& request) : m_slots(slots) {
        if (!m_slots.try_acquire_for(std::chrono::seconds(1))) {
            throw ServiceFailure{busy(request.requestId)};
        }
    }
    ~SlowCheck() { m_slots.release(); }
    SlowCheck(const SlowCheck&) = delete;
    SlowCheck& operator=(const SlowCheck&) = delete;

  private:
    std::counting_semaphore<16>& m_slots;
};

AuthConfig readAuthConfig(core::EnvReader& env) {
    AuthConfig config;
    config.tokenSecret = env.required("SHOP_TOKEN_SECRET");
    if (!config.tokenSecret.empty() && config.tokenSecret.size() < 32) {
        env.addProblem("SHOP_TOKEN_SECRET must be at least 32 bytes");
    }
    config.tokenLifetime = std::chrono::seconds(env.integer("SHOP_TOKEN_TTL_S", 900, 60, 86400));
    config.adminUser = env.string("SHOP_ADMIN_USER", "admin");
    if (config.adminUser.empty() || config.adminUser.size() > 100) {
        env.addProblem("SHOP_ADMIN_USER must be 1..100 characters");
    }
    config.adminPasswordHash = env.string("SHOP_ADMIN_PASSWORD_HASH", "");
    if (config.adminPasswordHash.empty()) {
        const std::string password = env.string("SHOP_ADMIN_PASSWORD", "");
        if (password.size() < 8) {
            env.addProblem(
                "SHOP_ADMIN_PASSWORD (at least 8 characters) or "
                "SHOP_ADMIN_PASSWORD_HASH must be set");
        } else {
            config.adminPasswordHash = auth::hashSecret(password);
        }
    } else if (!config.adminPasswordHash.starts_with("pbkdf2-sha256$")) {
        env.addProblem("SHOP_ADMIN_PASSWORD_HASH must look like pbkdf2-sha256$<iterations>$...");
    }
    config.loginFailuresPerAddress =
        static_cast<std::size_t>(env.integer("SHOP_LOGIN_FAILURES_PER_ADDRESS", 20, 1, 1000000));
    config.loginFailuresPerUser =
        static_cast<std::size_t>(env.integer("SHOP_LOGIN_FAILURES_PER_USER", 5, 1, 1000000));
    config.loginWindow = std::chrono::seconds(env.integer("SHOP_LOGIN_WINDOW_S", 60, 1, 86400));
    config.accountRequests =
        static_cast<std::size_t>(env.integer("SHOP_ACCOUNT_RATE_LIMIT", 2000, 0, 100000000));
    config.operatorRequests =
        static_cast<std::size_t>(env.integer("SHOP_OPERATOR_RATE_LIMIT", 0, 0, 100000000));
    config.requestWindow = std::chrono::seconds(env.integer("SHOP_RATE_WINDOW_S", 10, 1, 3600));
    return config;
}

Authenticator::Authenticator(AuthConfig config, Upstream& payments)
    : m_config(std::move(config)),
      m_payments(payments),
      m_tokens(m_config.tokenSecret, m_config.tokenLifetime),
      m_failuresByAddress(m_config.loginFailuresPerAddress, m_config.loginWindow),
      m_failuresByUser(m_config.loginFailuresPerUser, m_config.loginWindow),
      m_accountRequests(m_config.accountRequests, m_config.requestWindow),
      m_operatorRequests(m_config.operatorRequests, m_config.requestWindow) {}

auth::Principal Authenticator::signInOperator(const http::Request& request,
                                              const std::string& username,
                                              const std::string& password) {
    const SlowCheck slot(m_slowChecks, request);
    // Both checks always run, so the answer takes as long whichever was wrong.
    const bool userMatches = auth::constantTimeEquals(username, m_config.adminUser);
    const bool passwordMatches = auth::verifySecret(password, m_config.adminPasswordHash);
    if (!userMatches || !passwordMatches) {
        throw ApiError(ErrorCode::Unauthorized, std::string(kBadCredentials));
    }
    return auth::Principal{auth::Role::Operator, m_config.adminUser, {}};
}

auth::Principal Authenticator::signInWithKey(const http::Request& request,
                                             const std::string& apiKey) {
    const SlowCheck slot(m_slowChecks, request);
    if (!auth::parseApiKey(apiKey)) {
        // Payments spends a PBKDF2 hash on every well-formed key, known or not; a malformed one
        // costs the same hash here, so how long the answer takes tells nothing of what was wrong.
        static const std::string kDecoy = auth::hashSecret(auth::randomHex(32));
        (void)auth::verifySecret(apiKey, kDecoy);
        throw ApiError(ErrorCode::Unauthorized, std::string(kBadCredentials));
    }
    http::Request verify;
    verify.method = "POST";
    verify.path = verify.target = "/internal/api-keys/verify";
    verify.requestId = request.requestId;
    verify.clientAddress = request.clientAddress;
    verify.headers.emplace_back("content-type", "application/json");
    domain::JsonWriter body;
    body.beginObject().field("api_key", apiKey).endObject();
    verify.body = body.take();
    http::Response answer = m_payments.forward(verify);
    if (answer.status == 401) {
        throw ApiError(ErrorCode::Unauthorized, std::string(kBadCredentials));
    }
    std::string error;
    const auto json = answer.status == 200 ? domain::parseJson(answer.body, error) : std::nullopt;
    const domain::Json* data = json ? json->find("data") : nullptr;
    const domain::Json* user = data != nullptr ? data->find("user_id") : nullptr;
    if (user == nullptr || !user->isString()) {
        if (answer.status < 500) {
            core::logError(
                "payments answered an API key check oddly",
                {{"request_id", request.requestId}, {"status", std::to_string(answer.status)}});
            answer = http::Response{};
            answer.status = 502;
            answer.body = core::errorEnvelope(
                ErrorCode::BadGateway, "the credentials could not be checked", request.requestId);
        }
        throw ServiceFailure{std::move(answer)};
    }
    return auth::Principal{auth::Role::Account, user->asString(), user->asString()};
}

http::Response Authenticator::signIn(const http::Request& request) {
    std::string error;
    auto body = request.body.empty() ? std::nullopt : domain::parseJson(request.body, error);
    if (!body) {
        throw ApiError(ErrorCode::BadRequest,
                       error.empty() ? "request body must be a JSON object" : error);
    }
    domain::FieldReader reader(*body);
    reader.allowOnly({"username", "password", "api_key"});
    const auto username = reader.text("username", false, 1, 200);
    const auto password = reader.text("password", false, 1, 1000);
    const auto apiKey = reader.text("api_key", false, 1, 200);
    if (!reader.ok()) {
        throw ApiError(ErrorCode::BadRequest, reader.error());
    }
    const bool operatorForm = username && password && !apiKey;
    if (!operatorForm && !(apiKey && !username && !password)) {
        throw ApiError(ErrorCode::BadRequest, "send either username and password, or api_key");
    }

    // An API key is limited by its id part, so guessing secrets of one key is slow too. Every
    // attempt is counted before its check and refunded unless it fails, so a burst of parallel
    // guesses cannot all pass the limit before the first of them has failed.
    const std::string addressKey = request.clientAddress;
    const std::string userKey = operatorForm ? "user:" + *username : "key:" + apiKey->substr(0, 37);
    const auto addressWait = m_failuresByAddress.hit(addressKey);
    const auto userWait = m_failuresByUser.hit(userKey);
    auto refund = [&] {
        if (addressWait.count() == 0) {
            m_failuresByAddress.refund(addressKey);
        }
        if (userWait.count() == 0) {
            m_failuresByUser.refund(userKey);
        }
    };
    if (const auto wait = std::max(addressWait, userWait); wait.count() > 0) {
        refund();
        core::logWarn("sign-in rate limited",
                      {{"request_id", request.requestId}, {"client", request.clientAddress}});
        throw ApiError(ErrorCode::RateLimited, "too many failed sign-ins, try again later", wait);
    }

    auth::Principal principal;
    try {
        principal = operatorForm ? signInOperator(request, *username, *password)
                                 : signInWithKey(request, *apiKey);
    } catch (const ApiError&) {
        core::logWarn("sign-in failed", {{"request_id", request.requestId},
                                         {"client", request.clientAddress},
                                         {"form", operatorForm ? "password" : "api_key"}});
        throw;
    } catch (ServiceFailure& failure) {
        refund();
        return std::move(failure.response);
    } catch (...) {
        refund();
        throw;
    }
    m_failuresByAddress.refund(addressKey);
    m_failuresByUser.reset(userKey);
    core::logInfo("signed in", {{"request_id", request.requestId},
                                {"role", std::string(auth::toString(principal.role))},
                                {"subject", principal.subject}});

    domain::JsonWriter out;
    out.beginObject()
        .field("access_token", m_tokens.issue(principal))
        .field("token_type", "Bearer")
        .field("expires_in", static_cast<std::int64_t>(m_tokens.lifetime().count()))
        .field("role", auth::toString(principal.role));
    if (principal.role == auth::Role::Account) {
        out.field("user_id", principal.userId);
    } else {
        out.fieldNull("user_id");
    }
    out.endObject();
    return http::Response::data(200, out.take());
}

auth::Principal Authenticator::authenticate(const http::Request& request, bool allowQueryToken) {
    std::optional<std::string> token;
    if (const auto header = request.header("authorization")) {
        const auto space = header->find(' ');
        if (space != std::string::npos && lower(header->substr(0, space)) == "bearer") {
            token = header->substr(space + 1);
        }
    } else if (allowQueryToken) {
        token = request.queryParam("access_token");
    }
    if (!token || token->empty()) {
        throw ApiError(ErrorCode::Unauthorized,
                       "send Authorization: Bearer <access_token> (POST /auth/token issues one)");
    }
    auto principal = m_verified.find(*token, TokenCache::Clock::now());
    if (!principal) {
        if (auto verified = m_tokens.check(*token)) {
            principal = verified->principal;
            m_verified.remember(*token, std::move(*verified));
        }
    }
    if (!principal) {
        throw ApiError(ErrorCode::Unauthorized, "the access token is invalid or has expired");
    }
    return std::move(*principal);
}

std::chrono::seconds Authenticator::admit(const auth::Principal& principal) {
    if (principal.role == auth::Role::Operator) {
        return m_config.operatorRequests == 0 ? std::chrono::seconds(0)
                                              : m_operatorRequests.hit(principal.subject);
    }
    return m_config.accountRequests == 0 ? std::chrono::seconds(0)
                                         : m_accountRequests.hit(principal.userId);
}

http::Handler Authenticator::guard(Access access, http::Handler next) {
    return [this, access, next = std::move(next)](const http::Request& request) {
        const auth::Principal principal = authenticate(request);
        if (const auto wait = admit(principal); wait.count() > 0) {
            throw ApiError(ErrorCode::RateLimited, "too many requests for this token, slow down",
                           wait);
        }
        if (auto denial = denialOf(access, principal, request)) {
            throw ApiError(ErrorCode::Forbidden, *denial);
        }
        http::Response response = next(request);
        if (!allowsResponse(access, principal, response)) {
            throw ApiError(ErrorCode::Forbidden, "an account token reaches only its own orders");
        }
        return response;
    };
}

}  // namespace shop::gateway
