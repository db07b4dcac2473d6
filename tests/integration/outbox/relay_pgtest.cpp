#include <gtest/gtest.h>

#include <atomic>

#include "outbox_fixture.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/outbox/relay.hpp"

namespace shop::testing {
namespace {

class RelayTest : public OutboxFixture {
  protected:
    outbox::RelayOptions options(const std::string& name = "relay-test") {
        outbox::RelayOptions relay;
        relay.dbUrl = m_dbUrl;
        relay.amqpUrl = amqpUrl();
        relay.exchange = m_exchange;
        relay.name = name;
        relay.batchSize = 50;
        // Long enough that a test passing within it proves the NOTIFY wake-up.
        relay.pollInterval = std::chrono::milliseconds(5000);
        return relay;
    }

    std::int64_t unpublished() {
        pg::Transaction tx(*m_pool);
        return tx.exec("SELECT count(*) FROM outbox").int64(0, 0);
    }
};

TEST_F(RelayTest, PublishesACommittedRowWithItsPropertiesAndMarksIt) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    const std::string id = domain::newUuid();
    {
        pg::Transaction tx(*m_pool);
        outbox::enqueue(tx, outbox::OutboxMessage{id, "OrderStatusChanged", "test.status",
                                                  "order-7", R"({"x":1})", "req-42"});
        tx.commit();
    }
    const auto start = std::chrono::steady_clock::now();
    auto seen = collect(1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen.begin()->first, id);
    // Handed over (or woken by a NOTIFY), not found by the 5 s fallback poll.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(4000));
    ASSERT_TRUE(lastDelivery.has_value());
    EXPECT_EQ(lastDelivery->message.type, "OrderStatusChanged");
    EXPECT_EQ(lastDelivery->message.correlationId, "order-7");
    EXPECT_EQ(lastDelivery->message.body, R"({"x":1})");
    EXPECT_EQ(lastDelivery->message.contentType, "application/json");
    ASSERT_NE(lastDelivery->message.header("x-request-id"), nullptr);
    EXPECT_EQ(*lastDelivery->message.header("x-request-id"), "req-42");
    EXPECT_TRUE(waitUntil([&] { return unpublished() == 0; }));
    EXPECT_GE(relay.stats().published.load(), 1u);
}

TEST_F(RelayTest, ARolledBackTransactionPublishesNothing) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    const std::string rolledBack = domain::newUuid();
    const std::string committed = domain::newUuid();
    {
        pg::Transaction tx(*m_pool);
        insertRow(tx, rolledBack, "test.a", "{}");
        // destroyed without commit: rolled back
    }
    {
        pg::Transaction tx(*m_pool);
        insertRow(tx, committed, "test.a", "{}");
        tx.commit();
    }
    auto seen = collect(1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen.count(committed), 1u);
    EXPECT_EQ(seen.count(rolledBack), 0u);
    pg::Transaction tx(*m_pool);
    EXPECT_EQ(tx.exec("SELECT count(*) FROM outbox WHERE id = $1", rolledBack).int64(0, 0), 0);
}

TEST_F(RelayTest, TwoRelaysOnOneTablePublishEachRowOnce) {
    constexpr int kRows = 400;
    outbox::Relay first(options("relay-a"), *m_pool);
    outbox::Relay second(options("relay-b"), *m_pool);
    first.start();
    second.start();
    for (int batch = 0; batch < kRows / 50; ++batch) {
        pg::Transaction tx(*m_pool);
        for (int i = 0; i < 50; ++i) {
            insertRow(tx, domain::newUuid(), "test.many", "{}");
        }
        tx.commit();
    }
    auto seen = collect(kRows, std::chrono::seconds(30));
    ASSERT_EQ(seen.size(), static_cast<std::size_t>(kRows));
    for (const auto& [id, count] : seen) {
        EXPECT_EQ(count, 1) << id;
    }
    EXPECT_TRUE(waitUntil([&] { return unpublished() == 0; }));
    // Both relays took part (SKIP LOCKED lets them share the table).
    EXPECT_EQ(first.stats().published.load() + second.stats().published.load(),
              static_cast<std::uint64_t>(kRows));
}

TEST_F(RelayTest, AnUnroutableRowStaysUnpublishedAndIsRetriedLater) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    const std::string id = domain::newUuid();
    {
        pg::Transaction tx(*m_pool);
        insertRow(tx, id, "nobody.listens", "{}");
        tx.commit();
    }
    ASSERT_TRUE(waitUntil([&] {
        pg::Transaction tx(*m_pool);
        return tx.exec("SELECT attempts FROM outbox WHERE id = $1", id).int64(0, 0) >= 1;
    }));
    pg::Transaction tx(*m_pool);
    auto row = tx.exec(
        "SELECT count(*) OVER () = 1, last_error, next_attempt_at > clock_timestamp() - "
        "interval '1 s' FROM outbox WHERE id = $1",
        id);
    ASSERT_EQ(row.rows(), 1) << "the row must stay until it is published";
    EXPECT_TRUE(row.boolean(0, 0));
    EXPECT_NE(row.str(0, 1).find("unroutable"), std::string::npos);
    EXPECT_TRUE(row.boolean(0, 2));
}

