#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "shop/domain/money.hpp"

namespace shop::domain {
namespace {

constexpr std::string_view kNegative = "amount must not be negative";
constexpr std::string_view kExponent = "amount must not use exponent notation";
constexpr std::string_view kDecimals = "amount must have at most 2 decimal places";
constexpr std::string_view kOverMaximum = "amount must be at most 1000000000.00";
constexpr std::string_view kEmpty = "amount must not be empty";
constexpr std::string_view kLeadingZeros = "amount must not have leading zeros";
constexpr std::string_view kNonFinite =
    "amount must be a finite number (NaN and Infinity are not allowed)";
constexpr std::string_view kNotANumber = "amount must be a decimal number such as 199.99";
constexpr std::string_view kPlus = "amount must not have a leading '+'";
constexpr std::string_view kWhitespace = "amount must not contain whitespace";
constexpr std::string_view kNoIntegerDigit =
    "amount must have at least one digit before the decimal point";
constexpr std::string_view kNoFractionDigit =
    "amount must have at least one digit after the decimal point";

struct ValidCase {
    std::string_view text;
    Minor expected;
};

void PrintTo(const ValidCase& row, std::ostream* os) {
    *os << '"' << row.text << "\" -> " << row.expected;
}

class ParseMoneyValid : public testing::TestWithParam<ValidCase> {};

TEST_P(ParseMoneyValid, ParsesToExactMinorUnits) {
    const ValidCase& row = GetParam();
    std::string error;
    const std::optional<Minor> parsed = parseMoney(row.text, error);
    ASSERT_TRUE(parsed.has_value()) << "error: " << error;
    EXPECT_EQ(*parsed, row.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseMoneyValid,
                         testing::Values(ValidCase{"0", 0}, ValidCase{"0.00", 0},
                                         ValidCase{"0.0", 0}, ValidCase{"0.01", 1},
                                         ValidCase{"0.1", 10}, ValidCase{"1", 100},
                                         ValidCase{"1.5", 150}, ValidCase{"1.05", 105},
                                         ValidCase{"10", 1000}, ValidCase{"199.99", 19999},
                                         ValidCase{"200", 20000},
                                         ValidCase{"999999999.99", 99999999999},
                                         ValidCase{"1000000000", kMaxAmountMinor},
                                         ValidCase{"1000000000.00", kMaxAmountMinor},
                                         ValidCase{"1000000000.0", kMaxAmountMinor}));

struct InvalidCase {
    std::string_view name;
    std::string text;
    std::string_view expectedError;
};

void PrintTo(const InvalidCase& row, std::ostream* os) {
    *os << row.name;
}

class ParseMoneyInvalid : public testing::TestWithParam<InvalidCase> {};

TEST_P(ParseMoneyInvalid, RejectsWithMessage) {
    const InvalidCase& row = GetParam();
    std::string error;
    const std::optional<Minor> parsed = parseMoney(row.text, error);
    EXPECT_FALSE(parsed.has_value()) << "parsed to " << parsed.value_or(0);
    EXPECT_EQ(error, row.expectedError);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseMoneyInvalid,
    testing::Values(
        InvalidCase{"Negative", "-1", kNegative}, InvalidCase{"NegativeCents", "-0.01", kNegative},
        InvalidCase{"NegativeZero", "-0", kNegative},
        InvalidCase{"NegativeFraction", "-.5", kNegative},
        InvalidCase{"ExponentLower", "1e3", kExponent},
        InvalidCase{"ExponentUpper", "1E2", kExponent},
        InvalidCase{"ExponentAfterFraction", "1.5e2", kExponent},
        InvalidCase{"ExponentAfterPoint", "1.e5", kExponent},
        InvalidCase{"ExponentSigned", "2e-2", kExponent},
        InvalidCase{"ThreeDecimals", "1.001", kDecimals},
        InvalidCase{"TrailingZeroDecimal", "199.990", kDecimals},
        InvalidCase{"ZeroThreeDecimals", "0.000", kDecimals}, InvalidCase{"NaN", "NaN", kNonFinite},
        InvalidCase{"NanLower", "nan", kNonFinite}, InvalidCase{"Infinity", "Infinity", kNonFinite},
        InvalidCase{"NegativeInfinity", "-Infinity", kNonFinite},
        InvalidCase{"Inf", "inf", kNonFinite},
        InvalidCase{"Huge", "99999999999999999999999", kOverMaximum},
        InvalidCase{"HugeWithCents", "99999999999999999999999.99", kOverMaximum},
        InvalidCase{"VeryLongDigitString", "1" + std::string(10000, '0'), kOverMaximum},
        InvalidCase{"JustOverMax", "1000000000.01", kOverMaximum},
        InvalidCase{"OverMaxWhole", "1000000001", kOverMaximum},
        InvalidCase{"ElevenDigits", "10000000000", kOverMaximum},
        InvalidCase{"MaxTenDigits", "9999999999.99", kOverMaximum},
        InvalidCase{"LeadingSpace", " 1", kWhitespace},
        InvalidCase{"TrailingSpace", "1 ", kWhitespace},
        InvalidCase{"InnerSpace", "1 000", kWhitespace}, InvalidCase{"Tab", "\t1", kWhitespace},
        InvalidCase{"Newline", "1\n", kWhitespace}, InvalidCase{"LeadingPlus", "+1", kPlus},
        InvalidCase{"LeadingZero", "01", kLeadingZeros},
        InvalidCase{"DoubleZero", "00", kLeadingZeros},
        InvalidCase{"LeadingZeroFraction", "00.5", kLeadingZeros},
        InvalidCase{"NoIntegerPart", ".5", kNoIntegerDigit},
        InvalidCase{"NoFractionPart", "1.", kNoFractionDigit},
        InvalidCase{"PointThenText", "1.x", kNoFractionDigit}, InvalidCase{"Empty", "", kEmpty},
        InvalidCase{"Letters", "abc", kNotANumber}, InvalidCase{"TwoPoints", "1.2.3", kNotANumber},
        InvalidCase{"Comma", "1,5", kNotANumber}, InvalidCase{"Hex", "0x10", kNotANumber},
        InvalidCase{"MinusOnly", "-", kNotANumber},
        InvalidCase{"MinusLetters", "-abc", kNotANumber},
        InvalidCase{"TrailingLetter", "12a", kNotANumber},
        InvalidCase{"Underscore", "1_000", kNotANumber},
        InvalidCase{"NulByte", std::string("1\0", 2), kNotANumber},
        InvalidCase{"ArabicDigit", "\xD9\xA1", kNotANumber},
        InvalidCase{"Currency", "$5", kNotANumber}),
    [](const testing::TestParamInfo<InvalidCase>& row) { return std::string(row.param.name); });

TEST(ParseMoney, ChecksDecimalsBeforeMaximum) {
    std::string error;
    EXPECT_FALSE(parseMoney("1" + std::string(50, '0') + ".001", error).has_value());
    EXPECT_EQ(error, kDecimals);
}

TEST(ParseMoney, UsesFieldNameInMessages) {
    std::string error;
    EXPECT_FALSE(parseMoney("-5", error, "balance").has_value());
    EXPECT_EQ(error, "balance must not be negative");
    EXPECT_FALSE(parseMoney("1.234", error, "price").has_value());
    EXPECT_EQ(error, "price must have at most 2 decimal places");
}

TEST(ParseMoney, OverwritesPreviousError) {
    std::string error = "stale";
    EXPECT_FALSE(parseMoney("", error).has_value());
    EXPECT_EQ(error, kEmpty);
}

struct FormatCase {
    Minor minor;
    std::string_view expected;
};

void PrintTo(const FormatCase& row, std::ostream* os) {
    *os << row.minor << " -> " << row.expected;
}

class FormatMoneyTable : public testing::TestWithParam<FormatCase> {};

TEST_P(FormatMoneyTable, WritesTwoDecimals) {
    EXPECT_EQ(formatMoney(GetParam().minor), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FormatMoneyTable,
    testing::Values(FormatCase{0, "0.00"}, FormatCase{1, "0.01"}, FormatCase{10, "0.10"},
                    FormatCase{99, "0.99"}, FormatCase{100, "1.00"}, FormatCase{150, "1.50"},
                    FormatCase{19999, "199.99"}, FormatCase{20000, "200.00"},
                    FormatCase{-1, "-0.01"}, FormatCase{-150, "-1.50"},
                    FormatCase{-19999, "-199.99"}, FormatCase{kMaxAmountMinor, "1000000000.00"},
                    FormatCase{std::numeric_limits<Minor>::max(), "92233720368547758.07"},
                    FormatCase{std::numeric_limits<Minor>::min(), "-92233720368547758.08"}));

TEST(FormatMoney, RoundTripsThroughParseMoney) {
    std::mt19937_64 engine(12345);
    std::uniform_int_distribution<Minor> anyAmount(0, kMaxAmountMinor);
    std::vector<Minor> samples = {0, 1, 9, 10, 99, 100, 101, kMaxAmountMinor - 1, kMaxAmountMinor};
    for (int i = 0; i < 2000; ++i) {
        samples.push_back(anyAmount(engine));
    }
    for (Minor minor : samples) {
        SCOPED_TRACE(minor);
        std::string error;
        const std::string text = formatMoney(minor);
        const std::optional<Minor> parsed = parseMoney(text, error);
        ASSERT_TRUE(parsed.has_value()) << text << ": " << error;
        EXPECT_EQ(*parsed, minor);
    }
}

TEST(FormatMoney, ParseThenFormatIsCanonical) {
    const std::pair<std::string_view, std::string_view> rows[] = {
        {"0", "0.00"}, {"1.5", "1.50"}, {"199.99", "199.99"}, {"1000000000", "1000000000.00"}};
    for (const auto& [input, canonical] : rows) {
        SCOPED_TRACE(input);
        std::string error;
        const std::optional<Minor> parsed = parseMoney(input, error);
        ASSERT_TRUE(parsed.has_value()) << error;
        EXPECT_EQ(formatMoney(*parsed), canonical);
    }
}

}  // namespace
}  // namespace shop::domain
