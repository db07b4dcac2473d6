#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "shop/domain/json.hpp"
#include "shop/domain/validation.hpp"

namespace shop::domain {
namespace {

Json parsed(std::string_view text) {
    std::string error;
    std::optional<Json> json = parseJson(text, error);
    if (!json) {
        ADD_FAILURE() << "could not parse " << text << ": " << error;
        return Json{};
    }
    return std::move(*json);
}

constexpr std::string_view kUserId = "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f";

TEST(FieldReader, RejectsBodiesThatAreNotObjects) {
    for (std::string_view text : {"[]", "\"x\"", "null", "1", "true"}) {
        SCOPED_TRACE(text);
        const Json body = parsed(text);
        FieldReader reader(body);
        EXPECT_FALSE(reader.ok());
        EXPECT_EQ(reader.error(), "request body must be a JSON object");
        EXPECT_EQ(reader.uuid("user_id", true), std::nullopt);
        EXPECT_EQ(reader.error(), "request body must be a JSON object");
    }
}

TEST(FieldReader, ReadsAValidOrder) {
    const Json body = parsed(
        R"({"user_id":"6F1C2A9E-4B3D-4C1E-9A7F-0B5D8E2C1A3F","amount":199.99,"description":"Tea"})");
    FieldReader reader(body);
    reader.allowOnly({"user_id", "amount", "description"});
    const std::optional<std::string> userId = reader.uuid("user_id", true);
    const std::optional<Minor> amount = reader.money("amount", true, true);
    const std::optional<std::string> description = reader.text("description", true, 1, 500);
    ASSERT_TRUE(reader.ok()) << reader.error();
    EXPECT_EQ(reader.error(), "");
    EXPECT_EQ(userId, std::string(kUserId));
    EXPECT_EQ(amount, 19999);
    EXPECT_EQ(description, "Tea");
}

TEST(FieldReader, UuidRequiredAndMissing) {
    const Json body = parsed("{}");
    FieldReader reader(body);
    EXPECT_EQ(reader.uuid("user_id", true), std::nullopt);
    EXPECT_EQ(reader.error(), "user_id is required");
}

TEST(FieldReader, NullCountsAsAbsent) {
    const Json body = parsed(R"({"user_id":null,"balance":null,"note":null})");
    FieldReader optional(body);
    EXPECT_EQ(optional.uuid("user_id", false), std::nullopt);
    EXPECT_EQ(optional.money("balance", false, false), std::nullopt);
    EXPECT_EQ(optional.text("note", false, 1, 10), std::nullopt);
    EXPECT_TRUE(optional.ok()) << optional.error();

    FieldReader required(body);
    EXPECT_EQ(required.money("balance", true, false), std::nullopt);
    EXPECT_EQ(required.error(), "balance is required");
}

TEST(FieldReader, OptionalAbsentFieldIsNotAnError) {
    const Json body = parsed("{}");
    FieldReader reader(body);
    EXPECT_EQ(reader.uuid("user_id", false), std::nullopt);
    EXPECT_EQ(reader.money("balance", false, false), std::nullopt);
    EXPECT_EQ(reader.text("note", false, 1, 10), std::nullopt);
    EXPECT_TRUE(reader.ok());
}

TEST(FieldReader, UuidMustBeAStringHoldingAUuid) {
    for (std::string_view text :
         {R"({"user_id":"abc"})", R"({"user_id":12})", R"({"user_id":true})",
          R"({"user_id":["6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f"]})",
          R"({"user_id":"{6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f}"})",
          R"({"user_id":"6f1c2a9e4b3d4c1e9a7f0b5d8e2c1a3f"})"}) {
        SCOPED_TRACE(text);
        const Json body = parsed(text);
        FieldReader reader(body);
        EXPECT_EQ(reader.uuid("user_id", true), std::nullopt);
        EXPECT_EQ(reader.error(), "user_id must be a UUID");
    }
}

TEST(FieldReader, MoneyAcceptsNumbersAndStrings) {
    const Json body =
        parsed(R"({"a":200,"b":"199.99","c":0,"d":"0.00","e":1000000000.00,"f":0.5})");
    FieldReader reader(body);
    EXPECT_EQ(reader.money("a", true, true), 20000);
    EXPECT_EQ(reader.money("b", true, true), 19999);
    EXPECT_EQ(reader.money("c", true, false), 0);
    EXPECT_EQ(reader.money("d", true, false), 0);
    EXPECT_EQ(reader.money("e", true, true), kMaxAmountMinor);
    EXPECT_EQ(reader.money("f", true, true), 50);
    EXPECT_TRUE(reader.ok()) << reader.error();
}

struct MoneyErrorCase {
    std::string_view body;
    std::string_view expectedError;
};

void PrintTo(const MoneyErrorCase& row, std::ostream* os) {
    *os << row.body;
}

class FieldReaderMoneyErrors : public testing::TestWithParam<MoneyErrorCase> {};

TEST_P(FieldReaderMoneyErrors, NamesTheProblem) {
    const Json body = parsed(GetParam().body);
    FieldReader reader(body);
    EXPECT_EQ(reader.money("amount", true, true), std::nullopt);
    EXPECT_FALSE(reader.ok());
    EXPECT_EQ(reader.error(), GetParam().expectedError);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FieldReaderMoneyErrors,
    testing::Values(
        MoneyErrorCase{R"({})", "amount is required"},
        MoneyErrorCase{R"({"amount":null})", "amount is required"},
        MoneyErrorCase{R"({"amount":0})", "amount must be greater than 0"},
        MoneyErrorCase{R"({"amount":"0.00"})", "amount must be greater than 0"},
        MoneyErrorCase{R"({"amount":-1})", "amount must not be negative"},
        MoneyErrorCase{R"({"amount":"-1.00"})", "amount must not be negative"},
        MoneyErrorCase{R"({"amount":1e3})", "amount must not use exponent notation"},
        MoneyErrorCase{R"({"amount":1e400})", "amount must not use exponent notation"},
        MoneyErrorCase{R"({"amount":1.001})", "amount must have at most 2 decimal places"},
        MoneyErrorCase{R"({"amount":199.990})", "amount must have at most 2 decimal places"},
        MoneyErrorCase{R"({"amount":99999999999999999999})",
                       "amount must be at most 1000000000.00"},
        MoneyErrorCase{R"({"amount":1000000000.01})", "amount must be at most 1000000000.00"},
        MoneyErrorCase{R"({"amount":"NaN"})",
                       "amount must be a finite number (NaN and Infinity are not allowed)"},
        MoneyErrorCase{R"({"amount":"abc"})", "amount must be a decimal number such as 199.99"},
        MoneyErrorCase{R"({"amount":" 5"})", "amount must not contain whitespace"},
        MoneyErrorCase{R"({"amount":""})", "amount must not be empty"},
        MoneyErrorCase{R"({"amount":true})", "amount must be a number or a decimal string"},
        MoneyErrorCase{R"({"amount":{}})", "amount must be a number or a decimal string"},
        MoneyErrorCase{R"({"amount":[5]})", "amount must be a number or a decimal string"}));

TEST(FieldReader, MoneyMessagesUseTheFieldName) {
    const Json body = parsed(R"({"balance":-5})");
    FieldReader reader(body);
    EXPECT_EQ(reader.money("balance", false, false), std::nullopt);
    EXPECT_EQ(reader.error(), "balance must not be negative");
}

TEST(FieldReader, TextCountsCodePointsNotBytes) {
    std::string fiveHundred;
    for (int i = 0; i < 500; ++i) {
        fiveHundred += "\xC3\xA9";  // two bytes, one code point
    }
    const Json body = parsed(R"({"d":")" + fiveHundred + R"(","e":")" + fiveHundred +
                             R"(\u00e9","emoji":"\ud83d\ude00"})");
    FieldReader reader(body);
    EXPECT_EQ(reader.text("d", true, 1, 500), fiveHundred);
    EXPECT_EQ(reader.text("emoji", true, 1, 1), "\xF0\x9F\x98\x80");
    EXPECT_TRUE(reader.ok()) << reader.error();
    EXPECT_EQ(reader.text("e", true, 1, 500), std::nullopt);
    EXPECT_EQ(reader.error(), "e must be at most 500 characters");
}

