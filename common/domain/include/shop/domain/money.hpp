#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop::domain {

/// An amount of money in minor units (cents): 19999 means 199.99. Always exact, never floating
/// point.
using Minor = std::int64_t;

/// The largest amount the system accepts: 1,000,000,000.00 in minor units.
inline constexpr Minor kMaxAmountMinor = 100'000'000'000;

/// Parses a decimal amount in major units ("199.99", "200", "0.5") into exact minor units.
///
/// Grammar: `0|[1-9][0-9]*` optionally followed by `.` and one or two digits; nothing else
/// (no sign, no whitespace, no exponent). Zero is accepted: callers decide whether they need a
/// positive amount. Values above kMaxAmountMinor are rejected. Never uses floating point and
/// never overflows, however long the input. On failure returns std::nullopt and sets `error` to
/// a human-readable message that starts with "amount " and names the problem (negative,
/// exponent, too many decimals, over the maximum, empty, leading zeros, not a number, ...).
/// Does not throw except std::bad_alloc.
std::optional<Minor> parseMoney(std::string_view text, std::string& error);

/// Same as parseMoney(text, error) but the message starts with `fieldName` instead of "amount",
/// e.g. "balance must not be negative".
std::optional<Minor> parseMoney(std::string_view text, std::string& error,
                                std::string_view fieldName);

/// Formats minor units with exactly two decimals: 0 -> "0.00", 19999 -> "199.99",
/// -150 -> "-1.50". Defined for the whole Minor range, including INT64_MIN.
std::string formatMoney(Minor minor);

}  // namespace shop::domain
