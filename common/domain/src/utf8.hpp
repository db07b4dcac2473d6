#pragma once

// Internal to shop_domain: strict UTF-8 helpers shared by the JSON code and validation.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shop::domain::detail {

/// Length (1..4) of the well-formed UTF-8 sequence starting at text[pos], or 0 when the bytes
/// there are not well-formed UTF-8 (Unicode Table 3-7: no overlong forms, no surrogates,
/// nothing above U+10FFFF, no truncated sequences). Requires pos < text.size().
inline std::size_t utf8SequenceLength(std::string_view text, std::size_t pos) {
    const auto byteAt = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto inRange = [&](std::size_t i, unsigned lo, unsigned hi) {
        return i < text.size() && byteAt(i) >= lo && byteAt(i) <= hi;
    };
    const unsigned lead = byteAt(pos);
    if (lead < 0x80) {
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        return inRange(pos + 1, 0x80, 0xBF) ? 2 : 0;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        unsigned lo = 0x80;
        unsigned hi = 0xBF;
        if (lead == 0xE0) {
            lo = 0xA0;
        } else if (lead == 0xED) {
            hi = 0x9F;
        }
        return (inRange(pos + 1, lo, hi) && inRange(pos + 2, 0x80, 0xBF)) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        unsigned lo = 0x80;
        unsigned hi = 0xBF;
        if (lead == 0xF0) {
            lo = 0x90;
        } else if (lead == 0xF4) {
            hi = 0x8F;
        }
        return (inRange(pos + 1, lo, hi) && inRange(pos + 2, 0x80, 0xBF) &&
                inRange(pos + 3, 0x80, 0xBF))
                   ? 4
                   : 0;
    }
    return 0;
}

/// Appends the UTF-8 encoding of `codePoint`, which must be a Unicode scalar value
/// (<= U+10FFFF and not a surrogate).
inline void appendUtf8(std::string& out, std::uint32_t codePoint) {
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

}  // namespace shop::domain::detail