struct TextErrorCase {
    std::string_view body;
    std::string_view expectedError;
};

void PrintTo(const TextErrorCase& row, std::ostream* os) {
    *os << row.body;
}

class FieldReaderTextErrors : public testing::TestWithParam<TextErrorCase> {};

TEST_P(FieldReaderTextErrors, NamesTheProblem) {
    const Json body = parsed(GetParam().body);
    FieldReader reader(body);
    EXPECT_EQ(reader.text("description", true, 3, 10), std::nullopt);
    EXPECT_EQ(reader.error(), GetParam().expectedError);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FieldReaderTextErrors,
    testing::Values(TextErrorCase{R"({})", "description is required"},
                    TextErrorCase{R"({"description":null})", "description is required"},
                    TextErrorCase{R"({"description":5})", "description must be a string"},
                    TextErrorCase{R"({"description":["abc"]})", "description must be a string"},
                    TextErrorCase{R"({"description":""})", "description must not be empty"},
                    TextErrorCase{R"({"description":"ab"})",
                                  "description must be at least 3 characters"},
                    TextErrorCase{R"({"description":"abcdefghijk"})",
                                  "description must be at most 10 characters"},
                    TextErrorCase{R"({"description":"a\nbc"})",
                                  "description must not contain control characters"},
                    TextErrorCase{R"({"description":"abc\u0000"})",
                                  "description must not contain control characters"},
                    TextErrorCase{R"({"description":"abc\u007f"})",
                                  "description must not contain control characters"},
                    TextErrorCase{R"({"description":"\t\t\t"})",
                                  "description must not contain control characters"}));

