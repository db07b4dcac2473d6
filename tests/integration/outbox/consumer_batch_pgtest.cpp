// The ConsumerWorker's batches (issue 7): several prefetched deliveries in one transaction, acked
// after its commit; a failure anywhere rolls the batch back and each delivery is redone alone.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "outbox_fixture.hpp"
#include "shop/amqp/publisher.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/pg/errors.hpp"

namespace shop::testing {
namespace {

constexpr std::string_view kConsumer = "batch-test";

class ConsumerBatchTest : public OutboxFixture {
  protected:
    outbox::ConsumerOptions options(int batch = 32) {
        outbox::ConsumerOptions consumer;
        consumer.amqpUrl = amqpUrl();
        consumer.exchange = m_exchange;
        consumer.queue = m_queue;
        consumer.bindingKeys = {"test.#"};
        consumer.deliveryLimit = 5;  // as the fixture declared the queue
        consumer.prefetch = 8;       // raised to the batch size by the worker
        consumer.batch = batch;
        consumer.name = "consumer-batch-test";
        return consumer;
    }

    /// Publishes every message before the worker starts, so they arrive prefetched together.
    void publishAll(const std::vector<std::pair<std::string, std::string>>& messages) {
        amqp::Connection connection(amqpUrl());
        amqp::Publisher publisher(connection);
        for (const auto& [id, body] : messages) {
            amqp::Message message;
            message.messageId = id;
            message.body = body;
            ASSERT_EQ(publisher.publish(m_exchange, "test.work", message, std::chrono::seconds(5)),
                      amqp::PublishOutcome::Confirmed);
        }
    }

    /// The handler of a real consumer: inbox claim, then one outbox row whose id is derived from
    /// the message, all in the delivery's transaction.
    outbox::Disposition handle(const amqp::Delivery& delivery) {
        outbox::DeliveryTransaction work(*m_pool);
        if (!outbox::claimInbox(work.transaction(), kConsumer, delivery.message.messageId)) {
            work.commit();
            return outbox::Disposition::Duplicate;
        }
        work.enqueue(outbox::OutboxMessage{domain::newUuid(), "Handled", "test.handled",
                                           delivery.message.messageId, delivery.message.body, ""});
        work.commit();
        return outbox::Disposition::Ack;
    }

    /// correlation_id (= the handled message id) -> number of outbox rows.
    std::map<std::string, std::int64_t> effects() {
        pg::Transaction tx(*m_pool);
        auto rows = tx.exec("SELECT correlation_id, count(*) FROM outbox GROUP BY 1");
        std::map<std::string, std::int64_t> out;
        for (int i = 0; i < rows.rows(); ++i) {
            out[rows.str(i, 0)] = rows.int64(i, 1);
        }
        return out;
    }

    std::uint32_t count(const std::string& queue) {
        amqp::Connection connection(amqpUrl());
        return amqp::messageCount(connection, queue);
    }

    static std::vector<std::pair<std::string, std::string>> messages(int n) {
        std::vector<std::pair<std::string, std::string>> out;
        for (int i = 0; i < n; ++i) {
            out.emplace_back(domain::newUuid(), "body-" + std::to_string(i));
        }
        return out;
    }
};

TEST_F(ConsumerBatchTest, PrefetchedDeliveriesShareOneTransactionAndAreAllAcked) {
    const auto sent = messages(40);
    publishAll(sent);
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery& d) { return handle(d); });
    worker.start();
    ASSERT_TRUE(waitUntil([&] { return effects().size() == sent.size(); }));
    EXPECT_TRUE(waitUntil([&] { return worker.stats().consumed.load() == sent.size(); }));
    worker.stop();
    for (const auto& [id, body] : sent) {
        EXPECT_EQ(effects()[id], 1) << id;
    }
    EXPECT_GE(worker.stats().batches.load(), 1u) << "no batch of two or more was formed";
    EXPECT_EQ(worker.stats().fallbacks.load(), 0u);
    EXPECT_EQ(count(m_queue), 0u) << "every delivery acked";
    EXPECT_EQ(count(amqp::deadLetterQueueName(m_queue)), 0u);
}

TEST_F(ConsumerBatchTest, TheSameMessageTwiceInOneBatchHasOneEffect) {
    auto sent = messages(10);
    sent.push_back(sent[3]);  // a republished copy (same message id)
    sent.push_back(sent[7]);
    publishAll(sent);
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery& d) { return handle(d); });
    worker.start();
    ASSERT_TRUE(waitUntil([&] { return worker.stats().consumed.load() == sent.size(); }));
    worker.stop();
    const auto seen = effects();
    EXPECT_EQ(seen.size(), 10u);
    for (const auto& [id, n] : seen) {
        EXPECT_EQ(n, 1) << id;
    }
    EXPECT_EQ(worker.stats().duplicates.load(), 2u);
    EXPECT_EQ(count(m_queue), 0u);
}

