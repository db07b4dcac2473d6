#pragma once

#include <optional>
#include <string>

#include "shop/http/message.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::service {

/// One use of an Idempotency-Key: the key, where it applies (endpoint and user) and a fingerprint
/// of the request's meaning (normalised fields, so `200` and `"200.00"` are the same request).
struct IdempotencyUse {
    std::string scope;
    std::string key;
    std::string fingerprint;
};

/// Reads and validates the Idempotency-Key header; nullopt when absent. Throws ApiError 400 when
/// it is present but not 1..200 printable characters.
std::optional<std::string> idempotencyKeyOf(const http::Request& request);

/// Call first inside the transaction that will have the request's effect. Returns the stored
/// response when this key was already used with the same fingerprint (replay it, do nothing
/// else); throws ApiError 422 when it was used with a different one, and 409 while another request
/// with the same key is still in flight (holding the key's transaction-scoped advisory lock).
std::optional<http::Response> beginIdempotent(pg::Transaction& tx, const IdempotencyUse& use);

/// Stores the response in the same transaction as the effect, so both commit or neither does.
void finishIdempotent(pg::Transaction& tx, const IdempotencyUse& use,
                      const http::Response& response);

}  // namespace shop::service