TEST(FieldReader, TextRejectsInvalidUtf8InHandBuiltValues) {
    const Json body = Json::makeObject({{"d", Json::makeString("ab\xFF")}});
    FieldReader reader(body);
    EXPECT_EQ(reader.text("d", true, 1, 10), std::nullopt);
    EXPECT_EQ(reader.error(), "d must be valid UTF-8");
}

TEST(FieldReader, KeepsOnlyTheFirstError) {
    const Json body = parsed(R"({"user_id":"nope","amount":-1,"description":5,"x":1})");
    FieldReader reader(body);
    EXPECT_EQ(reader.uuid("user_id", true), std::nullopt);
    EXPECT_EQ(reader.money("amount", true, true), std::nullopt);
    EXPECT_EQ(reader.text("description", true, 1, 500), std::nullopt);
    reader.allowOnly({"user_id"});
    EXPECT_EQ(reader.error(), "user_id must be a UUID");
}

TEST(FieldReader, LaterCallsAreNoOpsEvenForValidFields) {
    const Json body = parsed(R"({"amount":"x","description":"fine"})");
    FieldReader reader(body);
    EXPECT_EQ(reader.money("amount", true, true), std::nullopt);
    EXPECT_EQ(reader.text("description", true, 1, 500), std::nullopt);
    EXPECT_EQ(reader.error(), "amount must be a decimal number such as 199.99");
}

TEST(FieldReader, AllowOnlyReportsTheFirstUnknownField) {
    const Json body = parsed(R"({"user_id":"x","extra":1,"more":2})");
    FieldReader reader(body);
    reader.allowOnly({"user_id", "amount"});
    EXPECT_EQ(reader.error(), "unknown field 'extra'");
}

TEST(FieldReader, AllowOnlyAcceptsKnownFields) {
    const Json body = parsed(R"({"user_id":"x","amount":1})");
    FieldReader reader(body);
    reader.allowOnly({"amount", "user_id", "description"});
    EXPECT_TRUE(reader.ok()) << reader.error();
}

TEST(FieldReader, AllowOnlySanitizesTheEchoedName) {
    const Json control = parsed(R"({"a\nb":1})");
    FieldReader controlReader(control);
    controlReader.allowOnly({});
    EXPECT_EQ(controlReader.error(), "unknown field 'a?b'");

    const Json longKey = parsed(R"({")" + std::string(100, 'k') + R"(":1})");
    FieldReader longReader(longKey);
    longReader.allowOnly({"amount"});
    EXPECT_EQ(longReader.error(), "unknown field '" + std::string(64, 'k') + "...'");
}

}  // namespace
}  // namespace shop::domain
