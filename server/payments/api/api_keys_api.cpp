#include "api/api_keys_api.hpp"

#include "repository/accounts_repository.hpp"
#include "repository/api_keys_repository.hpp"
#include "shop/auth/api_key.hpp"
#include "shop/auth/secret_hash.hpp"
#include "shop/core/errors.hpp"
#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/domain/validation.hpp"
#include "shop/service/requests.hpp"

namespace shop::payments {
namespace {

using core::ApiError;
using core::ErrorCode;

constexpr int kMaxListed = 200;

void writeKey(domain::JsonWriter& out, const ApiKeyRow& key) {
    out.field("key_id", key.keyId).field("user_id", key.userId).field("created_at", key.createdAt);
    if (key.revokedAt) {
        out.field("revoked_at", *key.revokedAt);
    } else {
        out.fieldNull("revoked_at");
    }
}

std::string keyJson(const ApiKeyRow& key) {
    domain::JsonWriter out;
    out.beginObject();
    writeKey(out, key);
    out.endObject();
    return out.take();
}

http::Response createKey(pg::Pool& pool, const http::Request& request) {
    const std::string userId = service::uuidParam(request, "user_id");
    const domain::Json body = service::parseJsonBody(request, true);
    domain::FieldReader reader(body);
    reader.allowOnly({});
    service::requireValid(reader);

    // The slow hash runs before the transaction, so no connection waits on it.
    const auth::ApiKeyParts key = auth::newApiKey(domain::newUuid());
    const std::string hash = auth::hashSecret(key.secret);

    pg::Transaction tx(pool);
    if (!accounts_repository::exists(tx, userId)) {
        throw ApiError(ErrorCode::NotFound, "account not found");
    }
    const ApiKeyRow row = api_keys_repository::insert(tx, key.keyId, userId, hash);
    tx.commit();

    domain::JsonWriter out;
    out.beginObject();
    writeKey(out, row);
    out.field("api_key", auth::formatApiKey(key)).endObject();
    return http::Response::data(201, out.take());
}

http::Response listKeys(pg::Pool& pool, const http::Request& request) {
    const std::string userId = service::uuidParam(request, "user_id");
    pg::Transaction tx(pool);
    if (!accounts_repository::exists(tx, userId)) {
        throw ApiError(ErrorCode::NotFound, "account not found");
    }
    const auto rows = api_keys_repository::forUser(tx, userId, kMaxListed);
    tx.commit();
    domain::JsonWriter out;
    out.beginObject().key("items").beginArray();
    for (const auto& row : rows) {
        out.beginObject();
        writeKey(out, row);
        out.endObject();
    }
    out.endArray().endObject();
    return http::Response::data(200, out.take());
}

http::Response revokeKey(pg::Pool& pool, const http::Request& request) {
    const std::string userId = service::uuidParam(request, "user_id");
    const std::string keyId = service::uuidParam(request, "key_id");
    pg::Transaction tx(pool);
    auto row = api_keys_repository::revoke(tx, userId, keyId);
    tx.commit();
    if (!row) {
        throw ApiError(ErrorCode::NotFound, "this account has no such API key");
    }
    return http::Response::data(200, keyJson(*row));
}

/// Internal: {"api_key"} -> {"user_id", "key_id"} for a valid, unrevoked key. Every failure is
/// the same 401, and an unknown key still costs one hash, so timing tells nothing either.
http::Response verifyKey(pg::Pool& pool, const http::Request& request) {
    const domain::Json body = service::parseJsonBody(request);
    domain::FieldReader reader(body);
    reader.allowOnly({"api_key"});
    auto text = reader.text("api_key", true, 1, 200);
    service::requireValid(reader);

    static const std::string kDecoy = auth::hashSecret(auth::randomHex(32));
    std::optional<ApiKeyRow> row;
    const auto key = auth::parseApiKey(*text);
    if (key) {
        pg::Transaction tx(pool);
        row = api_keys_repository::find(tx, key->keyId);
        tx.commit();
    }
    const bool matches =
        auth::verifySecret(key ? key->secret : *text, row ? row->secretHash : kDecoy);
    if (!row || !matches || row->revokedAt) {
        throw ApiError(ErrorCode::Unauthorized, "invalid credentials");
    }
    domain::JsonWriter out;
    out.beginObject().field("user_id", row->userId).field("key_id", row->keyId).endObject();
    return http::Response::data(200, out.take());
}

}  // namespace

void addApiKeyRoutes(http::Router& router, pg::Pool& pool) {
    router.add("POST", "/accounts/{user_id}/api-keys",
               [&pool](const http::Request& r) { return createKey(pool, r); });
    router.add("GET", "/accounts/{user_id}/api-keys",
               [&pool](const http::Request& r) { return listKeys(pool, r); });
    router.add("DELETE", "/accounts/{user_id}/api-keys/{key_id}",
               [&pool](const http::Request& r) { return revokeKey(pool, r); });
    router.add("POST", "/internal/api-keys/verify",
               [&pool](const http::Request& r) { return verifyKey(pool, r); });
}

}  // namespace shop::payments
