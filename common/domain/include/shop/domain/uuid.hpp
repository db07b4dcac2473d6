#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shop::domain {

/// Accepts a UUID in the 8-4-4-4-12 hex form (36 characters, any letter case) and returns it in
/// canonical lowercase. Anything else (braces, a "urn:uuid:" prefix, missing dashes, wrong
/// length, non-hex characters, surrounding whitespace) gives std::nullopt. Any version or
/// variant is accepted, including the nil UUID. Never throws except std::bad_alloc.
std::optional<std::string> normalizeUuid(std::string_view text);

/// The UUIDs whose canonical text starts with a given prefix: every id from `low` to `high`
/// inclusive (both canonical lowercase), as UUIDs order (byte by byte, which is the order of
/// their canonical text).
struct UuidRange {
    std::string low;
    std::string high;
};

inline constexpr std::size_t kMinUuidPrefix = 4;
inline constexpr std::size_t kMaxUuidPrefix = 36;

/// The range of the UUIDs starting with `prefix`: 4 to 36 characters of the 8-4-4-4-12 form as
/// written, hex digits in any letter case and a dash exactly at each of the form's dash
/// positions (9th, 14th, 19th and 24th character) that the prefix reaches. The rest is padded
/// with 0 for `low` and f for `high`, so a full id gives the range of that one id. Anything else
/// (too short or long, another character, a dash elsewhere or a digit where a dash belongs)
/// gives std::nullopt. Never throws except std::bad_alloc.
std::optional<UuidRange> uuidPrefixRange(std::string_view prefix);

/// A random (version 4, RFC 4122 variant) UUID in canonical lowercase form: 122 bits drawn on
/// every call from the kernel's CSPRNG (getrandom(2)), so ids are unpredictable and differ across
/// threads and across processes forked from one another. Thread-safe. Throws std::system_error if
/// the kernel refuses (e.g. ENOSYS before Linux 3.17); may block only in early boot, until the
/// kernel's pool is first seeded.
std::string newUuid();

}  // namespace shop::domain
