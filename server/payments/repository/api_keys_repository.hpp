#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shop/pg/transaction.hpp"

namespace shop::payments {

struct ApiKeyRow {
    std::string keyId;
    std::string userId;
    std::string secretHash;
    std::string createdAt;
    std::optional<std::string> revokedAt;
};

/// All SQL of the api_keys table, with $n parameters only.
namespace api_keys_repository {

/// Stores a new key (only the hash of its secret); the account must exist.
ApiKeyRow insert(pg::Transaction& tx, const std::string& keyId, const std::string& userId,
                 const std::string& secretHash);
std::optional<ApiKeyRow> find(pg::Transaction& tx, const std::string& keyId);
/// The user's keys, newest first, revoked ones included.
std::vector<ApiKeyRow> forUser(pg::Transaction& tx, const std::string& userId, int limit);
/// Marks the key revoked (once; a second call keeps the first time); nullopt when the user has
/// no such key.
std::optional<ApiKeyRow> revoke(pg::Transaction& tx, const std::string& userId,
                                const std::string& keyId);

}  // namespace api_keys_repository
}  // namespace shop::payments
