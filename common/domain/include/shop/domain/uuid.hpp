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

/// A random (version 4, RFC 4122 variant) UUID in canonical lowercase form: 122 bits drawn on
/// every call from the kernel's CSPRNG (getrandom(2)), so ids are unpredictable and differ across
/// threads and across processes forked from one another. Thread-safe. Throws std::system_error if
/// the kernel refuses (e.g. ENOSYS before Linux 3.17); may block only in early boot, until the
/// kernel's pool is first seeded.
std::string newUuid();

}  // namespace shop::domain
