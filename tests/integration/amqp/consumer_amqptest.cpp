#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "amqp_test_support.hpp"
#include "shop/amqp/consumer.hpp"
#include "shop/amqp/publisher.hpp"

namespace shop::amqp::test {
namespace {

using namespace std::chrono_literals;
using shop::testing::waitUntil;

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

class AmqpConsumer : public AmqpTest {
  protected:
    /// Declares a work queue bound to a fresh exchange with key "k" and returns its name.
    std::string workQueue(int deliveryLimit = 5) {
        m_exchange = exchangeName("events");
        const auto queue = queueName("work");
        Connection connection = connect();
        declareWorkQueue(connection, {queue, m_exchange, {"k"}, deliveryLimit});
        return queue;
    }

    void publishAll(const std::vector<Message>& messages) {
        Connection connection = connect();
        Publisher publisher(connection);
        std::vector<Outgoing> batch;
        for (const auto& message : messages) {
            batch.push_back({"k", message});
        }
        const auto outcomes = publisher.publishBatch(m_exchange, batch, 10s);
        for (const auto outcome : outcomes) {
            ASSERT_EQ(outcome, PublishOutcome::Confirmed);
        }
    }

    std::string m_exchange;
};

TEST_F(AmqpConsumer, DeliveryKeepsPropertiesAndHeaders) {
    const auto queue = workQueue();
    Message sent;
    sent.body = "{\"amount\":\"199.99\",\"note\":\"caf\xC3\xA9\"}";
    sent.body.push_back('\0');  // bodies are bytes, not C strings
    sent.body += "tail";
    sent.messageId = "6f1c1d2e-0000-4000-8000-000000000001";
    sent.type = "PaymentRequested";
    sent.correlationId = "8a0e6a34-0000-4000-8000-000000000002";
    sent.timestamp = 1700000000;
    sent.headers = {{"x-request-id", "req-123"},
                    {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}};
    publishAll({sent});

    Connection connection = connect();
    Consumer consumer(connection, queue, 10);
    const auto delivery = consumer.next(10s);
    ASSERT_TRUE(delivery.has_value());
    const Message& got = delivery->message;
    EXPECT_EQ(got.body, sent.body);
    EXPECT_EQ(got.messageId, sent.messageId);
    EXPECT_EQ(got.type, sent.type);
    EXPECT_EQ(got.correlationId, sent.correlationId);
    EXPECT_EQ(got.contentType, "application/json");
    EXPECT_EQ(got.deliveryMode, DeliveryMode::Persistent);
    EXPECT_EQ(got.timestamp, 1700000000);
    ASSERT_NE(got.header("x-request-id"), nullptr);
    EXPECT_EQ(*got.header("x-request-id"), "req-123");
    ASSERT_NE(got.header("traceparent"), nullptr);
    EXPECT_EQ(*got.header("traceparent"), sent.headers[1].second);
    EXPECT_EQ(delivery->routingKey, "k");
    EXPECT_EQ(delivery->exchange, m_exchange);
    EXPECT_FALSE(delivery->redelivered);
    EXPECT_FALSE(delivery->deliveryCount.has_value());
    EXPECT_GT(delivery->deliveryTag, 0u);
    consumer.ack(delivery->deliveryTag);
    EXPECT_FALSE(consumer.next(200ms).has_value());
}

TEST_F(AmqpConsumer, PublisherFillsInTheTimestamp) {
    const auto queue = workQueue();
    const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    publishAll({eventMessage("{}", "ts")});
    Connection connection = connect();
    const auto delivery = getOne(connection, queue, /*autoAck=*/true);
    ASSERT_TRUE(delivery.has_value());
    EXPECT_GE(delivery->message.timestamp, before);
    EXPECT_LE(delivery->message.timestamp, before + 60);
}

TEST_F(AmqpConsumer, AckRemovesAndUnackedReturnsWhenTheConnectionCloses) {
    const auto queue = workQueue();
    publishAll({eventMessage("first", "1"), eventMessage("second", "2")});
    {
        Connection connection = connect();
        Consumer consumer(connection, queue, 10);
        const auto first = consumer.next(10s);
        const auto second = consumer.next(10s);
        ASSERT_TRUE(first && second);
        EXPECT_EQ(first->message.body, "first");
        EXPECT_EQ(second->message.body, "second");
        consumer.ack(first->deliveryTag);
        // `second` stays unacknowledged and must come back.
    }
    Connection connection = connect();
    EXPECT_TRUE(waitUntil([&] { return messageCount(connection, queue) == 1; }));
    const auto again = getOne(connection, queue);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->message.body, "second");
    EXPECT_TRUE(again->redelivered);
    ack(connection, again->deliveryTag);
    EXPECT_FALSE(getOne(connection, queue).has_value());
}

TEST_F(AmqpConsumer, RejectWithoutRequeueDeadLetters) {
    const auto queue = workQueue();
    publishAll({eventMessage("poison", "p-1")});
    Connection connection = connect();
    Consumer consumer(connection, queue, 10);
    const auto delivery = consumer.next(10s);
    ASSERT_TRUE(delivery.has_value());
    consumer.reject(delivery->deliveryTag, /*requeue=*/false);

    Connection admin = connect();
    const auto dlq = deadLetterQueueName(queue);
    EXPECT_TRUE(waitUntil([&] { return messageCount(admin, dlq) == 1; }));
    EXPECT_EQ(messageCount(admin, queue), 0u);
    const auto dead = getOne(admin, dlq);
    ASSERT_TRUE(dead.has_value());
    EXPECT_EQ(dead->message.body, "poison");
    EXPECT_EQ(dead->message.messageId, "p-1");
    ASSERT_NE(dead->message.header("x-request-id"), nullptr);
    EXPECT_EQ(*dead->message.header("x-request-id"), "req-p-1");
    EXPECT_EQ(dead->routingKey, queue);  // x-dead-letter-routing-key
    ack(admin, dead->deliveryTag);
}

TEST_F(AmqpConsumer, RequeuedPastTheDeliveryLimitDeadLetters) {
    constexpr int kLimit = 2;
    const auto queue = workQueue(kLimit);
    publishAll({eventMessage("flaky", "f-1")});
    Connection connection = connect();
    Consumer consumer(connection, queue, 10);
    std::vector<std::optional<int>> counts;
    while (auto delivery = consumer.next(2s)) {
        counts.push_back(delivery->deliveryCount);
        consumer.nack(delivery->deliveryTag, /*requeue=*/true);
        ASSERT_LE(counts.size(), 10u) << "the delivery limit is not enforced";
    }
    // The first delivery plus kLimit redeliveries; the next return dead-letters it.
    ASSERT_EQ(counts.size(), static_cast<std::size_t>(kLimit + 1));
    EXPECT_FALSE(counts[0].has_value());
    EXPECT_EQ(counts[1], 1);
    EXPECT_EQ(counts[2], 2);

    Connection admin = connect();
    const auto dlq = deadLetterQueueName(queue);
    EXPECT_TRUE(waitUntil([&] { return messageCount(admin, dlq) == 1; }));
    const auto dead = getOne(admin, dlq, /*autoAck=*/true);
    ASSERT_TRUE(dead.has_value());
    EXPECT_EQ(dead->message.messageId, "f-1");
}

TEST_F(AmqpConsumer, PrefetchLimitsUnacknowledgedDeliveries) {
    const auto queue = workQueue();
    std::vector<Message> messages;
    for (int i = 0; i < 5; ++i) {
        messages.push_back(eventMessage(std::to_string(i), "pf-" + std::to_string(i)));
    }
    publishAll(messages);

    Connection connection = connect();
    Consumer consumer(connection, queue, 2);
    const auto first = consumer.next(10s);
    const auto second = consumer.next(10s);
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(consumer.next(500ms).has_value()) << "more than prefetch=2 in flight";
    consumer.ack(first->deliveryTag);
    const auto third = consumer.next(10s);
    ASSERT_TRUE(third.has_value());
    EXPECT_EQ(third->message.body, "2");
    EXPECT_FALSE(consumer.next(300ms).has_value());
}

TEST_F(AmqpConsumer, NextPollsWithZeroTimeout) {
    const auto queue = workQueue();
    Connection connection = connect();
    Consumer consumer(connection, queue, 1);
    EXPECT_FALSE(consumer.next(0ms).has_value());
    publishAll({eventMessage("x", "z-1")});
    std::optional<Delivery> delivery;
    EXPECT_TRUE(waitUntil([&] {
        delivery = consumer.next(0ms);
        return delivery.has_value();
    }));
}

TEST_F(AmqpConsumer, ChannelClosedByTheBrokerIsAConnectionError) {
    const auto queue = workQueue();
    Connection connection = connect();
    Consumer consumer(connection, queue, 1);
    consumer.ack(999999);  // unknown delivery tag: the broker closes the channel
    try {
        consumer.next(10s);
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.replyCode(), kPreconditionFailed) << e.what();
        EXPECT_NE(std::string(e.what()).find("unknown delivery tag"), std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(connection.isOpen());
    EXPECT_THROW(consumer.next(0ms), ConnectionError);
}

TEST_F(AmqpConsumer, ConsumingAMissingQueueIsNotFound) {
    const auto queue = queueName("missing");
    Connection connection = connect();
    try {
        Consumer consumer(connection, queue, 1);
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.replyCode(), kNotFound) << e.what();
    }
}

TEST_F(AmqpConsumer, DeletingTheQueueCancelsTheConsumer) {
    const auto queue = workQueue();
    Connection connection = connect();
    Consumer consumer(connection, queue, 1);
    {
        Connection admin = connect();
        deleteQueue(admin, queue);
    }
    // The connection advertises consumer_cancel_notify, so the broker says so (basic.cancel)
    // instead of going quiet.
    try {
        consumer.next(10s);
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& e) {
        EXPECT_TRUE(contains(e.what(), "cancelled the consumer")) << e.what();
    }
    EXPECT_FALSE(connection.isOpen());
}

TEST_F(AmqpConsumer, CancelStopsDeliveries) {
    const auto queue = workQueue();
    Connection connection = connect();
    Consumer consumer(connection, queue, 10);
    consumer.cancel();
    consumer.cancel();
    publishAll({eventMessage("after", "c-1")});
    EXPECT_FALSE(consumer.next(300ms).has_value());
    Connection admin = connect();
    EXPECT_TRUE(waitUntil([&] { return messageCount(admin, queue) == 1; }));
}

}  // namespace
}  // namespace shop::amqp::test
