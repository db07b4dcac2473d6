// The gateway's subscription index and fan-out rules, without sockets, and the frames it sends.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"
#include "ws/frames.hpp"
#include "ws/order_streams.hpp"
#include "ws/ws_endpoint.hpp"

namespace shop::gateway {
namespace {

/// Records what would be sent to each connection.
class RecordingSink final : public FrameSink {
  public:
    Message prepare(std::string json) override {
        ++prepared;
        return std::make_shared<const std::string>(std::move(json));
    }
    bool send(std::uint64_t connection, const Message& message) override {
        sent[connection].push_back(*message);
        return true;
    }
    std::vector<domain::Json> framesOf(std::uint64_t connection) {
        std::vector<domain::Json> out;
        for (const auto& text : sent[connection]) {
            std::string error;
            out.push_back(*domain::parseJson(text, error));
        }
        return out;
    }

    int prepared = 0;
    std::map<std::uint64_t, std::vector<std::string>> sent;
};

events::OrderStatusChanged event(const std::string& orderId, const std::string& userId,
                                 domain::OrderStatus status, std::int64_t version) {
    events::OrderStatusChanged e;
    e.eventId = domain::newUuid();
    e.orderId = orderId;
    e.userId = userId;
    e.status = status;
    e.version = version;
    e.amount = 1250;
    e.occurredAt = "2026-11-22T03:04:05.000001Z";
    e.description = "a book";
    e.createdAt = "2026-11-22T03:04:04.000000Z";
    if (status == domain::OrderStatus::Cancelled) {
        e.failureReason = domain::FailureReason::InsufficientFunds;
    }
    return e;
}

/// A single-order snapshot as read over REST (only the version and status matter here).
StatusFrame snapshot(const std::string& orderId, const std::string& userId, std::string status,
                     std::int64_t version, std::string amount = "12.50") {
    return StatusFrame{orderId,           userId, std::move(status), std::nullopt, version,
                       std::move(amount), "0.00", "a book",          "t",          "t"};
}

std::string versionOf(const domain::Json& frame) {
    return frame.find("version")->numberText();
}

class OrderStreamsTest : public ::testing::Test {
  protected:
    RecordingSink sink;
    OrderStreams streams{sink};
    const std::string order = domain::newUuid();
    const std::string otherOrder = domain::newUuid();
    const std::string user = domain::newUuid();
    const std::string otherUser = domain::newUuid();
};

TEST_F(OrderStreamsTest, EachEventGoesOnlyToItsOrderItsUserAndEveryone) {
    streams.subscribe(1, {Subscription::Kind::User, user});
    streams.subscribe(2, {Subscription::Kind::User, otherUser});
    streams.subscribe(3, {Subscription::Kind::All, {}});
    for (std::uint64_t id : {1, 2, 3}) {
        streams.start(id);
    }
    streams.subscribe(4, {Subscription::Kind::Order, order});
    streams.sendSnapshot(4, snapshot(order, user, "NEW", 1));
    streams.subscribe(5, {Subscription::Kind::Order, otherOrder});
    streams.sendSnapshot(5, snapshot(otherOrder, otherUser, "NEW", 1, "1.00"));
    sink.sent.clear();
    sink.prepared = 0;

    EXPECT_EQ(streams.publish(event(order, user, domain::OrderStatus::Finished, 2)), 3u);
    EXPECT_EQ(sink.sent[1].size(), 1u);
    EXPECT_EQ(sink.sent[2].size(), 0u);
    EXPECT_EQ(sink.sent[3].size(), 1u);
    EXPECT_EQ(sink.sent[4].size(), 1u);
    EXPECT_EQ(sink.sent[5].size(), 0u);
    EXPECT_EQ(sink.prepared, 1) << "one encoding shared by every recipient";
}

TEST_F(OrderStreamsTest, FramesCarryTheContractFields) {
    streams.subscribe(1, {Subscription::Kind::All, {}});
    streams.start(1);
    streams.publish(event(order, user, domain::OrderStatus::Cancelled, 2));
    const auto frames = sink.framesOf(1);
    ASSERT_EQ(frames.size(), 1u);
    const domain::Json& frame = frames[0];
    std::vector<std::string> keys;
    for (const auto& [key, value] : frame.members()) {
        keys.push_back(key);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{
                        "type", "order_id", "user_id", "status", "failure_reason", "version",
                        "amount", "refunded_amount", "description", "created_at", "updated_at"}));
    EXPECT_EQ(frame.find("type")->asString(), "order.status");
    EXPECT_EQ(frame.find("status")->asString(), "CANCELLED");
    EXPECT_EQ(frame.find("failure_reason")->asString(), "INSUFFICIENT_FUNDS");
    EXPECT_EQ(frame.find("amount")->asString(), "12.50");
    EXPECT_EQ(frame.find("refunded_amount")->asString(), "0.00");
    EXPECT_EQ(frame.find("description")->asString(), "a book");
    EXPECT_EQ(versionOf(frame), "2");
    EXPECT_EQ(frame.find("created_at")->asString(), "2026-11-22T03:04:04.000000Z");
    EXPECT_EQ(frame.find("updated_at")->asString(), "2026-11-22T03:04:05.000001Z");
}

TEST_F(OrderStreamsTest, SingleOrderGetsTheSnapshotFirstThenOnlyNewerEvents) {
    streams.subscribe(7, {Subscription::Kind::Order, order});
    // Events that arrive while the snapshot is being read are held back...
    streams.publish(event(order, user, domain::OrderStatus::New, 1));
    streams.publish(event(order, user, domain::OrderStatus::Finished, 2));
    EXPECT_TRUE(sink.sent[7].empty());
    // ...and after the snapshot only those newer than it are sent.
    streams.sendSnapshot(7, snapshot(order, user, "NEW", 1));
    auto frames = sink.framesOf(7);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(versionOf(frames[0]), "1");
    EXPECT_EQ(frames[0].find("status")->asString(), "NEW");
    EXPECT_EQ(versionOf(frames[1]), "2");
    EXPECT_EQ(frames[1].find("status")->asString(), "FINISHED");
}

TEST_F(OrderStreamsTest, SubscribersAreHeldUntilTheirSocketIsReady) {
    // Subscribed before the handshake; events in between wait for start().
    streams.subscribe(1, {Subscription::Kind::User, user});
    streams.publish(event(order, user, domain::OrderStatus::New, 1));
    EXPECT_TRUE(sink.sent[1].empty());
    streams.start(1);
    ASSERT_EQ(sink.sent[1].size(), 1u);
    streams.publish(event(order, user, domain::OrderStatus::Finished, 2));
    EXPECT_EQ(sink.sent[1].size(), 2u);
    streams.start(1);  // idempotent
    EXPECT_EQ(sink.sent[1].size(), 2u);
}

TEST_F(OrderStreamsTest, ASnapshotNewerThanHeldEventsSupersedesThem) {
    streams.subscribe(7, {Subscription::Kind::Order, order});
    streams.publish(event(order, user, domain::OrderStatus::Finished, 2));
    streams.sendSnapshot(7, snapshot(order, user, "FINISHED", 2));
    const auto frames = sink.framesOf(7);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(versionOf(frames[0]), "2");
}

TEST_F(OrderStreamsTest, RedeliveredAndOutOfDateEventsAreDropped) {
    streams.subscribe(1, {Subscription::Kind::All, {}});
    streams.start(1);
    streams.publish(event(order, user, domain::OrderStatus::New, 1));
    streams.publish(event(order, user, domain::OrderStatus::Finished, 2));
    EXPECT_EQ(streams.publish(event(order, user, domain::OrderStatus::Finished, 2)), 0u);
    EXPECT_EQ(streams.publish(event(order, user, domain::OrderStatus::New, 1)), 0u);
    EXPECT_EQ(sink.sent[1].size(), 2u);
    EXPECT_EQ(streams.staleDropped(), 2u);
}

TEST_F(OrderStreamsTest, UnsubscribedSocketsGetNothingAndLeaveNoTrace) {
    streams.subscribe(1, {Subscription::Kind::User, user});
    streams.subscribe(2, {Subscription::Kind::Order, order});
    streams.unsubscribe(1);
    streams.unsubscribe(2);
    streams.unsubscribe(3);  // unknown: nothing happens
    streams.sendSnapshot(2, snapshot(order, user, "NEW", 1, "1.00"));
    EXPECT_EQ(streams.publish(event(order, user, domain::OrderStatus::Finished, 2)), 0u);
    EXPECT_TRUE(sink.sent.empty());
    EXPECT_EQ(streams.subscribers(), 0u);
}

TEST_F(OrderStreamsTest, VersionMemoryIsBounded) {
    RecordingSink small;
    OrderStreams bounded(small, 2);
    bounded.subscribe(1, {Subscription::Kind::All, {}});
    bounded.start(1);
    const std::string a = domain::newUuid();
    bounded.publish(event(a, user, domain::OrderStatus::New, 1));
    bounded.publish(event(domain::newUuid(), user, domain::OrderStatus::New, 1));
    bounded.publish(event(domain::newUuid(), user, domain::OrderStatus::New, 1));
    // `a` was forgotten, so its repeat goes out again (clients drop it by version).
    EXPECT_EQ(bounded.publish(event(a, user, domain::OrderStatus::New, 1)), 1u);
}

TEST(WsFramesTest, SnapshotFrameComesFromTheRestOrder) {
    std::string error;
    const auto order = domain::parseJson(
        R"({"order_id":"0b6e4a8c-3f1d-4a57-9a0e-6f2d8c1b9e77","user_id":"4d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d",)"
        R"("amount":"30.50","description":"a book","status":"CANCELLED",)"
        R"("failure_reason":"ACCOUNT_NOT_FOUND","refunded_amount":"0.00","version":2,)"
        R"("created_at":"2026-11-22T03:04:05.000000Z","updated_at":"2026-11-22T03:04:06.000000Z"})",
        error);
    ASSERT_TRUE(order) << error;
    const auto frame = frameFromOrder(*order);
    ASSERT_TRUE(frame);
    EXPECT_EQ(toJson(*frame),
              R"({"type":"order.status","order_id":"0b6e4a8c-3f1d-4a57-9a0e-6f2d8c1b9e77",)"
              R"("user_id":"4d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d","status":"CANCELLED",)"
              R"("failure_reason":"ACCOUNT_NOT_FOUND","version":2,"amount":"30.50",)"
              R"("refunded_amount":"0.00","description":"a book",)"
              R"("created_at":"2026-11-22T03:04:05.000000Z",)"
              R"("updated_at":"2026-11-22T03:04:06.000000Z"})");
    EXPECT_FALSE(frameFromOrder(*domain::parseJson(R"({"order_id":"x"})", error)));
    EXPECT_EQ(errorFrameJson("NOT_FOUND", "order not found"),
              R"({"type":"error","code":"NOT_FOUND","message":"order not found"})");
}

TEST(WsFramesTest, FramesFromAnEventAndFromTheRestOrderCarryTheWholeOrder) {
    events::OrderStatusChanged event;
    event.eventId = domain::newUuid();
    event.orderId = "0b6e4a8c-3f1d-4a57-9a0e-6f2d8c1b9e77";
    event.userId = "4d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d";
    event.status = domain::OrderStatus::Finished;
    event.version = 3;
    event.amount = 3050;
    event.refundedAmount = 1000;
    event.description = "two books";
    event.createdAt = "2026-11-22T03:04:05.000000Z";
    event.occurredAt = "2026-11-22T03:04:09.000000Z";
    const StatusFrame fromEvent = frameFromEvent(event);
    EXPECT_EQ(fromEvent.refundedAmount, "10.00");
    EXPECT_EQ(fromEvent.description, "two books");
    EXPECT_EQ(fromEvent.createdAt, "2026-11-22T03:04:05.000000Z");
    EXPECT_EQ(fromEvent.updatedAt, "2026-11-22T03:04:09.000000Z");

    // The same order read over REST gives the same frame, so a snapshot and a push agree.
    std::string error;
    const auto order = domain::parseJson(
        R"({"order_id":"0b6e4a8c-3f1d-4a57-9a0e-6f2d8c1b9e77","user_id":"4d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d",)"
        R"("amount":"30.50","description":"two books","status":"FINISHED",)"
        R"("failure_reason":null,"refunded_amount":"10.00","version":3,)"
        R"("created_at":"2026-11-22T03:04:05.000000Z","updated_at":"2026-11-22T03:04:09.000000Z"})",
        error);
    ASSERT_TRUE(order) << error;
    const auto fromOrder = frameFromOrder(*order);
    ASSERT_TRUE(fromOrder);
    EXPECT_EQ(toJson(*fromOrder), toJson(fromEvent));

    // An order without one of the fields the frame shows is unreadable, not shown in part.
    for (const char* missing : {"refunded_amount", "description", "created_at"}) {
        domain::JsonWriter partial;
        partial.beginObject();
        for (const auto& [key, value] : order->members()) {
            if (key != missing) {
                partial.key(key).value(value);
            }
        }
        partial.endObject();
        EXPECT_FALSE(frameFromOrder(*domain::parseJson(partial.take(), error))) << missing;
    }
}

TEST(WsEndpointTest, SubscriptionFollowsThePathAndQuery) {
    const std::string id = "0B6E4A8C-3F1D-4A57-9A0E-6F2D8C1B9E77";
    std::string error;
    http::Request one;
    one.route = std::string(kWsOrderRoute);
    one.params.emplace("order_id", id);
    auto single = subscriptionFor(one, error);
    ASSERT_TRUE(single);
    EXPECT_EQ(single->kind, Subscription::Kind::Order);
    EXPECT_EQ(single->id, "0b6e4a8c-3f1d-4a57-9a0e-6f2d8c1b9e77");

    http::Request user;
    user.route = std::string(kWsAllRoute);
    user.query = {{"user_id", id}, {"access_token", "ignored-here"}};
    auto byUser = subscriptionFor(user, error);
    ASSERT_TRUE(byUser);
    EXPECT_EQ(byUser->kind, Subscription::Kind::User);

    http::Request all;
    all.route = std::string(kWsAllRoute);
    auto everything = subscriptionFor(all, error);
    ASSERT_TRUE(everything);
    EXPECT_EQ(everything->kind, Subscription::Kind::All);

    for (const char* bad : {"not-a-uuid", "", "{0b6e4a8c-3f1d-4a57-9a0e-6f2d8c1b9e77}"}) {
        http::Request badUser = all;
        badUser.query = {{"user_id", bad}};
        error.clear();
        EXPECT_FALSE(subscriptionFor(badUser, error)) << bad;
        EXPECT_EQ(error, "user_id must be a UUID");
        http::Request badOrder = one;
        badOrder.params["order_id"] = bad;
        error.clear();
        EXPECT_FALSE(subscriptionFor(badOrder, error)) << bad;
        EXPECT_EQ(error, "order_id must be a UUID");
    }
}

}  // namespace
}  // namespace shop::gateway
