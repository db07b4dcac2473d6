#include <gtest/gtest.h>

#include "auth/access_policy.hpp"

namespace shop::gateway {
namespace {

const std::string kOwn = "6f1c2d3e-4a5b-46c7-890d-1e2f3a4b5c6d";
const std::string kOther = "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9";

const auth::Principal kOperator{auth::Role::Operator, "admin", {}};
const auth::Principal kAccount{auth::Role::Account, kOwn, kOwn};

http::Request request(std::map<std::string, std::string, std::less<>> params = {},
                      std::vector<std::pair<std::string, std::string>> query = {},
                      std::string body = {}) {
    http::Request r;
    r.params = std::move(params);
    r.query = std::move(query);
    r.body = std::move(body);
    return r;
}

http::Response orderAnswer(int status, const std::string& userId) {
    http::Response r;
    r.status = status;
    r.body = R"({"data":{"order_id":"x","user_id":")" + userId + R"("}})";
    return r;
}

struct Case {
    const char* name;
    Access access;
    http::Request request;
    bool accountAllowed;
};

TEST(AccessPolicy, OperatorMayDoEverything) {
    for (Access access : {Access::Operator, Access::OwnUserInPath, Access::OwnUserInQuery,
                          Access::OwnUserInBody, Access::OwnOrderInResponse}) {
        EXPECT_FALSE(denialOf(access, kOperator, request()));
        EXPECT_TRUE(allowsResponse(access, kOperator, orderAnswer(200, kOther)));
    }
}

TEST(AccessPolicy, AccountReachesOnlyItsOwnUser) {
    const std::vector<Case> cases = {
        {"operator-only route", Access::Operator, request(), false},
        {"own path id", Access::OwnUserInPath, request({{"user_id", kOwn}}), true},
        {"own path id in capitals", Access::OwnUserInPath,
         request({{"user_id", "6F1C2D3E-4A5B-46C7-890D-1E2F3A4B5C6D"}}), true},
        {"other path id", Access::OwnUserInPath, request({{"user_id", kOther}}), false},
        {"malformed path id goes on to the 400", Access::OwnUserInPath,
         request({{"user_id", "nope"}}), true},
        {"own query id", Access::OwnUserInQuery, request({}, {{"user_id", kOwn}}), true},
        {"no query id lists everyone", Access::OwnUserInQuery, request(), false},
        {"an empty query id lists everyone too", Access::OwnUserInQuery,
         request({}, {{"user_id", ""}}), false},
        {"a malformed query id goes on to the 400", Access::OwnUserInQuery,
         request({}, {{"user_id", "not-a-uuid"}}), true},
        {"other query id", Access::OwnUserInQuery, request({}, {{"user_id", kOther}}), false},
        {"an id prefix alone searches everyone's orders", Access::OwnUserInQuery,
         request({}, {{"id_prefix", kOther.substr(0, 8)}}), false},
        {"an id prefix within its own orders", Access::OwnUserInQuery,
         request({}, {{"user_id", kOwn}, {"id_prefix", kOther.substr(0, 8)}}), true},
        {"an id prefix within another user's orders", Access::OwnUserInQuery,
         request({}, {{"id_prefix", kOwn.substr(0, 8)}, {"user_id", kOther}}), false},
        {"first query id counts, as in the service", Access::OwnUserInQuery,
         request({}, {{"user_id", kOther}, {"user_id", kOwn}}), false},
        {"own body id", Access::OwnUserInBody,
         request({}, {}, R"({"user_id":")" + kOwn + R"(","amount":1})"), true},
        {"other body id", Access::OwnUserInBody,
         request({}, {}, R"({"user_id":")" + kOther + R"(","amount":1})"), false},
        {"malformed body goes on to the 400", Access::OwnUserInBody,
         request({}, {}, R"({"user_id":)"), true},
        {"duplicate keys are malformed (the service refuses them too)", Access::OwnUserInBody,
         request({}, {}, R"({"user_id":")" + kOwn + R"(","user_id":")" + kOther + R"("})"), true},
        {"missing body id goes on to the 400", Access::OwnUserInBody,
         request({}, {}, R"({"amount":1})"), true},
        {"response decides for orders", Access::OwnOrderInResponse, request({{"order_id", kOther}}),
         true},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(!denialOf(c.access, kAccount, c.request).has_value(), c.accountAllowed) << c.name;
    }
}

TEST(AccessPolicy, AccountSeesOnlyItsOwnOrders) {
    EXPECT_TRUE(allowsResponse(Access::OwnOrderInResponse, kAccount, orderAnswer(200, kOwn)));
    EXPECT_FALSE(allowsResponse(Access::OwnOrderInResponse, kAccount, orderAnswer(200, kOther)));
    // An unknown order is refused as another user's is; the operator sees the 404, and other
    // errors, which show no order, pass.
    EXPECT_FALSE(allowsResponse(Access::OwnOrderInResponse, kAccount, orderAnswer(404, kOther)));
    EXPECT_TRUE(allowsResponse(Access::OwnOrderInResponse, kOperator, orderAnswer(404, kOther)));
    EXPECT_TRUE(allowsResponse(Access::OwnOrderInResponse, kAccount, orderAnswer(503, kOther)));
    // A success of another shape than 200 is judged by its body too.
    EXPECT_FALSE(allowsResponse(Access::OwnOrderInResponse, kAccount, orderAnswer(203, kOther)));
    http::Response unreadable;
    unreadable.body = "not json";
    EXPECT_FALSE(allowsResponse(Access::OwnOrderInResponse, kAccount, unreadable));
    EXPECT_TRUE(allowsResponse(Access::OwnUserInPath, kAccount, orderAnswer(200, kOther)));
}

TEST(AccessPolicy, RefundsAreAskedForByTheOperatorAndReadByTheOrdersOwner) {
    // POST /orders/{order_id}/refunds is Operator: an account is refused whatever the order.
    EXPECT_TRUE(denialOf(Access::Operator, kAccount, request({{"order_id", kOwn}}, {}, "{}")));
    EXPECT_FALSE(denialOf(Access::Operator, kOperator, request({{"order_id", kOwn}}, {}, "{}")));
    // GET /orders/{order_id}/refunds is OwnOrderInResponse: the list carries the order's user_id.
    auto refunds = [](int status, const std::string& userId) {
        http::Response r;
        r.status = status;
        r.body = R"({"data":{"order_id":"0b6e4a8c-3f1d-4a57-9a0e-6f2d8c1b9e77","user_id":")" +
                 userId + R"(","items":[]}})";
        return r;
    };
    EXPECT_TRUE(allowsResponse(Access::OwnOrderInResponse, kAccount, refunds(200, kOwn)));
    EXPECT_FALSE(allowsResponse(Access::OwnOrderInResponse, kAccount, refunds(200, kOther)));
    EXPECT_FALSE(allowsResponse(Access::OwnOrderInResponse, kAccount, orderAnswer(404, kOwn)));
    // A list without the owner cannot be shown to an account.
    http::Response bare;
    bare.status = 200;
    bare.body = R"({"data":{"items":[]}})";
    EXPECT_FALSE(allowsResponse(Access::OwnOrderInResponse, kAccount, bare));
    // GET /accounts/{user_id}/ledger is OwnUserInPath.
    EXPECT_FALSE(denialOf(Access::OwnUserInPath, kAccount, request({{"user_id", kOwn}})));
    EXPECT_TRUE(denialOf(Access::OwnUserInPath, kAccount, request({{"user_id", kOther}})));
}

}  // namespace
}  // namespace shop::gateway
