#pragma once
// Small text helpers for HTTP's case-insensitive names and blank-trimmed values (ASCII only, as
// HTTP's syntax is).

#include <cstddef>
#include <string_view>

namespace shop::http {

constexpr char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `text` without the spaces and tabs around it (HTTP's optional whitespace).
constexpr std::string_view trimBlanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

constexpr bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (asciiLower(a[i]) != asciiLower(b[i])) {
            return false;
        }
    }
    return true;
}

/// Whether `list`, a comma-separated field value, holds `token` (any case), e.g. `close` in
/// `Connection: keep-alive, Close`.
constexpr bool hasToken(std::string_view list, std::string_view token) {
    while (true) {
        const std::size_t comma = list.find(',');
        if (equalsIgnoringCase(trimBlanks(list.substr(0, comma)), token)) {
            return true;
        }
        if (comma == std::string_view::npos) {
            return false;
        }
        list.remove_prefix(comma + 1);
    }
}

}  // namespace shop::http
