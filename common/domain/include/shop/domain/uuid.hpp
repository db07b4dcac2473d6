#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shop::domain {

/// Accepts a UUID in the 8-4-4-4-12 hex form (36 characters, any letter case) and returns it in
/// canonical lowercase. Anything else (braces, a "urn:uuid:" prefix, missing dashes, wrong
/// length, non-hex characters, surrounding whitespace) gives std::nullopt. Any version or
/// variant is accepted, including the nil UUID. Never throws except std::bad_alloc.
std::optional<std::string> normalizeUuid(std::string_view text);

/// A random (version 4, RFC 4122 variant) UUID in canonical lowercase form. Thread-safe: each
/// thread has its own engine seeded from std::random_device. Not suitable as a secret.
std::string newUuid();

}  // namespace shop::domain
