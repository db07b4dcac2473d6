#include "shop/domain/money.hpp"

#include <cstddef>
#include <cstdint>

namespace shop::domain {

namespace {

// kMaxAmountMinor / 100 has ten digits; any longer integer part (no leading zeros) is too big.
constexpr std::size_t kMaxIntegerDigits = 10;

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool isExponentMark(char c) {
    return c == 'e' || c == 'E';
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char toLowerAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view text, std::string_view lowerWord) {
    if (text.size() != lowerWord.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (toLowerAscii(text[i]) != lowerWord[i]) {
            return false;
        }
    }
    return true;
}

bool isNonFiniteWord(std::string_view text) {
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        text.remove_prefix(1);
    }
    return equalsIgnoreCase(text, "nan") || equalsIgnoreCase(text, "inf") ||
           equalsIgnoreCase(text, "infinity");
}

std::size_t countDigits(std::string_view text, std::size_t pos) {
    std::size_t count = 0;
    while (pos + count < text.size() && isDigit(text[pos + count])) {
        ++count;
    }
    return count;
}

Minor digitsValue(std::string_view digits) {
    Minor value = 0;
    for (char c : digits) {
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<Minor> fail(std::string& error, std::string_view fieldName,
                          std::string_view problem) {
    error.assign(fieldName);
    error += ' ';
    error += problem;
    return std::nullopt;
}

}  // namespace

std::optional<Minor> parseMoney(std::string_view text, std::string& error) {
    return parseMoney(text, error, "amount");
}

std::optional<Minor> parseMoney(std::string_view text, std::string& error,
                                std::string_view fieldName) {
    constexpr std::string_view kNotANumber = "must be a decimal number such as 199.99";
    if (text.empty()) {
        return fail(error, fieldName, "must not be empty");
    }
    for (char c : text) {
        if (isSpace(c)) {
            return fail(error, fieldName, "must not contain whitespace");
        }
    }
    if (isNonFiniteWord(text)) {
        return fail(error, fieldName, "must be a finite number (NaN and Infinity are not allowed)");
    }
    if (text.front() == '+') {
        return fail(error, fieldName, "must not have a leading '+'");
    }
    if (text.front() == '-') {
        if (text.size() > 1 && (isDigit(text[1]) || text[1] == '.')) {
            return fail(error, fieldName, "must not be negative");
        }
        return fail(error, fieldName, kNotANumber);
    }

    const std::size_t integerDigits = countDigits(text, 0);
    std::size_t pos = integerDigits;
    if (integerDigits == 0) {
        if (text.front() == '.') {
            return fail(error, fieldName, "must have at least one digit before the decimal point");
        }
        return fail(error, fieldName, kNotANumber);
    }
    if (integerDigits > 1 && text.front() == '0') {
        return fail(error, fieldName, "must not have leading zeros");
    }
    std::size_t fractionDigits = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        fractionDigits = countDigits(text, pos);
        pos += fractionDigits;
        if (fractionDigits == 0 && !(pos < text.size() && isExponentMark(text[pos]))) {
            return fail(error, fieldName, "must have at least one digit after the decimal point");
        }
    }
    if (pos < text.size() && isExponentMark(text[pos])) {
        return fail(error, fieldName, "must not use exponent notation");
    }
    if (pos != text.size()) {
        return fail(error, fieldName, kNotANumber);
    }
    if (fractionDigits > 2) {
        return fail(error, fieldName, "must have at most 2 decimal places");
    }
    constexpr std::string_view kOverMaximum = "must be at most 1000000000.00";
    if (integerDigits > kMaxIntegerDigits) {
        return fail(error, fieldName, kOverMaximum);
    }

    // At most ten integer digits and two fraction digits: fits in int64 with a wide margin.
    Minor value = digitsValue(text.substr(0, integerDigits)) * 100;
    const std::string_view fraction =
        fractionDigits == 0 ? std::string_view{} : text.substr(integerDigits + 1, fractionDigits);
    Minor fractionValue = digitsValue(fraction);
    if (fractionDigits == 1) {
        fractionValue *= 10;
    }
    value += fractionValue;
    if (value > kMaxAmountMinor) {
        return fail(error, fieldName, kOverMaximum);
    }
    return value;
}

std::string formatMoney(Minor minor) {
    // Work on the unsigned magnitude so that INT64_MIN does not overflow on negation.
    const bool negative = minor < 0;
    const std::uint64_t magnitude = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(minor)
                                             : static_cast<std::uint64_t>(minor);
    const std::uint64_t whole = magnitude / 100;
    const std::uint64_t cents = magnitude % 100;

    std::string result;
    if (negative) {
        result += '-';
    }
    result += std::to_string(whole);
    result += '.';
    result += static_cast<char>('0' + cents / 10);
    result += static_cast<char>('0' + cents % 10);
    return result;
}

}  // namespace shop::domain
