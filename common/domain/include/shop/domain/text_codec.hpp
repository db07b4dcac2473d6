#pragma once

// The one place that turns text digits back into values: hex digits, percent escapes (URLs,
// query strings, AMQP URLs), hex strings and base64url digits. Standard library only, so every
// library above shop_domain (http, amqp, auth) and the desktop client can share it.

#include <optional>
#include <string>
#include <string_view>

namespace shop::domain {

/// The value (0..15) of a hex digit, `0-9`, `a-f` or `A-F`; -1 for any other character.
int hexDigitValue(char c) noexcept;

/// What percentDecode does with a `+`; no default, so every caller says which URL part it reads.
enum class PlusSign {
    Literal,  ///< `+` stays `+` (URL paths, AMQP URL user info and vhost: RFC 3986)
    Space,    ///< `+` is a space (query strings, application/x-www-form-urlencoded)
};

/// Decodes every `%XY` escape (X and Y hex digits, either letter case) into the byte 0xXY and
/// copies every other character, `+` as `plus` says. Strict: a `%` that is not followed by two
/// hex digits (`%`, `%2` at the end, `%zz`, `%2g`) makes the whole text invalid and gives
/// std::nullopt, so no caller ever sees a half-decoded value. The bytes decoded are not checked
/// (they may be NUL or not UTF-8). Never throws except std::bad_alloc.
std::optional<std::string> percentDecode(std::string_view text, PlusSign plus);

/// Decodes a string of hex digit pairs (either letter case) into its bytes: `"00fF"` gives the
/// two bytes 0x00 0xFF, `""` gives `""`. An odd length or any non-hex character (a sign, a space,
/// a `0x` prefix) gives std::nullopt. Never throws except std::bad_alloc.
std::optional<std::string> hexDecode(std::string_view text);

/// The value (0..63) of a digit of the base64url alphabet (RFC 4648 section 5: `A-Z`, `a-z`,
/// `0-9`, `-`, `_`); -1 for any other character, the standard alphabet's `+` and `/` and the `=`
/// pad among them.
int base64UrlDigitValue(char c) noexcept;

}  // namespace shop::domain
