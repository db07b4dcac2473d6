#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "shop/domain/json.hpp"

namespace shop::domain {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

Json parseOrFail(std::string_view text) {
    std::string error;
    std::optional<Json> json = parseJson(text, error);
    if (!json) {
        ADD_FAILURE() << "could not parse " << text << ": " << error;
        return Json{};
    }
    return std::move(*json);
}

TEST(ParseJson, ParsesNestedDocument) {
    const Json doc = parseOrFail(
        R"( { "name" : "shop", "tags": ["a", "b"], "ok": true, "off": false, "none": null,
              "nested": {"count": 3} } )");
    ASSERT_TRUE(doc.isObject());
    ASSERT_EQ(doc.members().size(), 6u);
    EXPECT_EQ(doc.members()[0].first, "name");
    EXPECT_EQ(doc.members()[5].first, "nested");

    const Json* name = doc.find("name");
    ASSERT_NE(name, nullptr);
    EXPECT_TRUE(name->isString());
    EXPECT_EQ(name->asString(), "shop");

    const Json* tags = doc.find("tags");
    ASSERT_NE(tags, nullptr);
    ASSERT_TRUE(tags->isArray());
    ASSERT_EQ(tags->items().size(), 2u);
    EXPECT_EQ(tags->items()[1].asString(), "b");

    ASSERT_NE(doc.find("ok"), nullptr);
    EXPECT_TRUE(doc.find("ok")->isBool());
    EXPECT_TRUE(doc.find("ok")->asBool());
    EXPECT_FALSE(doc.find("off")->asBool());
    EXPECT_TRUE(doc.find("none")->isNull());
    EXPECT_EQ(doc.find("none")->type(), Json::Type::Null);

    const Json* nested = doc.find("nested");
    ASSERT_NE(nested, nullptr);
    ASSERT_NE(nested->find("count"), nullptr);
    EXPECT_EQ(nested->find("count")->numberText(), "3");
    EXPECT_EQ(doc.find("missing"), nullptr);
}

TEST(ParseJson, ParsesTopLevelScalars) {
    EXPECT_TRUE(parseOrFail("null").isNull());
    EXPECT_TRUE(parseOrFail(" true ").asBool());
    EXPECT_EQ(parseOrFail("\"x\"").asString(), "x");
    EXPECT_EQ(parseOrFail("\r\n\t42\n").numberText(), "42");
    EXPECT_TRUE(parseOrFail("[]").isArray());
    EXPECT_TRUE(parseOrFail("{}").isObject());
    EXPECT_TRUE(parseOrFail("[[],{}]").items()[1].isObject());
}

TEST(ParseJson, KeepsNumberLexemes) {
    const std::vector<std::string_view> lexemes = {"0",
                                                   "-0",
                                                   "199.990",
                                                   "-1e5",
                                                   "1E+10",
                                                   "2.5e-3",
                                                   "0.000",
                                                   "1000000000.00",
                                                   "123456789012345678901234567890.123456789"};
    for (std::string_view lexeme : lexemes) {
        SCOPED_TRACE(lexeme);
        const Json json = parseOrFail(lexeme);
        EXPECT_TRUE(json.isNumber());
        EXPECT_EQ(json.numberText(), lexeme);
        const Json inArray = parseOrFail("[" + std::string(lexeme) + "]");
        ASSERT_EQ(inArray.items().size(), 1u);
        EXPECT_EQ(inArray.items()[0].numberText(), lexeme);
    }
}

