#include "repository/api_keys_repository.hpp"

#include "shop/service/pagination.hpp"

namespace shop::payments::api_keys_repository {
namespace {

const std::string& columns() {
    static const std::string kColumns = "key_id::text, user_id::text, secret_hash, " +
                                        service::rfc3339Sql("created_at") + ", " +
                                        service::rfc3339Sql("revoked_at");
    return kColumns;
}

std::vector<ApiKeyRow> rowsOf(const pg::Result& result) {
    std::vector<ApiKeyRow> rows;
    rows.reserve(static_cast<std::size_t>(result.rows()));
    for (int i = 0; i < result.rows(); ++i) {
        rows.push_back(ApiKeyRow{result.str(i, 0), result.str(i, 1), result.str(i, 2),
                                 result.str(i, 3), result.optStr(i, 4)});
    }
    return rows;
}

std::optional<ApiKeyRow> first(const pg::Result& result) {
    if (result.empty()) {
        return std::nullopt;
    }
    return rowsOf(result).front();
}

}  // namespace

ApiKeyRow insert(pg::Transaction& tx, const std::string& keyId, const std::string& userId,
                 const std::string& secretHash) {
    static const std::string kSql =
        "INSERT INTO api_keys (key_id, user_id, secret_hash) VALUES ($1, $2, $3) RETURNING " +
        columns();
    return rowsOf(tx.exec(kSql, keyId, userId, secretHash)).front();
}

std::optional<ApiKeyRow> find(pg::Transaction& tx, const std::string& keyId) {
    static const std::string kSql = "SELECT " + columns() + " FROM api_keys WHERE key_id = $1";
    return first(tx.exec(kSql, keyId));
}

std::vector<ApiKeyRow> forUser(pg::Transaction& tx, const std::string& userId, int limit) {
    static const std::string kSql = "SELECT " + columns() +
                                    " FROM api_keys WHERE user_id = $1 "
                                    "ORDER BY created_at DESC, key_id LIMIT $2";
    return rowsOf(tx.exec(kSql, userId, limit));
}

std::optional<ApiKeyRow> revoke(pg::Transaction& tx, const std::string& userId,
                                const std::string& keyId) {
    static const std::string kSql =
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, clock_timestamp()) "
        "WHERE key_id = $1 AND user_id = $2 RETURNING " +
        columns();
    return first(tx.exec(kSql, keyId, userId));
}

}  // namespace shop::payments::api_keys_repository
