// How a relay learns of new rows: the doorbell of its own process, NOTIFY from others, and no
// polling in between. Each test has a database of its own: NOTIFY is database-wide, so the
// signals of tests running beside it would wake the relay under test.
#include <gtest/gtest.h>

#include <poll.h>

#include <thread>

#include "outbox_fixture.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/outbox/doorbell.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/outbox/relay.hpp"

namespace shop::testing {
namespace {

bool readable(const outbox::Doorbell& bell) {
    pollfd pfd{bell.fd(), POLLIN, 0};
    return ::poll(&pfd, 1, 0) == 1;
}

class RelayWakeupTest : public OutboxFixture {
  protected:
    bool ownDatabase() const override { return true; }

    outbox::RelayOptions options() {
        outbox::RelayOptions relay;
        relay.dbUrl = m_dbUrl;
        relay.amqpUrl = amqpUrl();
        relay.exchange = m_exchange;
        relay.name = "relay-wakeup-test";
        // Long enough that a test passing within it proves a wake-up.
        relay.pollInterval = std::chrono::milliseconds(5000);
        return relay;
    }

    /// outbox::enqueue() of one message in a transaction of its own.
    void enqueueOne(const std::string& id) {
        pg::Transaction tx(*m_pool);
        outbox::enqueue(tx, outbox::OutboxMessage{id, "T", "test.a", "c", "{}", ""});
        tx.commit();
    }

    std::int64_t unpublished() {
        pg::Transaction tx(*m_pool);
        return tx.exec("SELECT count(*) FROM outbox").int64(0, 0);
    }
};

TEST_F(RelayWakeupTest, TheDoorbellRingsAfterACommitOnItsDatabaseOnly) {
    outbox::Doorbell bell;
    {
        pg::Transaction tx(*m_pool);
        tx.exec("SELECT 1");
        EXPECT_FALSE(outbox::ringAfterCommit(tx)) << "no relay registered yet";
    }
    pg::Connection probe(m_dbUrl);
    const outbox::DoorbellRegistration registration(outbox::databaseKey(probe), bell);
    {
        pg::Transaction tx(*m_pool);
        tx.exec("SELECT 1");
        EXPECT_TRUE(outbox::ringAfterCommit(tx));
        EXPECT_FALSE(readable(bell)) << "rang before the commit";
        tx.commit();
    }
    EXPECT_TRUE(readable(bell));
    EXPECT_TRUE(bell.drain());
    EXPECT_FALSE(readable(bell));
    {
        pg::Transaction tx(*m_pool);
        tx.exec("SELECT 1");
        EXPECT_TRUE(outbox::ringAfterCommit(tx));
        // rolled back when it goes out of scope
    }
    EXPECT_FALSE(readable(bell)) << "rang for a transaction that rolled back";
    EXPECT_FALSE(bell.drain());
}

TEST_F(RelayWakeupTest, ACommitInThisProcessWakesTheRelayWithoutNotify) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    // Its doorbell is registered before its first claim.
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));

    pg::Connection listener(m_dbUrl);
    listener.listen(outbox::kNotifyChannel);
    const std::string id = domain::newUuid();
    const auto start = std::chrono::steady_clock::now();
    enqueueOne(id);
    auto seen = collect(1);
    EXPECT_EQ(seen.count(id), 1u);
    // Woken by the doorbell, long before the 5 s fallback poll, and no NOTIFY was sent.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
    EXPECT_TRUE(listener.waitForNotifications(std::chrono::milliseconds(300)).empty());
}

TEST_F(RelayWakeupTest, AnIdleRelayDoesNotPollAfterWork) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    for (int i = 0; i < 3; ++i) {
        enqueueOne(domain::newUuid());
        ASSERT_TRUE(waitUntil([&] { return unpublished() == 0; }));
    }
    ASSERT_TRUE(waitUntil([&] { return relay.stats().published.load() == 3; }));
    // With the 5 s fallback poll, a second of quiet costs at most one claim query; a relay that
    // kept polling hot after work would run hundreds.
    const auto before = relay.stats().rounds.load();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    EXPECT_LE(relay.stats().rounds.load() - before, 2u);
}

TEST_F(RelayWakeupTest, AStopEndsTheWaitAtOnce) {
    auto relayOptions = options();
    relayOptions.pollInterval = std::chrono::seconds(30);
    outbox::Relay relay(relayOptions, *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    // The round counted, its empty claim commits and the relay waits for work, with nothing to
    // check `stop` by for 30 s: only the stop's ring can end that wait. (Nothing shows that the
    // wait has begun; it has, well within this pause.)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto started = std::chrono::steady_clock::now();
    relay.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST_F(RelayWakeupTest, ANotifyFromAnotherProcessStillWakesTheRelay) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    // A writer elsewhere (SHOP_ROLES=api) inserts and notifies; it has no doorbell to ring.
    const std::string id = domain::newUuid();
    const auto start = std::chrono::steady_clock::now();
    pg::Connection writer(m_dbUrl);
    writer.exec("BEGIN");
    writer.exec(
        "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload) "
        "VALUES ($1, 'T', 'test.a', 'c', '{}')",
        id);
    writer.exec("SELECT pg_notify('outbox', '')");
    writer.exec("COMMIT");
    auto seen = collect(1);
    EXPECT_EQ(seen.count(id), 1u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace shop::testing
