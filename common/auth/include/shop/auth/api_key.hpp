#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shop::auth {

/// An API key is `shop_<key id: 32 hex>_<secret: 64 hex>`. The key id (a UUID without dashes)
/// finds the stored row; only a slow hash of the secret is kept.
struct ApiKeyParts {
    std::string keyId;   ///< canonical UUID text
    std::string secret;  ///< 64 lowercase hex
};

/// A new key for `keyId` (a canonical UUID) with 32 random bytes of secret.
ApiKeyParts newApiKey(std::string keyId);
std::string formatApiKey(const ApiKeyParts& parts);
/// nullopt for anything that is not exactly the format above.
std::optional<ApiKeyParts> parseApiKey(std::string_view text);

}  // namespace shop::auth