TEST_F(ConsumerBatchTest, APoisonMessageFailsAloneAndTheRestOfItsBatchCommitsOnce) {
    const auto sent = messages(12);
    const std::string poison = sent[5].first;
    publishAll(sent);
    std::atomic<int> poisonAttempts{0};
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery& d) {
        if (d.message.messageId == poison) {
            ++poisonAttempts;
            // Work done before the failure must be rolled back with the batch.
            outbox::DeliveryTransaction work(*m_pool);
            outbox::claimInbox(work.transaction(), kConsumer, d.message.messageId);
            throw std::runtime_error("handler bug");
        }
        return handle(d);
    });
    worker.start();
    ASSERT_TRUE(waitUntil([&] { return count(amqp::deadLetterQueueName(m_queue)) == 1; },
                          std::chrono::seconds(20)));
    worker.stop();
    const auto seen = effects();
    EXPECT_EQ(seen.size(), sent.size() - 1);
    EXPECT_EQ(seen.count(poison), 0u);
    for (const auto& [id, n] : seen) {
        EXPECT_EQ(n, 1) << id;
    }
    EXPECT_GE(worker.stats().fallbacks.load(), 1u);
    EXPECT_GE(poisonAttempts.load(), 5);  // x-delivery-limit 5, each time alone
    EXPECT_EQ(count(m_queue), 0u);
    pg::Transaction tx(*m_pool);
    EXPECT_EQ(tx.exec("SELECT count(*) FROM inbox WHERE message_id = $1", poison).int64(0, 0), 0);
}

TEST_F(ConsumerBatchTest, ARollbackInsideABatchRedoesThatMessageAlone) {
    const auto sent = messages(8);
    const std::string unknown = sent[2].first;
    publishAll(sent);
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery& d) {
        if (d.message.messageId == unknown) {
            // As the orders handler does for a result of an unknown order.
            outbox::DeliveryTransaction work(*m_pool);
            outbox::claimInbox(work.transaction(), kConsumer, d.message.messageId);
            work.rollback();
            return outbox::Disposition::DeadLetter;
        }
        return handle(d);
    });
    worker.start();
    ASSERT_TRUE(waitUntil([&] { return count(amqp::deadLetterQueueName(m_queue)) == 1; }));
    ASSERT_TRUE(waitUntil([&] { return effects().size() == sent.size() - 1; }));
    worker.stop();
    for (const auto& [id, n] : effects()) {
        EXPECT_EQ(n, 1) << id;
    }
    EXPECT_EQ(worker.stats().deadLettered.load(), 1u);
    EXPECT_EQ(count(m_queue), 0u);
    pg::Transaction tx(*m_pool);
    EXPECT_EQ(tx.exec("SELECT count(*) FROM inbox WHERE message_id = $1", unknown).int64(0, 0), 0);
}

TEST_F(ConsumerBatchTest, TransientDatabaseErrorsInABatchAreRetriedWithoutLosingAnything) {
    const auto sent = messages(6);
    publishAll(sent);
    std::atomic<int> failures{0};
    outbox::ConsumerWorker worker(options(), [&](const amqp::Delivery& d) {
        if (++failures <= 4) {
            throw pg::ConnectionLost("server closed the connection unexpectedly", "08006");
        }
        return handle(d);
    });
    worker.start();
    ASSERT_TRUE(
        waitUntil([&] { return effects().size() == sent.size(); }, std::chrono::seconds(30)));
    worker.stop();
    EXPECT_EQ(count(amqp::deadLetterQueueName(m_queue)), 0u);
    EXPECT_EQ(count(m_queue), 0u);
    EXPECT_EQ(worker.stats().retried.load(), 0u);
}

TEST_F(ConsumerBatchTest, BatchSizeOneHandlesEachDeliveryInItsOwnTransaction) {
    const auto sent = messages(5);
    publishAll(sent);
    outbox::ConsumerWorker worker(options(1), [&](const amqp::Delivery& d) {
        EXPECT_EQ(outbox::detail::BatchScope::current(), nullptr);
        return handle(d);
    });
    worker.start();
    ASSERT_TRUE(waitUntil([&] { return effects().size() == sent.size(); }));
    worker.stop();
    EXPECT_EQ(worker.stats().batches.load(), 0u);
}

TEST(ConsumerBatchConfig, ReadsTheBatchSizeFromTheEnvironment) {
    const auto read = [](std::optional<std::string> value) {
        core::EnvReader env([value](std::string_view name) -> std::optional<std::string> {
            return name == "SHOP_CONSUMER_BATCH" ? value : std::nullopt;
        });
        const int batch = outbox::readConsumerBatch(env);
        return std::make_pair(batch, env.problems().size());
    };
    EXPECT_EQ(read(std::nullopt), std::make_pair(outbox::kDefaultConsumerBatch, std::size_t{0}));
    EXPECT_EQ(read("1"), std::make_pair(1, std::size_t{0}));
    EXPECT_EQ(read("250"), std::make_pair(250, std::size_t{0}));
    EXPECT_EQ(read("0").second, 1u);
    EXPECT_EQ(read("lots").second, 1u);
}

}  // namespace
}  // namespace shop::testing
