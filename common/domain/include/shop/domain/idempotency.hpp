#pragma once

#include <cstddef>
#include <string_view>

namespace shop::domain {

/// Longest Idempotency-Key accepted, in characters (bytes: only ASCII is allowed).
inline constexpr std::size_t kMaxIdempotencyKeyLength = 200;

/// True when `key` is a usable Idempotency-Key header value: 1..200 characters, each printable
/// ASCII (0x21..0x7E) or a space, with no space at the start or the end. Anything else
/// (empty, too long, tabs, control characters, non-ASCII) is false.
bool isValidIdempotencyKey(std::string_view key);

}  // namespace shop::domain
