#pragma once

#include <string>
#include <string_view>

namespace shop::auth {

/// PBKDF2-HMAC-SHA256 iterations for new hashes (OWASP 2023 advises at least 600,000).
inline constexpr int kDefaultIterations = 600'000;

/// Hashes a password or API key with a fresh 16-byte random salt:
/// `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`. Only this string is ever stored.
std::string hashSecret(std::string_view secret, int iterations = kDefaultIterations);

/// True when `secret` matches `encoded` (as made by hashSecret). Compares in constant time and
/// returns false, never throws, for a malformed `encoded`.
bool verifySecret(std::string_view secret, std::string_view encoded);

/// Equality of two byte strings in a time that tells neither where they differ nor how long
/// either is.
bool constantTimeEquals(std::string_view a, std::string_view b);

/// `bytes` random bytes from the operating system's CSPRNG, as lowercase hex.
std::string randomHex(std::size_t bytes);

}  // namespace shop::auth
