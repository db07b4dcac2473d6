#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace shop::pg {

/// One statement parameter in text format; std::nullopt is SQL NULL.
using Param = std::optional<std::string>;

/// Conversions of C++ values to text parameters, used by every `exec(sql, args...)`.
/// Add an overload `shop::pg::Param toParam(const T&)` in T's own namespace to pass your own
/// types (it is found by argument-dependent lookup).
inline Param toParam(std::string_view value) {
    return std::string(value);
}
inline Param toParam(const std::string& value) {
    return value;
}
/// A null `const char*` is SQL NULL.
inline Param toParam(const char* value) {
    return value == nullptr ? Param{} : Param{std::string(value)};
}
inline Param toParam(std::nullptr_t) {
    return std::nullopt;
}
inline Param toParam(std::nullopt_t) {
    return std::nullopt;
}

namespace detail {
template <class T>
concept CharLike = std::same_as<T, char> || std::same_as<T, wchar_t> || std::same_as<T, char8_t> ||
    std::same_as<T, char16_t> || std::same_as<T, char32_t>;

/// Appends one element of a PostgreSQL array literal: NULL, or a double-quoted, escaped value.
void appendArrayElement(std::string& out, const Param& element);
}  // namespace detail

/// bool is sent as "true"/"false". A template, so nothing converts to bool by accident.
template <class T>
requires std::same_as<T, bool> Param toParam(T value) {
    return std::string(value ? "true" : "false");
}

/// Integers are sent in decimal. Characters and floating point are deliberately rejected.
template <std::integral T>
requires(!std::same_as<T, bool> && !detail::CharLike<T>) Param toParam(T value) {
    return std::to_string(value);
}

/// An empty optional is SQL NULL.
template <class T>
Param toParam(const std::optional<T>& value) {
    if (!value) {
        return std::nullopt;
    }
    return toParam(*value);
}

/// A vector becomes a one-dimensional array literal `{"a","b",NULL}` with every element quoted
/// and escaped, so `= ANY($1::uuid[])` and `$1::text[]` work for any content.
template <class T>
Param toParam(const std::vector<T>& values) {
    std::string out = "{";
    bool first = true;
    for (const auto& value : values) {
        if (!first) {
            out += ',';
        }
        first = false;
        detail::appendArrayElement(out, toParam(value));
    }
    out += '}';
    return out;
}

}  // namespace shop::pg
