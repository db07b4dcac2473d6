#include "text_format.hpp"

#include <charconv>
#include <cmath>

namespace shop::metrics::detail {
namespace {

bool isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

void appendEscaped(std::string& out, std::string_view text, bool quotes) {
    for (char c : text) {
        if (c == '\\') {
            out.append("\\\\");
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '"' && quotes) {
            out.append("\\\"");
        } else {
            out.push_back(c);
        }
    }
}

}  // namespace

bool isValidMetricName(std::string_view name) {
    if (name.empty() || !(isAlpha(name.front()) || name.front() == ':')) {
        return false;
    }
    for (char c : name) {
        if (!isAlpha(c) && !isDigit(c) && c != ':') {
            return false;
        }
    }
    return true;
}

bool isValidLabelName(std::string_view name) {
    if (name.empty() || !isAlpha(name.front()) || name.starts_with("__")) {
        return false;
    }
    for (char c : name) {
        if (!isAlpha(c) && !isDigit(c)) {
            return false;
        }
    }
    return true;
}

std::string formatValue(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char buffer[64];
    if (value == std::trunc(value) && std::fabs(value) < 1e15) {
        auto [end, ec] =
            std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
        return std::string(buffer, end);
    }
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, end);
}

std::string escapeHelp(std::string_view help) {
    std::string out;
    appendEscaped(out, help, false);
    return out;
}

std::string labelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extraName, std::string_view extraValue) {
    if (names.empty() && extraName.empty()) {
        return {};
    }
    std::string out = "{";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        out.append(names[i]).append("=\"");
        appendEscaped(out, i < values.size() ? values[i] : std::string_view{}, true);
        out.push_back('"');
    }
    if (!extraName.empty()) {
        if (!names.empty()) {
            out.push_back(',');
        }
        out.append(extraName).append("=\"");
        appendEscaped(out, extraValue, true);
        out.push_back('"');
    }
    out.push_back('}');
    return out;
}

}  // namespace shop::metrics::detail
