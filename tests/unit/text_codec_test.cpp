#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "shop/domain/text_codec.hpp"

namespace shop::domain {
namespace {

TEST(TextCodec, HexDigitValueReadsBothLetterCasesAndNothingElse) {
    const std::string_view lower = "0123456789abcdef";
    const std::string_view upper = "0123456789ABCDEF";
    for (std::size_t i = 0; i < lower.size(); ++i) {
        EXPECT_EQ(hexDigitValue(lower[i]), static_cast<int>(i)) << lower[i];
        EXPECT_EQ(hexDigitValue(upper[i]), static_cast<int>(i)) << upper[i];
    }
    int digits = 0;
    for (int c = -128; c < 128; ++c) {
        const int value = hexDigitValue(static_cast<char>(c));
        EXPECT_GE(value, -1);
        EXPECT_LE(value, 15);
        digits += value >= 0 ? 1 : 0;
    }
    EXPECT_EQ(digits, 22);  // 10 digits and 6 letters in each case
    for (const char c : std::string_view("gG/:@`x %+-\0", 12)) {
        EXPECT_EQ(hexDigitValue(c), -1) << static_cast<int>(c);
    }
}

TEST(TextCodec, PercentDecodeDecodesEscapesInEitherLetterCase) {
    EXPECT_EQ(percentDecode("", PlusSign::Literal), "");
    EXPECT_EQ(percentDecode("plain-text_~.", PlusSign::Literal), "plain-text_~.");
    EXPECT_EQ(percentDecode("a%20b", PlusSign::Literal), "a b");
    EXPECT_EQ(percentDecode("%2F%2f", PlusSign::Literal), "//");
    EXPECT_EQ(percentDecode("%aB%Cd", PlusSign::Literal), "\xAB\xCD");
    EXPECT_EQ(percentDecode("%41%42C", PlusSign::Literal), "ABC");
    EXPECT_EQ(percentDecode("%00", PlusSign::Literal), std::string(1, '\0'));
    EXPECT_EQ(percentDecode("%FF", PlusSign::Literal), "\xFF");
    EXPECT_EQ(percentDecode("%C3%A9", PlusSign::Literal), "\xC3\xA9");
}

TEST(TextCodec, PercentDecodeDecodesOnceOnly) {
    // "%2541" is an escaped '%' followed by "41", not 'A'.
    EXPECT_EQ(percentDecode("%2541", PlusSign::Literal), "%41");
    EXPECT_EQ(percentDecode("%25", PlusSign::Space), "%");
}

TEST(TextCodec, PercentDecodeRejectsMalformedEscapes) {
    const std::string_view rows[] = {"%zz",  "%g0", "%0g", "a%2gb", "%%41",
                                     "% 41", "%-1", "%+1", "%x41",  "ok%41%4z"};
    for (const std::string_view text : rows) {
        SCOPED_TRACE(text);
        EXPECT_EQ(percentDecode(text, PlusSign::Literal), std::nullopt);
        EXPECT_EQ(percentDecode(text, PlusSign::Space), std::nullopt);
    }
}

TEST(TextCodec, PercentDecodeRejectsTruncatedEscapes) {
    const std::string_view rows[] = {"%", "%2", "abc%", "abc%4", "%41%", "%41%4"};
    for (const std::string_view text : rows) {
        SCOPED_TRACE(text);
        EXPECT_EQ(percentDecode(text, PlusSign::Literal), std::nullopt);
        EXPECT_EQ(percentDecode(text, PlusSign::Space), std::nullopt);
    }
    // A truncated escape is refused even where the text goes on in memory past the view.
    const std::string_view cut = std::string_view("ab%41").substr(0, 4);
    EXPECT_EQ(percentDecode(cut, PlusSign::Literal), std::nullopt);
}

TEST(TextCodec, PercentDecodePlusIsASpaceOnlyWhenAsked) {
    EXPECT_EQ(percentDecode("a+b", PlusSign::Literal), "a+b");
    EXPECT_EQ(percentDecode("a+b", PlusSign::Space), "a b");
    EXPECT_EQ(percentDecode("++", PlusSign::Space), "  ");
    // An escaped plus is always a plus, and an escaped space always a space.
    EXPECT_EQ(percentDecode("%2B", PlusSign::Space), "+");
    EXPECT_EQ(percentDecode("%2b", PlusSign::Literal), "+");
    EXPECT_EQ(percentDecode("%20+", PlusSign::Literal), " +");
    EXPECT_EQ(percentDecode("%20+", PlusSign::Space), "  ");
}

TEST(TextCodec, HexDecodeDecodesPairsInEitherLetterCase) {
    EXPECT_EQ(hexDecode(""), "");
    EXPECT_EQ(hexDecode("00fF"), std::string("\x00\xFF", 2));
    EXPECT_EQ(hexDecode("4142"), "AB");
    EXPECT_EQ(hexDecode("deadBEEF"), "\xDE\xAD\xBE\xEF");
}

TEST(TextCodec, HexDecodeRejectsOddLengthsAndNonHexCharacters) {
    const std::string_view rows[] = {"0",  "abc", "0g",  "g0",  "0x41",
                                     "+1", "-1",  " 41", "41 ", "%41"};
    for (const std::string_view text : rows) {
        SCOPED_TRACE(text);
        EXPECT_EQ(hexDecode(text), std::nullopt);
    }
}

TEST(TextCodec, Base64UrlDigitValueReadsTheUrlAlphabetInOrder) {
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    ASSERT_EQ(alphabet.size(), 64u);
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        EXPECT_EQ(base64UrlDigitValue(alphabet[i]), static_cast<int>(i)) << alphabet[i];
    }
    int digits = 0;
    for (int c = -128; c < 128; ++c) {
        digits += base64UrlDigitValue(static_cast<char>(c)) >= 0 ? 1 : 0;
    }
    EXPECT_EQ(digits, 64);
}

TEST(TextCodec, Base64UrlDigitValueRefusesTheStandardAlphabetsExtrasAndPadding) {
    for (const char c : std::string_view("+/=. %\0", 7)) {
        EXPECT_EQ(base64UrlDigitValue(c), -1) << static_cast<int>(c);
    }
}

}  // namespace
}  // namespace shop::domain