TEST(ParseJson, DecodesEscapes) {
    EXPECT_EQ(parseOrFail(R"("\"\\\/\b\f\n\r\t")").asString(), "\"\\/\b\f\n\r\t");
    EXPECT_EQ(parseOrFail(R"("caf\u00e9")").asString(), "caf\xC3\xA9");
    EXPECT_EQ(parseOrFail(R"("\u20AC")").asString(), "\xE2\x82\xAC");
    EXPECT_EQ(parseOrFail(R"("\uD83D\uDE00")").asString(), "\xF0\x9F\x98\x80");
    EXPECT_EQ(parseOrFail(R"("\udbff\udfff")").asString(), "\xF4\x8F\xBF\xBF");
    EXPECT_EQ(parseOrFail(R"("\u0000")").asString(), std::string(1, '\0'));
    EXPECT_EQ(parseOrFail(R"("\u0041\u0062")").asString(), "Ab");
}

TEST(ParseJson, PassesRawUtf8Through) {
    const std::string text = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF";
    EXPECT_EQ(parseOrFail("\"" + text + "\"").asString(), text);
}

TEST(ParseJson, AcceptsNestingUpToTheLimit) {
    const std::string deepest =
        std::string(kMaxJsonDepth, '[') + "1" + std::string(kMaxJsonDepth, ']');
    const Json json = parseOrFail(deepest);
    const Json* cursor = &json;
    std::size_t depth = 0;
    while (cursor->isArray()) {
        ++depth;
        ASSERT_EQ(cursor->items().size(), 1u);
        cursor = &cursor->items()[0];
    }
    EXPECT_EQ(depth, kMaxJsonDepth);
    EXPECT_EQ(cursor->numberText(), "1");
}

TEST(ParseJson, RejectsDeepNestingQuickly) {
    std::string error;
    const std::string brackets(100000, '[');
    EXPECT_FALSE(parseJson(brackets, error).has_value());
    EXPECT_EQ(error, "invalid JSON at offset 64: nesting is deeper than 64 levels");

    std::string objects;
    for (int i = 0; i < 100000; ++i) {
        objects += "{\"a\":";
    }
    EXPECT_FALSE(parseJson(objects, error).has_value());
    EXPECT_THAT(error, HasSubstr("nesting is deeper than 64 levels"));

    const std::string megabyte(1 << 20, '[');
    EXPECT_FALSE(parseJson(megabyte, error).has_value());
    EXPECT_THAT(error, HasSubstr("nesting"));
}

TEST(ParseJson, HandlesWideDocuments) {
    std::string array = "[";
    std::string object = "{";
    for (int i = 0; i < 50000; ++i) {
        if (i > 0) {
            array += ',';
            object += ',';
        }
        array += std::to_string(i);
        object += "\"k" + std::to_string(i) + "\":" + std::to_string(i);
    }
    array += ']';
    const Json parsedArray = parseOrFail(array);
    ASSERT_EQ(parsedArray.items().size(), 50000u);
    EXPECT_EQ(parsedArray.items()[49999].numberText(), "49999");

    const Json parsedObject = parseOrFail(object + "}");
    ASSERT_EQ(parsedObject.members().size(), 50000u);
    EXPECT_EQ(parsedObject.members()[123].first, "k123");

    std::string error;
    const std::string withDuplicate = object + ",\"k7\":0}";
    EXPECT_FALSE(parseJson(withDuplicate, error).has_value());
    EXPECT_EQ(error, "invalid JSON at offset " + std::to_string(object.size() + 1) +
                         ": duplicate object key");
}

struct RejectCase {
    std::string_view name;
    std::string text;
    std::size_t offset;
    std::string_view reason;
};

void PrintTo(const RejectCase& row, std::ostream* os) {
    *os << row.name;
}

class ParseJsonRejects : public testing::TestWithParam<RejectCase> {};

