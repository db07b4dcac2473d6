#include "shop/service/idempotency.hpp"

#include "shop/core/errors.hpp"
#include "shop/domain/idempotency.hpp"

namespace shop::service {

using core::ApiError;
using core::ErrorCode;

std::optional<std::string> idempotencyKeyOf(const http::Request& request) {
    auto key = request.header("Idempotency-Key");
    if (!key) {
        return std::nullopt;
    }
    if (!domain::isValidIdempotencyKey(*key)) {
        throw ApiError(ErrorCode::BadRequest,
                       "Idempotency-Key must be 1 to 200 printable ASCII characters");
    }
    return key;
}

std::optional<http::Response> beginIdempotent(pg::Transaction& tx, const IdempotencyUse& use) {
    const std::string lockKey = use.scope + '\n' + use.key;
    auto locked = tx.exec("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))", lockKey);
    if (!locked.boolean(0, 0)) {
        throw ApiError(ErrorCode::Conflict,
                       "a request with this Idempotency-Key is still being processed");
    }
    auto stored = tx.exec(
        "SELECT fingerprint, status_code, response_body FROM idempotency_keys "
        "WHERE scope = $1 AND key = $2",
        use.scope, use.key);
    if (stored.empty()) {
        return std::nullopt;
    }
    if (stored.str(0, 0) != use.fingerprint) {
        throw ApiError(ErrorCode::IdempotencyKeyReused,
                       "this Idempotency-Key was already used with a different request");
    }
    http::Response response;
    response.status = static_cast<int>(stored.int64(0, 1));
    response.body = stored.str(0, 2);
    response.headers.emplace_back("Idempotent-Replayed", "true");
    return response;
}

void finishIdempotent(pg::Transaction& tx, const IdempotencyUse& use,
                      const http::Response& response) {
    tx.exec(
        "INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response_body) "
        "VALUES ($1, $2, $3, $4, $5)",
        use.scope, use.key, use.fingerprint, response.status, response.body);
}

}  // namespace shop::service
