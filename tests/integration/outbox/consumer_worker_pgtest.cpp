#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "outbox_fixture.hpp"
#include "shop/amqp/publisher.hpp"
#include "shop/amqp/url.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/pg/errors.hpp"

namespace shop::testing {
namespace {

class ConsumerWorkerTest : public OutboxFixture {
  protected:
    outbox::ConsumerOptions options() {
        outbox::ConsumerOptions consumer;
        consumer.amqpUrl = amqpUrl();
        consumer.exchange = m_exchange;
        consumer.queue = m_queue;
        consumer.bindingKeys = {"test.#"};
        consumer.deliveryLimit = 5;
        consumer.prefetch = 10;
        consumer.name = "consumer-test";
        return consumer;
    }

    void publish(const std::string& id, const std::string& body) {
        amqp::Connection connection(amqpUrl());
        amqp::Publisher publisher(connection);
        amqp::Message message;
        message.messageId = id;
        message.body = body;
        ASSERT_EQ(publisher.publish(m_exchange, "test.work", message, std::chrono::seconds(5)),
                  amqp::PublishOutcome::Confirmed);
    }

    void expectTheConnectionOutlives(std::chrono::seconds heartbeat, std::chrono::seconds outage);

    std::uint32_t deadLettered() {
        amqp::Connection connection(amqpUrl());
        return amqp::messageCount(connection, amqp::deadLetterQueueName(m_queue));
    }

    std::uint32_t waiting() {
        amqp::Connection connection(amqpUrl());
        return amqp::messageCount(connection, m_queue);
    }
};

TEST_F(ConsumerWorkerTest, AcksHandledMessagesAndDeadLettersPoisonAtOnce) {
    std::mutex mutex;
    std::set<std::string> handled;
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery& delivery) {
        std::lock_guard lock(mutex);
        handled.insert(delivery.message.messageId);
        return delivery.message.body == "poison" ? outbox::Disposition::DeadLetter
                                                 : outbox::Disposition::Ack;
    });
    worker.start();
    const std::string poison = domain::newUuid();
    const std::string good = domain::newUuid();
    publish(poison, "poison");
    publish(good, "fine");
    ASSERT_TRUE(waitUntil([&] {
        std::lock_guard lock(mutex);
        return handled.count(good) == 1;
    }));
    EXPECT_TRUE(waitUntil([&] { return deadLettered() == 1; }));
    EXPECT_TRUE(waitUntil([&] { return worker.stats().deadLettered.load() == 1; }));
    worker.stop();
    EXPECT_EQ(waiting(), 0u);
    amqp::Connection connection(amqpUrl());
    auto dead = amqp::getOne(connection, amqp::deadLetterQueueName(m_queue), true);
    ASSERT_TRUE(dead.has_value());
    EXPECT_EQ(dead->message.messageId, poison);
}

TEST_F(ConsumerWorkerTest, ConsumesFromTheNodeOfItsListThatIsUp) {
    // A cluster whose first listed node is down (nothing listens on port 1 of the test host).
    auto consumer = options();
    consumer.amqpUrl = "amqp://" + amqp::parseUrl(amqpUrl()).host + ":1/, " + amqpUrl();
    std::atomic<int> handled{0};
    outbox::ConsumerWorker worker(consumer, [&](const amqp::Delivery&) {
        ++handled;
        return outbox::Disposition::Ack;
    });
    worker.start();
    publish(domain::newUuid(), "to any node");
    EXPECT_TRUE(waitUntil([&] { return handled.load() == 1; }));
    EXPECT_TRUE(worker.stats().connected.load());
}

TEST_F(ConsumerWorkerTest, AMalformedBrokerListIsRefusedAtConstruction) {
    auto consumer = options();
    consumer.amqpUrl = amqpUrl() + ",,";
    EXPECT_THROW(outbox::ConsumerWorker(
                     consumer, [](const amqp::Delivery&) { return outbox::Disposition::Ack; }),
                 std::invalid_argument);
}

TEST_F(ConsumerWorkerTest, AMessageThatKeepsFailingEndsInTheDeadLetterQueue) {
    std::atomic<int> attempts{0};
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery&) -> outbox::Disposition {
        ++attempts;
        throw std::runtime_error("handler bug");
    });
    worker.start();
    publish(domain::newUuid(), "always fails");
    EXPECT_TRUE(waitUntil([&] { return deadLettered() == 1; }, std::chrono::seconds(20)));
    // The first delivery and then one per allowed redelivery (x-delivery-limit 5).
    EXPECT_GE(attempts.load(), 5);
    EXPECT_LE(attempts.load(), 7);
}

