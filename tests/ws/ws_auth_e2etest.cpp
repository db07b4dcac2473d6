// WebSocket upgrades and authentication (CONTRACT sections 2 and 3): a token in the
// Authorization header or the access_token query parameter, refusals before the handshake
// (401 without a valid token, 403 for an account token asking for more than its own orders),
// and an account's stream carrying its own orders only.
#include <gtest/gtest.h>

#include <string>

#include "shop/domain/uuid.hpp"
#include "shop/testing/env.hpp"
#include "support/stack.hpp"
#include "ws_test.hpp"

namespace shop::wstest {
namespace {

/// Checks a refused upgrade: the status and the error envelope, and no handshake.
::testing::AssertionResult isRefusal(const UpgradeAnswer& answer, int status,
                                     const std::string& code) {
    if (answer.status != status) {
        return ::testing::AssertionFailure()
               << "expected " << status << " before the handshake, got " << answer.status << " "
               << answer.body;
    }
    const domain::Json* error = answer.json ? answer.json->find("error") : nullptr;
    const domain::Json* codeValue = error != nullptr ? error->find("code") : nullptr;
    if (codeValue == nullptr || !codeValue->isString() || codeValue->asString() != code) {
        return ::testing::AssertionFailure()
               << "expected an error envelope with code " << code << ", got " << answer.body;
    }
    if (answer.contentType.rfind("application/json", 0) != 0) {
        return ::testing::AssertionFailure() << "Content-Type " << answer.contentType;
    }
    return ::testing::AssertionSuccess();
}

class WsAuthTest : public WsE2eTest {
  protected:
    static std::uint16_t port() { return e2e::Stack::instance().gatewayPort(); }
};

TEST_F(WsAuthTest, UpgradeWithoutAValidTokenIsRefusedWith401) {
    const std::string order = newOrder(newAccount("10"), "1", "followed by nobody");
    const std::string user = domain::newUuid();
    const std::string tampered = e2e::withTamperedSignature(e2e::Stack::instance().operatorToken());
    for (const std::string& target :
         {std::string("/ws/orders"), "/ws/orders?user_id=" + user, "/ws/orders/" + order}) {
        SCOPED_TRACE(target);
        EXPECT_TRUE(isRefusal(tryUpgrade(port(), target), 401, "UNAUTHORIZED"));
        EXPECT_TRUE(isRefusal(tryUpgrade(port(), target, tampered), 401, "UNAUTHORIZED"));
        EXPECT_TRUE(isRefusal(tryUpgrade(port(), target, e2e::expiredOperatorToken()), 401,
                              "UNAUTHORIZED"));
        const std::string separator = target.find('?') == std::string::npos ? "?" : "&";
        EXPECT_TRUE(isRefusal(tryUpgrade(port(), target + separator + "access_token=" + tampered),
                              401, "UNAUTHORIZED"));
        EXPECT_TRUE(isRefusal(tryUpgrade(port(), target + separator + "access_token="), 401,
                              "UNAUTHORIZED"));
        // Poco's client, as an application would use it, cannot connect either.
        EXPECT_ANY_THROW({ WsClient client(port(), target); });
    }
    // The operator's own token passes the same check (the refusals above are about the token).
    EXPECT_EQ(tryUpgrade(port(), "/ws/orders", e2e::Stack::instance().operatorToken()).status, 101);
}

TEST_F(WsAuthTest, TokenInTheAccessTokenQueryParameterWorksAndIsNotLogged) {
    e2e::Stack& stack = e2e::Stack::instance();
    const std::string user = newAccount("100");
    const std::string token = accountToken(user);
    auto ws = subscribeWith("", "/ws/orders?user_id=" + user + "&access_token=" + token);
    auto everything = subscribeWith("", "/ws/orders?access_token=" + stack.operatorToken());
    const std::string order = newOrder(user, "2", "watched with a query token");
    EXPECT_TRUE(ws->waitFor(statusFrame(order, "FINISHED"), 30s));
    EXPECT_TRUE(everything->waitFor(statusFrame(order, "FINISHED"), 30s));

    // The gateway logs the upgrade's target without the token.
    const UpgradeAnswer upgraded =
        tryUpgrade(port(), "/ws/orders?user_id=" + user + "&access_token=" + token);
    ASSERT_EQ(upgraded.status, 101);
    ASSERT_FALSE(upgraded.requestId.empty());
    ASSERT_TRUE(testing::waitUntil([&] {
        return stack.gatewayProcess().logText().find("request_id=" + upgraded.requestId) !=
               std::string::npos;
    }));
    const std::string log = stack.gatewayProcess().logText();
    EXPECT_EQ(log.find(token.substr(token.rfind('.') + 1)), std::string::npos)
        << "the account token's signature is in the gateway's log";
    EXPECT_EQ(log.find(stack.operatorToken().substr(stack.operatorToken().rfind('.') + 1)),
              std::string::npos)
        << "the operator token's signature is in the gateway's log";
}

TEST_F(WsAuthTest, AnAccountTokenFollowsItsOwnOrdersAndNoOneElses) {
    const std::string own = newAccount("100");
    const std::string other = newAccount("100");
    const std::string token = accountToken(own);
    auto mine = subscribeWith(token, "/ws/orders?user_id=" + own);
    auto theirs = subscribe("/ws/orders?user_id=" + other);  // the operator, as a witness

    // The other user's order is pushed (the witness sees it settle) before the own one is
    // even placed; frames reach one socket in order, so had the other's frames been sent to
    // `mine`, they would be there before the own order's.
    const std::string otherOrder = newOrder(other, "3", "not for the account's eyes");
    ASSERT_TRUE(theirs->waitFor(statusFrame(otherOrder, "FINISHED"), 30s));
    const std::string ownOrder = newOrder(own, "4", "the account's own");
    ASSERT_TRUE(mine->waitFor(statusFrame(ownOrder, "NEW"), 30s));
    ASSERT_TRUE(mine->waitFor(statusFrame(ownOrder, "FINISHED"), 30s));
    for (const auto& frame : mine->received()) {
        EXPECT_EQ(text(frame, "user_id"), own) << domain::toJsonText(frame);
        EXPECT_NE(text(frame, "order_id"), otherOrder) << domain::toJsonText(frame);
    }
    EXPECT_FALSE(mine->closed());

    // Its own single order: the snapshot first.
    auto one = subscribeWith(token, "/ws/orders/" + ownOrder);
    const auto snapshot = one->next(10s);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(text(*snapshot, "order_id"), ownOrder);
    EXPECT_EQ(text(*snapshot, "status"), "FINISHED");
}

TEST_F(WsAuthTest, AnAccountTokenIsRefusedEverythingElseWith403) {
    const std::string own = newAccount("100");
    const std::string other = newAccount("100");
    const std::string otherOrder = newOrder(other, "1", "someone else's");
    const std::string token = accountToken(own);
    // An unknown order is refused like another user's, so that 403 against NOT_FOUND does not
    // tell which order ids exist.
    for (const std::string& target :
         {std::string("/ws/orders"), "/ws/orders?user_id=" + other, "/ws/orders/" + otherOrder,
          "/ws/orders/" + domain::newUuid()}) {
        SCOPED_TRACE(target);
        EXPECT_TRUE(isRefusal(tryUpgrade(port(), target, token), 403, "FORBIDDEN"));
        const std::string separator = target.find('?') == std::string::npos ? "?" : "&";
        EXPECT_TRUE(isRefusal(tryUpgrade(port(), target + separator + "access_token=" + token), 403,
                              "FORBIDDEN"));
        EXPECT_ANY_THROW({ WsClient client(port(), target, token); });
    }
    // Malformed ids are the service's to refuse, after the handshake, as for the operator.
    auto malformed = subscribeWith(token, "/ws/orders/not-a-uuid");
    const auto frame = malformed->next(10s);
    ASSERT_TRUE(frame);
    EXPECT_EQ(text(*frame, "code"), "BAD_REQUEST");
}

TEST_F(WsAuthTest, AnAccountsSingleOrderUpgradeIsRefusedWhenOrdersCannotTellWhoseItIs) {
    // A gateway whose orders upstream is gone: it cannot check that the order is the account's,
    // so it refuses before the handshake instead of subscribing first and checking later.
    e2e::Stack& stack = e2e::Stack::instance();
    const std::string own = newAccount("10");
    const std::string order = newOrder(own, "1", "asked for while orders is away");
    const std::string token = accountToken(own);
    std::uint16_t port = 0;
    auto blind = stack.startExtraGateway(
        "gateway-no-orders", "http://127.0.0.1:" + std::to_string(e2e::freePort()),
        "http://127.0.0.1:" + std::to_string(stack.paymentsPort()), port);
    ASSERT_TRUE(blind->running());
    EXPECT_TRUE(
        isRefusal(tryUpgrade(port, "/ws/orders/" + order, token), 503, "UPSTREAM_UNAVAILABLE"));
    const e2e::ExitStatus status = blind->stop(20s);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

}  // namespace
}  // namespace shop::wstest