TEST_F(RelayTest, AnUnroutableRowOnAnOptionalRouteCountsAsPublished) {
    auto relayOptions = options();
    relayOptions.optionalRouteKeys.emplace("fanout.status");
    outbox::Relay relay(relayOptions, *m_pool);
    relay.start();
    const std::string id = domain::newUuid();
    {
        pg::Transaction tx(*m_pool);
        insertRow(tx, id, "fanout.status", "{}");
        tx.commit();
    }
    EXPECT_TRUE(waitUntil([&] { return unpublished() == 0; }));
}

TEST_F(RelayTest, RowsCommittedWhileTheRelayIsStoppedArePublishedWhenItStarts) {
    std::vector<std::string> ids;
    {
        pg::Transaction tx(*m_pool);
        for (int i = 0; i < 10; ++i) {
            ids.push_back(domain::newUuid());
            insertRow(tx, ids.back(), "test.backlog", "{}");
        }
        tx.commit();
    }
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    auto seen = collect(ids.size());
    EXPECT_EQ(seen.size(), ids.size());
}

class InboxTest : public OutboxFixture {
  protected:
    bool usesBroker() const override { return false; }
};

TEST_F(InboxTest, TheSameMessageIsClaimedOncePerConsumer) {
    const std::string id = domain::newUuid();
    {
        pg::Transaction tx(*m_pool);
        EXPECT_TRUE(outbox::claimInbox(tx, "consumer-a", id));
        tx.commit();
    }
    {
        pg::Transaction tx(*m_pool);
        EXPECT_FALSE(outbox::claimInbox(tx, "consumer-a", id));
        EXPECT_TRUE(outbox::claimInbox(tx, "consumer-b", id));
        tx.commit();
    }
}

TEST_F(InboxTest, AClaimInARolledBackTransactionDoesNotCount) {
    const std::string id = domain::newUuid();
    {
        pg::Transaction tx(*m_pool);
        EXPECT_TRUE(outbox::claimInbox(tx, "consumer-a", id));
    }
    pg::Transaction tx(*m_pool);
    EXPECT_TRUE(outbox::claimInbox(tx, "consumer-a", id));
}

class EnqueueWithTest : public OutboxFixture {
  protected:
    bool usesBroker() const override { return false; }
    void SetUp() override {
        OutboxFixture::SetUp();
        pg::Transaction tx(*m_pool);
        tx.exec("CREATE TABLE things (id integer PRIMARY KEY)");
        tx.commit();
    }
    std::int64_t count(const std::string& table) {
        pg::Transaction tx(*m_pool);
        return tx.exec("SELECT count(*) FROM " + table).int64(0, 0);
    }
};

TEST_F(EnqueueWithTest, TheWriteAndTheOutboxRowCommitTogether) {
    const std::string id = domain::newUuid();
    pg::Transaction tx(*m_pool);
    outbox::enqueueWithAndCommit(
        tx, "INSERT INTO things (id) VALUES ($1)", {"7"},
        outbox::OutboxMessage{id, "ThingMade", "test.thing", "thing-7", R"({"id":7})", "req-9"});
    EXPECT_FALSE(tx.open());
    EXPECT_EQ(count("things WHERE id = 7"), 1);
    pg::Transaction check(*m_pool);
    const auto row = check.exec(
        "SELECT event_type, routing_key, correlation_id, payload, request_id FROM outbox "
        "WHERE id = $1",
        id);
    ASSERT_EQ(row.rows(), 1);
    EXPECT_EQ(row.str(0, 0), "ThingMade");
    EXPECT_EQ(row.str(0, 1), "test.thing");
    EXPECT_EQ(row.str(0, 2), "thing-7");
    EXPECT_EQ(row.str(0, 3), R"({"id":7})");
    EXPECT_EQ(row.str(0, 4), "req-9");
}

TEST_F(EnqueueWithTest, AFailingWriteLeavesNoOutboxRow) {
    {
        pg::Transaction tx(*m_pool);
        tx.exec("INSERT INTO things (id) VALUES (7)");
        tx.commit();
    }
    pg::Transaction tx(*m_pool);
    try {
        outbox::enqueueWithAndCommit(
            tx, "INSERT INTO things (id) VALUES ($1)", {"7"},
            outbox::OutboxMessage{domain::newUuid(), "ThingMade", "test.thing", "t", "{}", ""});
        FAIL() << "a duplicate key was written";
    } catch (const pg::Error& error) {
        EXPECT_EQ(error.sqlstate(), "23505") << error.what();
    }
    tx.rollback();
    EXPECT_EQ(count("things"), 1);
    EXPECT_EQ(count("outbox"), 0);
}

}  // namespace
}  // namespace shop::testing
