#include "shop/auth/api_key.hpp"

#include <algorithm>

#include "shop/auth/secret_hash.hpp"

namespace shop::auth {
namespace {

constexpr std::string_view kPrefix = "shop_";
constexpr std::size_t kIdHex = 32;
constexpr std::size_t kSecretHex = 64;

bool isLowerHex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

ApiKeyParts newApiKey(std::string keyId) {
    return ApiKeyParts{std::move(keyId), randomHex(kSecretHex / 2)};
}

std::string formatApiKey(const ApiKeyParts& parts) {
    std::string id;
    std::copy_if(parts.keyId.begin(), parts.keyId.end(), std::back_inserter(id),
                 [](char c) { return c != '-'; });
    return std::string(kPrefix) + id + "_" + parts.secret;
}

std::optional<ApiKeyParts> parseApiKey(std::string_view text) {
    if (text.size() != kPrefix.size() + kIdHex + 1 + kSecretHex || !text.starts_with(kPrefix) ||
        text[kPrefix.size() + kIdHex] != '_') {
        return std::nullopt;
    }
    const std::string_view id = text.substr(kPrefix.size(), kIdHex);
    const std::string_view secret = text.substr(kPrefix.size() + kIdHex + 1);
    if (!isLowerHex(id) || !isLowerHex(secret)) {
        return std::nullopt;
    }
    std::string uuid;
    uuid.reserve(36);
    uuid.append(id.substr(0, 8)).append("-").append(id.substr(8, 4)).append("-");
    uuid.append(id.substr(12, 4)).append("-").append(id.substr(16, 4)).append("-");
    uuid.append(id.substr(20));
    return ApiKeyParts{std::move(uuid), std::string(secret)};
}

}  // namespace shop::auth
