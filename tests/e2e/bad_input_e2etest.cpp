// CONTRACT section 5 item 6: bad input through the gateway gets the exact 4xx status and the error
// envelope, writes nothing, and leaves every service up and ready.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "shop/domain/uuid.hpp"
#include "shop/pg/connection.hpp"
#include "shop/testing/env.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

/// One bad request. In target, body and header values, `{user}` becomes a fresh user id with no
/// account, `{account}` the id of an account holding 10.00, `{marker}` a unique text,
/// `{desc501}` 501 characters and `{desc70k}` 70,000 characters.
struct BadInput {
    std::string name;
    std::string method;
    std::string target;
    std::optional<std::string> body;
    std::optional<std::string> contentType = std::string("application/json");
    Headers headers;
    int status = 400;
    std::string code = "BAD_REQUEST";
};

std::ostream& operator<<(std::ostream& out, const BadInput& input) {
    return out << input.name << ": " << input.method << " " << input.target;
}

BadInput post(std::string name, std::string target, std::string body, int status = 400,
              std::string code = "BAD_REQUEST") {
    BadInput input;
    input.name = std::move(name);
    input.method = "POST";
    input.target = std::move(target);
    input.body = std::move(body);
    input.status = status;
    input.code = std::move(code);
    return input;
}

BadInput order(std::string name, std::string body) {
    return post(std::move(name), "/orders", std::move(body));
}

/// An order body with `amount` (JSON text) for the fresh user.
BadInput orderAmount(std::string name, std::string amount) {
    return order(std::move(name),
                 R"({"user_id":"{user}","amount":)" + amount + R"(,"description":"{marker}"})");
}

BadInput request(std::string name, std::string method, std::string target, int status = 400,
                 std::string code = "BAD_REQUEST") {
    BadInput input;
    input.name = std::move(name);
    input.method = std::move(method);
    input.target = std::move(target);
    input.contentType.reset();
    input.status = status;
    input.code = std::move(code);
    return input;
}

