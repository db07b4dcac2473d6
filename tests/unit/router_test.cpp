#include <gtest/gtest.h>

#include "shop/http/message.hpp"
#include "shop/http/router.hpp"

namespace shop::http {
namespace {

Handler named(std::string name) {
    return [name](const Request&) {
        Response response;
        response.body = name;
        return response;
    };
}

std::string call(const Router::Match& match) {
    return match.handler ? (*match.handler)(Request{}).body : "<none>";
}

class RouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        router.add("POST", "/accounts", named("create"));
        router.add("GET", "/accounts", named("list"));
        router.add("GET", "/accounts/{user_id}", named("get"));
        router.add("POST", "/accounts/topup", named("topup"));
        router.add("GET", "/orders/{order_id}", named("order"));
    }
    Router router;
};

TEST_F(RouterTest, MatchesLiteralAndCapturedSegments) {
    struct Row {
        const char* method;
        const char* path;
        const char* handler;
    };
    const Row rows[] = {
        {"POST", "/accounts", "create"},    {"GET", "/accounts", "list"},
        {"GET", "/accounts/abc", "get"},    {"POST", "/accounts/topup", "topup"},
        {"GET", "/orders/42", "order"},     {"GET", "/orders", "<none>"},
        {"GET", "/accounts/a/b", "<none>"}, {"GET", "/", "<none>"},
        {"GET", "/orders/", "<none>"},      {"GET", "/accountsx", "<none>"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(std::string(row.method) + " " + row.path);
        EXPECT_EQ(call(router.match(row.method, row.path)), row.handler);
    }
}

TEST_F(RouterTest, CapturesParametersAndReportsThePattern) {
    auto match = router.match("GET", "/accounts/7f1c");
    ASSERT_NE(match.handler, nullptr);
    EXPECT_EQ(match.params.at("user_id"), "7f1c");
    EXPECT_EQ(match.pattern, "/accounts/{user_id}");
}

TEST_F(RouterTest, ALiteralSegmentBeatsACapture) {
    router.add("GET", "/accounts/special", named("special"));
    EXPECT_EQ(call(router.match("GET", "/accounts/special")), "special");
    EXPECT_EQ(call(router.match("GET", "/accounts/other")), "get");
}

TEST_F(RouterTest, AKnownPathWithAnotherMethodIsReportedFor405) {
    auto match = router.match("DELETE", "/accounts");
    EXPECT_EQ(match.handler, nullptr);
    EXPECT_TRUE(match.pathMatched);
    EXPECT_FALSE(router.match("GET", "/nothing").pathMatched);
}

TEST(RouterPatterns, RejectsMalformedPatterns) {
    Router router;
    EXPECT_THROW(router.add("GET", "accounts", named("x")), std::invalid_argument);
    EXPECT_THROW(router.add("GET", "/a//b", named("x")), std::invalid_argument);
    EXPECT_THROW(router.add("GET", "", named("x")), std::invalid_argument);
}

TEST(PercentDecode, DecodesAndRejectsMalformedEscapes) {
    EXPECT_EQ(percentDecode("a%20b", false), "a b");
    EXPECT_EQ(percentDecode("a+b", true), "a b");
    EXPECT_EQ(percentDecode("a+b", false), "a+b");
    EXPECT_EQ(percentDecode("%2B", true), "+");
    EXPECT_EQ(percentDecode("%2F%2f", false), "//");
    EXPECT_FALSE(percentDecode("%", false).has_value());
    EXPECT_FALSE(percentDecode("%2", false).has_value());
    EXPECT_FALSE(percentDecode("%zz", false).has_value());
    EXPECT_FALSE(percentDecode("abc%4", false).has_value());
}

TEST(ParseQuery, SplitsDecodesAndKeepsOrder) {
    auto query = parseQuery("user_id=abc&status=NEW&&flag&x=%41+b");
    ASSERT_TRUE(query.has_value());
    ASSERT_EQ(query->size(), 4u);
    EXPECT_EQ((*query)[0], (std::pair<std::string, std::string>{"user_id", "abc"}));
    EXPECT_EQ((*query)[1], (std::pair<std::string, std::string>{"status", "NEW"}));
    EXPECT_EQ((*query)[2], (std::pair<std::string, std::string>{"flag", ""}));
    EXPECT_EQ((*query)[3], (std::pair<std::string, std::string>{"x", "A b"}));
    EXPECT_FALSE(parseQuery("a=%G0").has_value());
}

TEST(RequestAccessors, HeadersAreCaseInsensitiveAndQueryTakesTheFirstValue) {
    Request request;
    request.headers = {{"content-type", "application/json"}, {"x-request-id", "abc"}};
    request.query = {{"limit", "5"}, {"limit", "7"}};
    EXPECT_EQ(request.header("Content-Type"), "application/json");
    EXPECT_EQ(request.header("X-REQUEST-ID"), "abc");
    EXPECT_FALSE(request.header("Idempotency-Key").has_value());
    EXPECT_EQ(request.queryParam("limit"), "5");
    EXPECT_EQ(request.param("missing"), "");
}

TEST(ResponseData, WrapsTheDataEnvelope) {
    auto response = Response::data(201, R"({"a":1})");
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.body, R"({"data":{"a":1}})");
    EXPECT_EQ(response.contentType, "application/json");
}

}  // namespace
}  // namespace shop::http
