// WebSocket push through the gateway (CONTRACT section 3, guarantee 5): the user, single-order
// and all-orders streams, snapshot first, refusals with their reason, refunds, and error frames.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "shop/domain/uuid.hpp"
#include "ws_test.hpp"

namespace shop::wstest {
namespace {

using Clock = std::chrono::steady_clock;

class WsPushTest : public WsE2eTest {};

TEST_F(WsPushTest, UserStreamSeesNewThenFinished) {
    const std::string user = newAccount("100");
    const std::string otherUser = newAccount("100");
    auto ws = subscribe("/ws/orders?user_id=" + user);

    newOrder(otherUser, "1", "someone else's");  // must not show up on this stream
    const auto posted = Clock::now();
    const std::string order = newOrder(user, "30.50", "a book");
    const auto created = ws->waitFor(statusFrame(order, "NEW"), 15s);
    ASSERT_TRUE(created) << "no NEW frame; got " << ws->received().size() << " frames";
    const auto finished = ws->waitFor(statusFrame(order, "FINISHED"), 30s);
    ASSERT_TRUE(finished) << "no FINISHED frame";
    const auto latency =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - posted);
    std::printf("push latency, POST /orders to the FINISHED frame: %lld ms\n",
                static_cast<long long>(latency.count()));

    EXPECT_TRUE(isContractFrame(*created));
    EXPECT_TRUE(isContractFrame(*finished));
    EXPECT_EQ(versionOf(*created), 1);
    EXPECT_EQ(versionOf(*finished), 2);
    EXPECT_EQ(text(*finished, "user_id"), user);
    EXPECT_EQ(text(*finished, "amount"), "30.50");
    EXPECT_TRUE(finished->find("failure_reason")->isNull());
    EXPECT_EQ(text(*finished, "refunded_amount"), "0.00");
    EXPECT_EQ(text(*finished, "description"), "a book");
    EXPECT_EQ(text(*created, "description"), "a book");
    EXPECT_EQ(text(*finished, "created_at"), text(*created, "created_at"));
    EXPECT_FALSE(text(*finished, "updated_at").empty());
    for (const auto& frame : ws->received()) {
        EXPECT_EQ(text(frame, "user_id"), user) << domain::toJsonText(frame);
    }
    EXPECT_FALSE(ws->closed());
}

TEST_F(WsPushTest, LateSubscriberToOneOrderGetsItsCurrentStateFirst) {
    const std::string user = newAccount("100");
    const std::string order = newOrder(user, "5", "settled before anyone listens");
    const auto settled = waitForFinalOrder(order);
    ASSERT_TRUE(settled);
    ASSERT_EQ(e2e::str(&*settled, "status"), "FINISHED");

    auto ws = subscribe("/ws/orders/" + order);
    const auto first = ws->next(10s);
    ASSERT_TRUE(first) << "no snapshot frame";
    EXPECT_TRUE(isContractFrame(*first));
    EXPECT_EQ(text(*first, "order_id"), order);
    EXPECT_EQ(text(*first, "status"), "FINISHED");
    EXPECT_EQ(versionOf(*first), 2);
    EXPECT_EQ(text(*first, "updated_at"), e2e::str(&*settled, "updated_at"));
    EXPECT_EQ(text(*first, "amount"), "5.00");
    // The snapshot is the whole order, as REST shows it.
    for (const char* field : {"refunded_amount", "description", "created_at"}) {
        EXPECT_EQ(text(*first, field), e2e::str(&*settled, field)) << field;
    }
    // Nothing older or repeated follows the snapshot.
    EXPECT_FALSE(ws->next(500ms)) << domain::toJsonText(ws->received().back());
    EXPECT_FALSE(ws->closed());
}

TEST_F(WsPushTest, SingleOrderStreamNeverGoesBackwards) {
    // Subscribing right after the POST races the payment: the snapshot may be NEW (then
    // FINISHED follows) or already FINISHED; either way versions only grow and end at FINISHED.
    const std::string user = newAccount("100");
    const std::string order = newOrder(user, "7", "race the snapshot");
    auto ws = subscribe("/ws/orders/" + order);
    const auto last = ws->waitFor(statusFrame(order, "FINISHED"), 30s);
    ASSERT_TRUE(last) << "no FINISHED frame";
    std::int64_t previous = 0;
    for (const auto& frame : ws->received()) {
        EXPECT_EQ(text(frame, "order_id"), order);
        EXPECT_GT(versionOf(frame), previous) << "versions must grow";
        previous = versionOf(frame);
    }
    EXPECT_EQ(previous, 2);
}

TEST_F(WsPushTest, AllOrdersStreamSeesRefusalsWithTheirReason) {
    auto ws = subscribe("/ws/orders");
    const std::string poor = newAccount("1");
    const std::string tooDear = newOrder(poor, "50", "more than the balance");
    const std::string nobody = domain::newUuid();
    const std::string orphan = newOrder(nobody, "2", "no account at all");

    const auto refused = ws->waitFor(statusFrame(tooDear, "CANCELLED"), 30s);
    ASSERT_TRUE(refused) << "no CANCELLED frame for the unaffordable order";
    EXPECT_TRUE(isContractFrame(*refused));
    EXPECT_EQ(text(*refused, "failure_reason"), "INSUFFICIENT_FUNDS");
    EXPECT_EQ(versionOf(*refused), 2);
    EXPECT_EQ(text(*refused, "user_id"), poor);

    const auto noAccount = ws->waitFor(statusFrame(orphan, "CANCELLED"), 30s);
    ASSERT_TRUE(noAccount) << "no CANCELLED frame for the order without an account";
    EXPECT_EQ(text(*noAccount, "failure_reason"), "ACCOUNT_NOT_FOUND");
}

TEST_F(WsPushTest, EverySubscriberSeesARefundCompleteAndTheOrderBecomeRefunded) {
    const std::string user = newAccount("100");
    const std::string order = newOrder(user, "20", "a lamp to give back");
    const auto settled = waitForFinalOrder(order);
    ASSERT_TRUE(settled);
    ASSERT_EQ(e2e::str(&*settled, "status"), "FINISHED");
    auto one = subscribe("/ws/orders/" + order);
    auto mine = subscribe("/ws/orders?user_id=" + user);
    auto all = subscribe("/ws/orders");
    ASSERT_TRUE(one->next(10s)) << "no snapshot frame";

    const auto refundOf = [&](const std::string& amount) {
        const auto answer =
            api().postJson("/orders/" + order + "/refunds", R"({"amount": ")" + amount + R"("})");
        ASSERT_EQ(answer.status, 202) << answer.describe();
    };
    const auto frameWith = [&](std::int64_t version) {
        return [order, version](const domain::Json& frame) {
            return text(frame, "order_id") == order && versionOf(frame) == version;
        };
    };
    refundOf("5");
    for (auto* ws : {one.get(), mine.get(), all.get()}) {
        const auto part = ws->waitFor(frameWith(3), 30s);
        ASSERT_TRUE(part) << "no frame of the partial refund";
        EXPECT_TRUE(isContractFrame(*part));
        EXPECT_EQ(text(*part, "status"), "FINISHED");
        EXPECT_EQ(text(*part, "refunded_amount"), "5.00");
        EXPECT_EQ(text(*part, "description"), "a lamp to give back");
    }
    refundOf("15");
    for (auto* ws : {one.get(), mine.get(), all.get()}) {
        const auto whole = ws->waitFor(frameWith(4), 30s);
        ASSERT_TRUE(whole) << "no frame of the full refund";
        EXPECT_EQ(text(*whole, "status"), "REFUNDED");
        EXPECT_EQ(text(*whole, "refunded_amount"), "20.00");
        EXPECT_EQ(text(*whole, "created_at"), e2e::str(&*settled, "created_at"));
    }
}

TEST_F(WsPushTest, UnknownOrderGetsNotFoundAndTheSocketCloses) {
    auto ws = subscribe("/ws/orders/" + domain::newUuid());
    const auto frame = ws->next(10s);
    ASSERT_TRUE(frame) << "no error frame";
    EXPECT_EQ(text(*frame, "type"), "error");
    EXPECT_EQ(text(*frame, "code"), "NOT_FOUND");
    EXPECT_FALSE(text(*frame, "message").empty());
    EXPECT_EQ(frame->members().size(), 3u);
    EXPECT_FALSE(ws->next(10s));
    EXPECT_TRUE(ws->closed());
    EXPECT_EQ(ws->closeCode(), 1008);
}

TEST_F(WsPushTest, MalformedIdsGetBadRequestAndTheSocketCloses) {
    for (const char* target :
         {"/ws/orders/not-a-uuid", "/ws/orders?user_id=42", "/ws/orders/%7Bdeadbeef%7D"}) {
        auto ws = subscribe(target);
        const auto frame = ws->next(10s);
        ASSERT_TRUE(frame) << target << ": no error frame";
        EXPECT_EQ(text(*frame, "type"), "error") << target;
        EXPECT_EQ(text(*frame, "code"), "BAD_REQUEST") << target;
        EXPECT_FALSE(text(*frame, "message").empty()) << target;
        EXPECT_FALSE(ws->next(10s)) << target;
        EXPECT_TRUE(ws->closed()) << target;
    }
}

TEST_F(WsPushTest, PlainGetOfAWebSocketEndpointIsABadRequest) {
    EXPECT_TRUE(e2e::isErrorEnvelope(api().get("/ws/orders"), 400, "BAD_REQUEST"));
    EXPECT_TRUE(
        e2e::isErrorEnvelope(api().get("/ws/orders/" + domain::newUuid()), 400, "BAD_REQUEST"));
}

TEST_F(WsPushTest, ManySubscribersOfOneUserEachGetEveryChange) {
    const std::string user = newAccount("100");
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(subscribe("/ws/orders?user_id=" + user));
    }
    const std::string order = newOrder(user, "3", "seen by all twenty");
    for (auto& ws : clients) {
        EXPECT_TRUE(ws->waitFor(statusFrame(order, "FINISHED"), 30s));
    }
}

}  // namespace
}  // namespace shop::wstest