std::vector<BadInput> badInputs() {
    const std::string good = R"({"user_id":"{user}","amount":10,"description":"{marker}"})";
    std::vector<BadInput> rows{
        order("MalformedJson", R"({"user_id":"{user}","amount":10,)"),
        order("TrailingGarbage", good + "x"),
        order("JsonArrayBody", "[" + good + "]"),
        order("JsonNullBody", "null"),
        order("JsonStringBody", R"("{marker}")"),
        order("EmptyBody", ""),
        order("UserIdWrongType", R"({"user_id":123,"amount":10,"description":"{marker}"})"),
        orderAmount("AmountWrongTypeBool", "true"),
        orderAmount("AmountWrongTypeObject", R"({"value":10})"),
        order("DescriptionWrongType", R"({"user_id":"{user}","amount":10,"description":42})"),
        orderAmount("AmountNegative", "-5"),
        orderAmount("AmountNegativeString", R"("-5.00")"),
        orderAmount("AmountZero", "0"),
        orderAmount("AmountZeroString", R"("0.00")"),
        orderAmount("AmountThreeDecimals", "10.001"),
        orderAmount("AmountThreeDecimalsString", R"("0.015")"),
        orderAmount("AmountExponent", "1e2"),
        orderAmount("AmountExponentString", R"("1E2")"),
        orderAmount("AmountNaNString", R"("NaN")"),
        orderAmount("AmountInfinityString", R"("Infinity")"),
        orderAmount("AmountOverOneBillion", "1000000000.01"),
        orderAmount("AmountHuge", "123456789012345678901234567890123456789"),
        orderAmount("AmountEmptyString", R"("")"),
        orderAmount("AmountWithSpace", R"(" 10")"),
        orderAmount("AmountHex", R"("0x10")"),
        orderAmount("AmountNull", "null"),
        order("DescriptionEmpty", R"({"user_id":"{user}","amount":10,"description":""})"),
        order("Description501Chars",
              R"({"user_id":"{user}","amount":10,"description":"{marker}{desc501}"})"),
        order("DescriptionControlCharacter",
              R"({"user_id":"{user}","amount":10,"description":"{marker}\u0001"})"),
        order("DescriptionInvalidUtf8",
              "{\"user_id\":\"{user}\",\"amount\":10,\"description\":\"{marker}\xff\"}"),
        order("MissingAmount", R"({"user_id":"{user}","description":"{marker}"})"),
        order("MissingUserId", R"({"amount":10,"description":"{marker}"})"),
        order("MissingDescription", R"({"user_id":"{user}","amount":10})"),
        order("EmptyObject", "{}"),
        order("UnknownField",
              R"({"user_id":"{user}","amount":10,"description":"{marker}","coupon":"FREE"})"),
        order("DuplicateField",
              R"({"user_id":"{user}","amount":10,"amount":1,"description":"{marker}"})"),
        order("UserIdNotUuid", R"({"user_id":"not-a-uuid","amount":10,"description":"{marker}"})"),
        order("UserIdWithBraces", R"({"user_id":"{{user}}","amount":10,"description":"{marker}"})"),
        order("UserIdTooLong", R"({"user_id":"{user}0","amount":10,"description":"{marker}"})"),
        order("DeeplyNested", std::string(100, '[') + std::string(100, ']')),
        post("BodyOver64KiB", "/orders",
             R"({"user_id":"{user}","amount":10,"description":"{marker}{desc70k}"})", 413,
             "PAYLOAD_TOO_LARGE"),
        post("TopUpBodyOver64KiB", "/accounts/topup",
             R"({"user_id":"{account}","amount":1,"pad":"{desc70k}"})", 413, "PAYLOAD_TOO_LARGE"),
        post("AccountNegativeBalance", "/accounts", R"({"user_id":"{user}","balance":-1})"),
        post("AccountBalanceThreeDecimals", "/accounts",
             R"({"user_id":"{user}","balance":"1.001"})"),
        post("AccountBalanceOverMax", "/accounts",
             R"({"user_id":"{user}","balance":1000000000.01})"),
        post("AccountUserIdNotUuid", "/accounts", R"({"user_id":"{user}x","balance":1})"),
        post("AccountUnknownField", "/accounts", R"({"user_id":"{user}","owner":"me"})"),
        post("AccountArrayBody", "/accounts", R"([{"user_id":"{user}"}])"),
        post("TopUpZero", "/accounts/topup", R"({"user_id":"{account}","amount":0})"),
        post("TopUpNegative", "/accounts/topup", R"({"user_id":"{account}","amount":"-1.00"})"),
        post("TopUpNotANumber", "/accounts/topup", R"({"user_id":"{account}","amount":"abc"})"),
        post("TopUpExponent", "/accounts/topup", R"({"user_id":"{account}","amount":1e1})"),
        post("TopUpMissingUserId", "/accounts/topup", R"({"amount":1})"),
        post("TopUpUserIdWrongType", "/accounts/topup", R"({"user_id":["{account}"],"amount":1})"),
        request("OrderIdNotUuid", "GET", "/orders/not-a-uuid"),
        request("OrderIdTooLong", "GET", "/orders/{user}0"),
        request("OrderIdMalformedEscape", "GET", "/orders/%zz"),
        request("AccountIdNotUuid", "GET", "/accounts/12345"),
        request("StatusFilterUnknown", "GET", "/orders?status=PAID"),
        request("StatusFilterLowerCase", "GET", "/orders?status=new"),
        request("UserIdFilterNotUuid", "GET", "/orders?user_id=xyz"),
        request("QueryMalformedEscape", "GET", "/orders?user_id=%zz"),
        request("UnknownRoute", "GET", "/nope", 404, "NOT_FOUND"),
        request("UnknownSubRoute", "GET", "/orders/{user}/items", 404, "NOT_FOUND"),
        request("WrongMethodOnOrders", "DELETE", "/orders", 405, "METHOD_NOT_ALLOWED"),
        request("WrongMethodOnAccount", "PUT", "/accounts/{account}", 405, "METHOD_NOT_ALLOWED"),
    };

    BadInput textPlain = order("ContentTypeTextPlain", good);
    textPlain.contentType = "text/plain";
    textPlain.status = 415;
    textPlain.code = "UNSUPPORTED_MEDIA_TYPE";
    rows.push_back(textPlain);

    BadInput form = order("ContentTypeForm", good);
    form.contentType = "application/x-www-form-urlencoded";
    form.status = 415;
    form.code = "UNSUPPORTED_MEDIA_TYPE";
    rows.push_back(form);

    BadInput noType = order("ContentTypeMissing", good);
    noType.contentType.reset();
    noType.status = 415;
    noType.code = "UNSUPPORTED_MEDIA_TYPE";
    rows.push_back(noType);

    BadInput topUpText =
        post("TopUpContentTypeTextPlain", "/accounts/topup",
             R"({"user_id":"{account}","amount":1})", 415, "UNSUPPORTED_MEDIA_TYPE");
    topUpText.contentType = "text/plain";
    rows.push_back(topUpText);

    BadInput longKey = order("IdempotencyKeyTooLong", good);
    longKey.headers = {{"Idempotency-Key", std::string(201, 'k')}};
    rows.push_back(longKey);

    BadInput nonAsciiKey = order("IdempotencyKeyNonAscii", good);
    nonAsciiKey.headers = {{"Idempotency-Key", "key-\xc3\xa9"}};
    rows.push_back(nonAsciiKey);

    BadInput topUpKey = post("TopUpIdempotencyKeyTooLong", "/accounts/topup",
                             R"({"user_id":"{account}","amount":1})");
    topUpKey.headers = {{"Idempotency-Key", std::string(300, 'k')}};
    rows.push_back(topUpKey);
    return rows;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

class BadInputE2eTest : public E2eTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(BadInputE2eTest, GetsTheExact4xxAndWritesNothing) {
    const BadInput& input = GetParam();
    const std::string userId = domain::newUuid();
    const std::string accountId = newAccount(R"("10.00")");
    const std::string marker = "bad-input-" + testing::uniqueSuffix();
    auto fill = [&](std::string text) {
        text = replaceAll(std::move(text), "{user}", userId);
        text = replaceAll(std::move(text), "{account}", accountId);
        text = replaceAll(std::move(text), "{marker}", marker);
        text = replaceAll(std::move(text), "{desc501}", std::string(501 - marker.size(), 'x'));
        return replaceAll(std::move(text), "{desc70k}", std::string(70000, 'x'));
    };

    HttpRequest request;
    request.method = input.method;
    request.target = fill(input.target);
    if (input.body) {
        request.body = fill(*input.body);
    }
    request.contentType = input.contentType;
    for (const auto& [name, value] : input.headers) {
        request.headers.emplace_back(name, fill(value));
    }
    const std::string requestId = "e2e-bad-" + testing::uniqueSuffix();
    request.headers.emplace_back("X-Request-Id", requestId);

    const HttpResponse response = api().send(request);
    EXPECT_TRUE(isErrorEnvelope(response, input.status, input.code));
    EXPECT_EQ(response.header("X-Request-Id").value_or(""), requestId);
    EXPECT_EQ(str(response.error(), "request_id"), requestId);

    // Nothing was written: no order for either user or with the marker, no account for the
    // fresh user, the account's balance untouched.
    EXPECT_TRUE(ordersOf(userId).empty());
    EXPECT_TRUE(ordersOf(accountId).empty());
    EXPECT_TRUE(isErrorEnvelope(api().get("/accounts/" + userId), 404, "NOT_FOUND"));
    EXPECT_EQ(balanceOf(accountId), "10.00");
    pg::Connection orders(Stack::instance().settings().ordersDbAdminUrl, "e2e_tests");
    EXPECT_EQ(orders.exec("SELECT count(*) FROM orders WHERE strpos(description, $1) > 0", marker)
                  .int64(0, 0),
              0);

    // And nothing stalled: the whole stack still answers ready.
    const auto ready = api().get("/health/ready");
    EXPECT_EQ(ready.status, 200) << ready.describe();
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputE2eTest, ::testing::ValuesIn(badInputs()),
                         [](const ::testing::TestParamInfo<BadInput>& row) {
                             return row.param.name;
                         });

}  // namespace
}  // namespace shop::e2e