TEST_P(ParseJsonRejects, WithOffsetAndReason) {
    const RejectCase& row = GetParam();
    std::string error;
    const std::optional<Json> json = parseJson(row.text, error);
    EXPECT_FALSE(json.has_value());
    EXPECT_THAT(error, StartsWith("invalid JSON at offset " + std::to_string(row.offset) + ": "));
    EXPECT_THAT(error, HasSubstr(row.reason));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseJsonRejects,
    testing::Values(
        RejectCase{"Empty", "", 0, "unexpected end of input"},
        RejectCase{"OnlyWhitespace", "   ", 3, "unexpected end of input"},
        RejectCase{"TrailingGarbage", "{} x", 3, "unexpected data after the JSON value"},
        RejectCase{"TwoDocuments", "[1] [2]", 4, "unexpected data after the JSON value"},
        RejectCase{"TrailingNul", std::string("[1]\0", 4), 3, "unexpected data"},
        RejectCase{"ArrayTrailingComma", "[1,]", 3, "trailing comma is not allowed"},
        RejectCase{"ObjectTrailingComma", R"({"a":1,})", 7, "trailing comma is not allowed"},
        RejectCase{"DoubleComma", "[1,,2]", 3, "unexpected character ','"},
        RejectCase{"LineComment", "// c\n1", 0, "comments are not allowed"},
        RejectCase{"BlockCommentInArray", "[1 /* x */]", 3, "expected ',' or ']'"},
        RejectCase{"SingleQuotedString", "'a'", 0, "strings must use double quotes"},
        RejectCase{"SingleQuotedKey", "{'a':1}", 1, "strings must use double quotes"},
        RejectCase{"RawTab", "\"a\tb\"", 2, "control characters in strings must be escaped"},
        RejectCase{"RawNewline", "\"a\nb\"", 2, "control characters in strings must be escaped"},
        RejectCase{"RawNul", std::string("\"a\0\"", 4), 2, "control characters"},
        RejectCase{"InvalidEscape", R"("\x")", 1, "invalid escape sequence"},
        RejectCase{"EscapedSingleQuote", R"("\'")", 1, "invalid escape sequence"},
        RejectCase{"ShortUnicodeEscape", R"("\u12")", 1, "four hex digits"},
        RejectCase{"NonHexUnicodeEscape", R"("\u12G4")", 1, "four hex digits"},
        RejectCase{"LoneHighSurrogate", R"("\uD800")", 1, "lone high surrogate"},
        RejectCase{"HighSurrogateThenText", R"("\uD800x")", 1, "lone high surrogate"},
        RejectCase{"HighSurrogateThenBmp", R"("\uD800\u0041")", 1, "lone high surrogate"},
        RejectCase{"TwoHighSurrogates", R"("\uD800\uD800")", 1, "lone high surrogate"},
        RejectCase{"LoneLowSurrogate", R"("\uDC00")", 1, "lone low surrogate"},
        RejectCase{"BadUtf8Continuation", "\"\xC3\x28\"", 1, "invalid UTF-8"},
        RejectCase{"OverlongSlash", "\"\xC0\xAF\"", 1, "invalid UTF-8"},
        RejectCase{"OverlongThreeByte", "\"\xE0\x80\xAF\"", 1, "invalid UTF-8"},
        RejectCase{"EncodedSurrogate", "\"\xED\xA0\x80\"", 1, "invalid UTF-8"},
        RejectCase{"AboveUnicode", "\"\xF4\x90\x80\x80\"", 1, "invalid UTF-8"},
        RejectCase{"TruncatedSequence", "\"\xE2\x82\"", 1, "invalid UTF-8"},
        RejectCase{"LoneContinuation", "\"ab\x80\"", 3, "invalid UTF-8"},
        RejectCase{"ByteFF", "\"\xFF\"", 1, "invalid UTF-8"},
        RejectCase{"DuplicateKey", R"({"a":1,"a":2})", 7, "duplicate object key"},
        RejectCase{"DuplicateKeyLater", R"({"a":1,"b":2,"a":3})", 13, "duplicate object key"},
        RejectCase{"DuplicateKeyEscaped", R"({"a":1,"\u0061":2})", 7, "duplicate object key"},
        RejectCase{"DuplicateKeyNested", R"([{"x":{"k":1,"k":1}}])", 13, "duplicate object key"},
        RejectCase{"LeadingZero", "01", 0, "leading zeros are not allowed"},
        RejectCase{"NegativeLeadingZero", "-01", 0, "leading zeros are not allowed"},
        RejectCase{"LeadingZeroInArray", "[00]", 1, "leading zeros are not allowed"},
        RejectCase{"NaN", "NaN", 0, "NaN and Infinity are not valid JSON"},
        RejectCase{"Infinity", "Infinity", 0, "NaN and Infinity are not valid JSON"},
        RejectCase{"NegativeInfinity", "-Infinity", 0, "NaN and Infinity are not valid JSON"},
        RejectCase{"NaNInArray", "[NaN]", 1, "NaN and Infinity are not valid JSON"},
        RejectCase{"PointWithoutFraction", "1.", 2, "expected a digit after the decimal point"},
        RejectCase{"FractionWithoutInteger", ".5", 0, "unexpected character '.'"},
        RejectCase{"EmptyExponent", "1e", 2, "expected a digit in the exponent"},
        RejectCase{"SignOnlyExponent", "1e+", 3, "expected a digit in the exponent"},
        RejectCase{"MinusOnly", "-", 1, "expected a digit"},
        RejectCase{"LeadingPlus", "+1", 0, "unexpected character '+'"},
        RejectCase{"HexNumber", "0x10", 1, "unexpected data after the JSON value"},
        RejectCase{"TruncatedTrue", "tru", 0, "invalid literal"},
        RejectCase{"CapitalTrue", "True", 0, "unexpected character 'T'"},
        RejectCase{"TruncatedNull", "[nul]", 1, "invalid literal"},
        RejectCase{"MissingColon", R"({"a" 1})", 5, "expected ':'"},
        RejectCase{"MissingComma", R"({"a":1 "b":2})", 7, "expected ',' or '}'"},
        RejectCase{"UnclosedArray", "[1", 2, "unexpected end of input"},
        RejectCase{"UnclosedObject", R"({"a":1)", 6, "unexpected end of input"},
        RejectCase{"MissingValue", R"({"a":)", 5, "expected a value"},
        RejectCase{"UnterminatedString", "\"abc", 0, "unterminated string"},
        RejectCase{"UnterminatedEscape", "\"\\", 1, "unterminated escape sequence"},
        RejectCase{"OpenBraceOnly", "{", 1, "expected a string key"},
        RejectCase{"NumberKey", "{1:2}", 1, "expected a string key"},
        RejectCase{"ByteOrderMark", "\xEF\xBB\xBF{}", 0, "unexpected byte 0xef"},
        RejectCase{"NonBreakingSpace",
                   "\xC2\xA0"
                   "1",
                   0, "unexpected byte 0xc2"},
        RejectCase{"VerticalTab", "\v1", 0, "unexpected byte 0x0b"},
        RejectCase{"TooDeep", std::string(65, '[') + std::string(65, ']'), 64, "nesting"},
        RejectCase{"TooDeepObjects", R"([{"a":)" + std::string(63, '[') + "]", 68, "nesting"}),
    [](const testing::TestParamInfo<RejectCase>& row) { return std::string(row.param.name); });

TEST(ParseJson, OverwritesPreviousError) {
    std::string error = "stale";
    EXPECT_TRUE(parseJson("{}", error).has_value());
    EXPECT_FALSE(parseJson("{", error).has_value());
    EXPECT_EQ(error, "invalid JSON at offset 1: unexpected end of input, expected a string key");
}

TEST(Json, WrongTypeAccessorsReturnNeutralValues) {
    const Json number = parseOrFail("12");
    EXPECT_FALSE(number.asBool());
    EXPECT_EQ(number.asString(), "");
    EXPECT_TRUE(number.items().empty());
    EXPECT_TRUE(number.members().empty());
    EXPECT_EQ(number.find("x"), nullptr);

    const Json text = parseOrFail("\"12\"");
    EXPECT_EQ(text.numberText(), "");
    EXPECT_EQ(text.asString(), "12");

    const Json array = parseOrFail("[1]");
    EXPECT_EQ(array.find("0"), nullptr);
    EXPECT_TRUE(array.members().empty());
}

TEST(Json, FactoriesBuildValues) {
    EXPECT_TRUE(Json::makeNull().isNull());
    EXPECT_TRUE(Json{}.isNull());
    EXPECT_TRUE(Json::makeBool(true).asBool());
    EXPECT_EQ(Json::makeNumber(-42).numberText(), "-42");
    EXPECT_EQ(Json::makeNumberText("1.50").numberText(), "1.50");
    EXPECT_EQ(Json::makeString("s").asString(), "s");
    const Json array = Json::makeArray({Json::makeNumber(1), Json::makeNull()});
    EXPECT_EQ(toJsonText(array), "[1,null]");
    const Json object =
        Json::makeObject({{"b", Json::makeString("x")}, {"a", Json::makeBool(false)}});
    EXPECT_EQ(toJsonText(object), R"({"b":"x","a":false})");
    ASSERT_NE(object.find("a"), nullptr);
    EXPECT_TRUE(object.find("a")->isBool());
}

TEST(ToJsonText, ReproducesCompactDocuments) {
    const std::vector<std::string_view> documents = {
        R"({"a":[1,-2.50,3e7,true,false,null],"b":{"c":"d"},"e":[]})",
        R"("caf\u00e9 \"q\" \\")",  // escapes normalize, checked separately below
        "[[[[]]],{}]",
    };
    EXPECT_EQ(toJsonText(parseOrFail(documents[0])), documents[0]);
    EXPECT_EQ(toJsonText(parseOrFail(documents[1])), "\"caf\xC3\xA9 \\\"q\\\" \\\\\"");
    EXPECT_EQ(toJsonText(parseOrFail(documents[2])), documents[2]);
}