TEST_F(ConsumerWorkerTest, TransientDatabaseErrorsAreRetriedWithoutBurningTheDeliveryLimit) {
    std::atomic<int> attempts{0};
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery&) {
        if (++attempts <= 6) {
            throw pg::ConnectionLost("server closed the connection unexpectedly", "08006");
        }
        return outbox::Disposition::Ack;
    });
    worker.start();
    publish(domain::newUuid(), "needs the database");
    ASSERT_TRUE(waitUntil([&] { return attempts.load() == 7; }, std::chrono::seconds(30)));
    worker.stop();
    // More transient failures than the delivery limit, yet handled once and not dead-lettered.
    EXPECT_EQ(deadLettered(), 0u);
    EXPECT_EQ(waiting(), 0u);
    EXPECT_EQ(worker.stats().retried.load(), 0u);
}

// A handler that fails with a lost database connection for `outage`, then succeeds: the worker
// retries the delivery all along. The broker drops a connection silent for two heartbeats, so the
// worker must keep serving them while it waits.
void ConsumerWorkerTest::expectTheConnectionOutlives(std::chrono::seconds heartbeat,
                                                     std::chrono::seconds outage) {
    auto consumer = options();
    consumer.heartbeat = heartbeat;
    const auto outageEnds = std::chrono::steady_clock::now() + outage;
    std::atomic<int> redelivered{0};
    std::atomic<int> handled{0};
    outbox::ConsumerWorker worker(consumer, [&](const amqp::Delivery& delivery) {
        if (delivery.redelivered) {
            ++redelivered;
        }
        if (std::chrono::steady_clock::now() < outageEnds) {
            throw pg::ConnectionLost("server closed the connection unexpectedly", "08006");
        }
        ++handled;
        return outbox::Disposition::Ack;
    });
    worker.start();
    publish(domain::newUuid(), "needs the database");
    ASSERT_TRUE(waitUntil([&] { return handled.load() == 1; }, outage + std::chrono::seconds(60)));
    worker.stop();
    // The ack went out on the connection it came on: the message is gone, and it never came back
    // (without heartbeats the ack failed on the dropped connection and the message returned).
    EXPECT_EQ(waiting(), 0u);
    EXPECT_EQ(redelivered.load(), 0) << "the broker dropped the connection during the outage";
    EXPECT_EQ(handled.load(), 1);
    EXPECT_EQ(deadLettered(), 0u);
}

TEST_F(ConsumerWorkerTest, ADatabaseOutageLongerThanTheHeartbeatKeepsTheBrokerConnection) {
    // A 2 s heartbeat and a 12 s outage: six heartbeats, as a 3-minute outage is against 30 s.
    expectTheConnectionOutlives(std::chrono::seconds(2), std::chrono::seconds(12));
}

TEST_F(ConsumerWorkerTest, ANinetySecondDatabaseOutageKeepsTheBrokerConnection) {
    // The outage of issue 19 at the default heartbeat (30 s: the broker gives up after ~60 s).
    expectTheConnectionOutlives(outbox::ConsumerOptions{}.heartbeat, std::chrono::seconds(90));
}

TEST_F(ConsumerWorkerTest, AStopEndsAnIdleWaitAtOnce) {
    outbox::ConsumerWorker worker(options(),
                                  [&](const amqp::Delivery&) { return outbox::Disposition::Ack; });
    worker.start();
    ASSERT_TRUE(waitUntil([&] { return worker.stats().connected.load(); }));
    // The wait for deliveries has no timeout of its own to notice the stop by.
    const auto started = std::chrono::steady_clock::now();
    worker.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST_F(ConsumerWorkerTest, AMessageBeingHandledWhenTheStopComesIsStillAcked) {
    std::atomic<bool> entered{false};
    std::atomic<bool> release{false};
    std::atomic<int> handled{0};
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery&) {
        entered = true;
        while (!release.load()) {
            std::this_thread::yield();
        }
        ++handled;
        return outbox::Disposition::Ack;
    });
    worker.start();
    publish(domain::newUuid(), "in hand at the stop");
    ASSERT_TRUE(waitUntil([&] { return entered.load(); }));
    std::thread stopper([&] { worker.stop(); });
    // The stop is requested as the thread starts (its reading side of the broker connection is
    // shut then); the handler finishes after that, and its ack must still reach the broker.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    release = true;
    stopper.join();
    EXPECT_EQ(handled.load(), 1);
    // Had the ack been lost, the broker would put the message back as the connection closes:
    // watch the queue for a second.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < until) {
        ASSERT_EQ(waiting(), 0u)
            << "the ack sent after the stop was lost: the message went back to the queue";
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

TEST_F(ConsumerWorkerTest, StoppingLeavesUnhandledMessagesInTheQueue) {
    outbox::ConsumerWorker worker(options(),
                                  [&](const amqp::Delivery&) { return outbox::Disposition::Ack; });
    worker.start();
    ASSERT_TRUE(waitUntil([&] { return worker.stats().connected.load(); }));
    worker.stop();
    publish(domain::newUuid(), "after stop");
    EXPECT_EQ(waiting(), 1u);
}

}  // namespace
}  // namespace shop::testing
