#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "amqp_test_support.hpp"
#include "shop/amqp/publisher.hpp"

namespace shop::amqp::test {
namespace {

using namespace std::chrono_literals;
using shop::testing::waitUntil;

class AmqpPublisher : public AmqpTest {};

std::vector<PublishOutcome> all(PublishOutcome outcome, std::size_t n) {
    return std::vector<PublishOutcome>(n, outcome);
}

TEST_F(AmqpPublisher, BatchOfHundredIsConfirmedAndQueued) {
    const auto exchange = exchangeName("events");
    const auto queue = queueName("work");
    Connection connection = connect();
    declareWorkQueue(connection, {queue, exchange, {"payment.requested"}, 5});
    Publisher publisher(connection);

    std::vector<Outgoing> batch;
    for (int i = 0; i < 100; ++i) {
        batch.push_back({"payment.requested", eventMessage("{\"n\":" + std::to_string(i) + "}",
                                                           "id-" + std::to_string(i))});
    }
    EXPECT_EQ(publisher.publishBatch(exchange, batch, 10s), all(PublishOutcome::Confirmed, 100));
    EXPECT_TRUE(waitUntil([&] { return messageCount(connection, queue) == 100; }));
}

TEST_F(AmqpPublisher, UnroutableMandatoryPublishIsReturned) {
    const auto exchange = exchangeName("nobinding");
    Connection connection = connect();
    declareExchange(connection, exchange);
    Publisher publisher(connection);
    EXPECT_EQ(publisher.publish(exchange, "order.status", eventMessage("{}", "lost-1"), 10s),
              PublishOutcome::Returned);
    // The channel stays usable after a return.
    EXPECT_TRUE(connection.isOpen());
    EXPECT_EQ(publisher.publish(exchange, "order.status", eventMessage("{}", "lost-2"), 10s),
              PublishOutcome::Returned);
}

TEST_F(AmqpPublisher, MixedBatchReportsEachMessage) {
    const auto exchange = exchangeName("mixed");
    const auto queue = queueName("routed");
    Connection connection = connect();
    declareWorkQueue(connection, {queue, exchange, {"routed"}, 5});
    Publisher publisher(connection);

    // Alternate routable and unroutable messages; every third has no message id, so returns
    // must also be matched by routing key and order.
    std::vector<Outgoing> batch;
    std::vector<PublishOutcome> expected;
    for (int i = 0; i < 12; ++i) {
        const bool routable = i % 2 == 0;
        Message message = eventMessage("{}", i % 3 == 0 ? "" : "m-" + std::to_string(i));
        batch.push_back({routable ? "routed" : "nowhere", message});
        expected.push_back(routable ? PublishOutcome::Confirmed : PublishOutcome::Returned);
    }
    EXPECT_EQ(publisher.publishBatch(exchange, batch, 10s), expected);
    EXPECT_TRUE(waitUntil([&] { return messageCount(connection, queue) == 6; }));
}

TEST_F(AmqpPublisher, MessagesRefusedByAFullQueueAreNacked) {
    const auto exchange = exchangeName("overflow");
    const auto queue = queueName("tiny");
    Connection connection = connect();
    declareExchange(connection, exchange);
    // A classic queue holding one message that refuses more: the broker nacks those publishes.
    amqp_table_entry_t entries[2];
    entries[0].key = amqp_cstring_bytes("x-max-length");
    entries[0].value.kind = AMQP_FIELD_KIND_I64;
    entries[0].value.value.i64 = 1;
    entries[1].key = amqp_cstring_bytes("x-overflow");
    entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[1].value.value.bytes = amqp_cstring_bytes("reject-publish");
    const amqp_table_t arguments{2, entries};
    amqp_queue_declare(connection.raw(), Connection::kChannel, amqp_cstring_bytes(queue.c_str()), 0,
                       0, 0, 0, arguments);
    connection.checkLastReply("declare tiny queue");
    amqp_queue_bind(connection.raw(), Connection::kChannel, amqp_cstring_bytes(queue.c_str()),
                    amqp_cstring_bytes(exchange.c_str()), amqp_cstring_bytes("k"),
                    amqp_empty_table);
    connection.checkLastReply("bind tiny queue");

    Publisher publisher(connection);
    const std::vector<Outgoing> batch = {{"k", eventMessage("1", "a")},
                                         {"k", eventMessage("2", "b")},
                                         {"k", eventMessage("3", "c")}};
    EXPECT_EQ(publisher.publishBatch(exchange, batch, 10s),
              (std::vector<PublishOutcome>{PublishOutcome::Confirmed, PublishOutcome::Nacked,
                                           PublishOutcome::Nacked}));
}

TEST_F(AmqpPublisher, LateConfirmsOfATimedOutBatchAreIgnored) {
    const auto exchange = exchangeName("late");
    const auto queue = queueName("late");
    Connection connection = connect();
    declareWorkQueue(connection, {queue, exchange, {"k"}, 5});
    Publisher publisher(connection);

    std::vector<Outgoing> first;
    std::vector<Outgoing> second;
    for (int i = 0; i < 5; ++i) {
        first.push_back({"k", eventMessage("{}", "first-" + std::to_string(i))});
        second.push_back({"k", eventMessage("{}", "second-" + std::to_string(i))});
    }
    // A zero timeout does not wait at all, so the first batch's confirms arrive during the second.
    EXPECT_EQ(publisher.publishBatch(exchange, first, 0ms), all(PublishOutcome::TimedOut, 5));
    EXPECT_EQ(publisher.publishBatch(exchange, second, 10s), all(PublishOutcome::Confirmed, 5));
    // A second Publisher on the same connection continues the channel's tag numbering.
    Publisher again(connection);
    EXPECT_EQ(again.publish(exchange, "k", eventMessage("{}", "third"), 10s),
              PublishOutcome::Confirmed);
    EXPECT_TRUE(waitUntil([&] { return messageCount(connection, queue) == 11; }));
}

TEST_F(AmqpPublisher, EmptyBatchPublishesNothing) {
    const auto exchange = exchangeName("empty");
    Connection connection = connect();
    declareExchange(connection, exchange);
    Publisher publisher(connection);
    EXPECT_TRUE(publisher.publishBatch(exchange, {}, 1s).empty());
}

}  // namespace
}  // namespace shop::amqp::test