TEST(JsonQuote, EscapesSpecialCharacters) {
    EXPECT_EQ(jsonQuote(""), R"("")");
    EXPECT_EQ(jsonQuote("plain"), R"("plain")");
    EXPECT_EQ(jsonQuote("q\"b\\s/"), R"("q\"b\\s/")");
    EXPECT_EQ(jsonQuote("a\nb\tc\x01\x1f"), R"("a\u000ab\u0009c\u0001\u001f")");
    EXPECT_EQ(jsonQuote(std::string_view("\0", 1)), R"("\u0000")");
    EXPECT_EQ(jsonQuote("\x7f"), "\"\x7f\"");
}

TEST(JsonQuote, PassesValidUtf8AndReplacesInvalidBytes) {
    EXPECT_EQ(jsonQuote("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
    EXPECT_EQ(jsonQuote("a\xFF"
                        "b"),
              "\"a\xEF\xBF\xBD"
              "b\"");
    EXPECT_EQ(jsonQuote("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    EXPECT_EQ(jsonQuote("\xE2\x82"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonWriter, WritesCommasAndColons) {
    JsonWriter writer;
    writer.beginObject()
        .field("a", "x")
        .field("n", std::int64_t{-5})
        .fieldBool("b", true)
        .fieldNull("z")
        .key("arr")
        .beginArray()
        .number(1)
        .string("two")
        .beginArray()
        .endArray()
        .beginObject()
        .endObject()
        .boolean(false)
        .null()
        .endArray()
        .key("raw")
        .raw(R"({"k":1})")
        .key("parsed")
        .value(parseOrFail(R"([1.50,"s"])"))
        .endObject();
    EXPECT_EQ(writer.take(),
              R"({"a":"x","n":-5,"b":true,"z":null,"arr":[1,"two",[],{},false,null],)"
              R"("raw":{"k":1},"parsed":[1.50,"s"]})");
}

TEST(JsonWriter, FieldWithStringLiteralWritesAString) {
    JsonWriter writer;
    writer.beginObject().field("status", "NEW").endObject();
    EXPECT_EQ(writer.take(), R"({"status":"NEW"})");
}

TEST(JsonWriter, TakeResetsTheWriter) {
    JsonWriter writer;
    writer.beginArray().number(1).endArray();
    EXPECT_EQ(writer.take(), "[1]");
    writer.beginArray().number(2).endArray();
    EXPECT_EQ(writer.take(), "[2]");
    EXPECT_EQ(writer.take(), "");
}

TEST(JsonWriter, WritesExtremeIntegers) {
    JsonWriter writer;
    writer.beginArray()
        .number(std::numeric_limits<std::int64_t>::min())
        .number(std::numeric_limits<std::int64_t>::max())
        .endArray();
    EXPECT_EQ(writer.take(), "[-9223372036854775808,9223372036854775807]");
}

TEST(JsonWriter, EscapedStringsRoundTripThroughParser) {
    const std::vector<std::string> values = {
        "",
        "plain",
        "quote \" backslash \\ slash /",
        "controls \n\r\t\b\f \x01 \x1f end",
        std::string("nul \0 inside", 12),
        "unicode caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
        "del \x7f",
    };
    JsonWriter writer;
    writer.beginObject();
    for (std::size_t i = 0; i < values.size(); ++i) {
        writer.field("k" + std::to_string(i) + " \"\n", values[i]);
    }
    writer.endObject();
    const std::string text = writer.take();

    std::string error;
    const std::optional<Json> parsed = parseJson(text, error);
    ASSERT_TRUE(parsed.has_value()) << error << "\n" << text;
    ASSERT_EQ(parsed->members().size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(parsed->members()[i].first, "k" + std::to_string(i) + " \"\n");
        EXPECT_EQ(parsed->members()[i].second.asString(), values[i]);
    }
    EXPECT_EQ(toJsonText(*parsed), text);
}

// A cheap stand-in for the libFuzzer target: random mutations of valid documents and random
// bytes must either parse (and then survive a write/parse round trip) or fail with the
// documented message shape. Any crash or sanitizer report fails the test.
TEST(ParseJson, SurvivesRandomMutations) {
    const std::vector<std::string> seeds = {
        R"({"user_id":"6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f","amount":199.99,"description":"x"})",
        R"([1,-2.5e3,true,false,null,"\u00e9\uD83D\uDE00",{"a":[[]]}])",
        "\"caf\xC3\xA9\"",
    };
    const std::string alphabet = "{}[]\":,\\/ -+.eE0123456789tfnrulasbuD8\x80\xC3\xED\xF4\xFF\n";
    std::mt19937 engine(20240607);
    std::size_t parsedCount = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string input = seeds[static_cast<std::size_t>(round) % seeds.size()];
        const int edits = 1 + static_cast<int>(engine() % 4);
        for (int e = 0; e < edits; ++e) {
            const std::size_t pos = engine() % (input.size() + 1);
            const char c = alphabet[engine() % alphabet.size()];
            switch (engine() % 3) {
                case 0:
                    input.insert(pos, 1, c);
                    break;
                case 1:
                    if (pos < input.size()) {
                        input.erase(pos, 1);
                    }
                    break;
                default:
                    if (pos < input.size()) {
                        input[pos] = c;
                    }
                    break;
            }
        }
        std::string error;
        const std::optional<Json> json = parseJson(input, error);
        if (json) {
            ++parsedCount;
            const std::string written = toJsonText(*json);
            std::string secondError;
            const std::optional<Json> again = parseJson(written, secondError);
            ASSERT_TRUE(again.has_value()) << input << " -> " << written << ": " << secondError;
            EXPECT_EQ(toJsonText(*again), written);
        } else {
            ASSERT_THAT(error, StartsWith("invalid JSON at offset ")) << input;
        }
    }
    EXPECT_GT(parsedCount, 0u);
}

}  // namespace
}  // namespace shop::domain
