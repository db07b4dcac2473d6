#include <gtest/gtest.h>

#include "dlq.hpp"
#include "outbox_fixture.hpp"
#include "shop/amqp/publisher.hpp"
#include "shop/domain/uuid.hpp"

namespace shop::testing {
namespace {

using namespace std::chrono_literals;

class DlqTest : public OutboxFixture {
  protected:
    amqp::Message poison(const std::string& body) {
        amqp::Message message;
        message.messageId = domain::newUuid();
        message.type = "PaymentRequested";
        message.body = body;
        message.headers = {{"x-request-id", "req-poison"}};
        return message;
    }

    void publish(const amqp::Message& message) {
        amqp::Connection connection(amqpUrl());
        amqp::Publisher publisher(connection);
        ASSERT_EQ(publisher.publish(m_exchange, "test.poison", message, 5s),
                  amqp::PublishOutcome::Confirmed);
    }

    /// Takes the next delivery of the work queue and settles it the way the consumer worker does
    /// with a message it cannot handle.
    std::optional<amqp::Delivery> receiveAndReject(bool requeue) {
        amqp::Connection connection(amqpUrl());
        amqp::Consumer consumer(connection, m_queue, 1);
        auto delivery = consumer.next(10s);
        if (delivery) {
            if (requeue) {
                consumer.nack(delivery->deliveryTag, true);
            } else {
                consumer.reject(delivery->deliveryTag, false);
            }
        }
        return delivery;
    }

    std::uint32_t ready(const std::string& queue) {
        amqp::Connection connection(amqpUrl());
        return amqp::messageCount(connection, queue);
    }
};

TEST_F(DlqTest, ListShowsARejectedMessageWithItsReasonAndLeavesItThere) {
    const auto message = poison("not json at all");
    publish(message);
    ASSERT_TRUE(receiveAndReject(false).has_value());
    const std::string dlq = amqp::deadLetterQueueName(m_queue);
    ASSERT_TRUE(waitUntil([&] { return ready(dlq) == 1; }));

    const auto letters = dlq::list(amqpUrl(), m_queue, 100);
    ASSERT_EQ(letters.size(), 1u);
    EXPECT_EQ(letters[0].workQueue, m_queue);
    EXPECT_EQ(letters[0].message.messageId, message.messageId);
    EXPECT_EQ(letters[0].message.type, "PaymentRequested");
    EXPECT_EQ(letters[0].message.body, "not json at all");
    EXPECT_EQ(letters[0].reason, "rejected");
    EXPECT_EQ(letters[0].count, 1);
    EXPECT_EQ(letters[0].routingKey, "test.poison");
    const std::string table = dlq::formatTable(letters);
    EXPECT_NE(table.find(message.messageId), std::string::npos);
    EXPECT_NE(table.find("rejected"), std::string::npos);
    EXPECT_NE(table.find("not json at all"), std::string::npos);

    // Listing is read-only: the message is back in the DLQ.
    EXPECT_TRUE(waitUntil([&] { return ready(dlq) == 1; }));
    EXPECT_EQ(ready(m_queue), 0u);
}

TEST_F(DlqTest, AMessageFailingPastTheDeliveryLimitIsListedAsSuch) {
    publish(poison(R"({"wrong":"schema"})"));
    // Returned to the queue again and again (as a handler that keeps failing does) until the
    // quorum queue's delivery limit (5 in the fixture) dead-letters it.
    int deliveries = 0;
    {
        amqp::Connection connection(amqpUrl());
        amqp::Consumer consumer(connection, m_queue, 1);
        while (auto delivery = consumer.next(2s)) {
            ++deliveries;
            consumer.nack(delivery->deliveryTag, true);
            ASSERT_LT(deliveries, 20) << "never dead-lettered";
        }
    }
    EXPECT_EQ(deliveries, 6);
    const std::string dlq = amqp::deadLetterQueueName(m_queue);
    ASSERT_TRUE(waitUntil([&] { return ready(dlq) == 1; }));
    const auto letters = dlq::list(amqpUrl(), m_queue, 100);
    ASSERT_EQ(letters.size(), 1u);
    EXPECT_EQ(letters[0].reason, "delivery_limit");
}

TEST_F(DlqTest, RedrivePutsEveryDeadLetterBackOnItsWorkQueueOnce) {
    std::vector<amqp::Message> sent;
    for (int i = 0; i < 3; ++i) {
        sent.push_back(poison("poison " + std::to_string(i)));
        publish(sent.back());
        ASSERT_TRUE(receiveAndReject(false).has_value());
    }
    const std::string dlq = amqp::deadLetterQueueName(m_queue);
    ASSERT_TRUE(waitUntil([&] { return ready(dlq) == 3; }));

    const auto result = dlq::redrive(amqpUrl(), m_queue);
    EXPECT_EQ(result.redriven, 3u);
    EXPECT_EQ(result.failed, 0u);
    EXPECT_TRUE(waitUntil([&] { return ready(dlq) == 0 && ready(m_queue) == 3; }));

    auto seen = collect(3);
    ASSERT_EQ(seen.size(), 3u);
    for (const auto& message : sent) {
        EXPECT_EQ(seen[message.messageId], 1) << message.messageId;
    }
    ASSERT_TRUE(lastDelivery.has_value());
    EXPECT_EQ(lastDelivery->message.type, "PaymentRequested");
    ASSERT_NE(lastDelivery->message.header("x-request-id"), nullptr);
    EXPECT_EQ(*lastDelivery->message.header("x-request-id"), "req-poison");
    EXPECT_EQ(lastDelivery->message.header("x-first-death-reason"), nullptr);
}

TEST_F(DlqTest, RedriveOfAnEmptyDlqMovesNothing) {
    const auto result = dlq::redrive(amqpUrl(), m_queue);
    EXPECT_EQ(result.redriven, 0u);
    EXPECT_EQ(result.failed, 0u);
}

}  // namespace
}  // namespace shop::testing
