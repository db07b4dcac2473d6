// How a relay learns of new rows: the writers of its own process hand them over (and delete them
// once published), writers elsewhere send NOTIFY, and there is no polling in between. Each test has
// a database of its own: NOTIFY is database-wide, so the signals of tests running beside it would
// wake the relay under test.
#include <gtest/gtest.h>

#include <poll.h>

#include <set>
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

TEST_F(RelayWakeupTest, RowsAreHandedToTheRelayOfTheirDatabaseOnceCommitted) {
    pg::Connection probe(m_dbUrl);
    EXPECT_FALSE(outbox::handOffTerms(probe).has_value()) << "no relay registered yet";
    outbox::Handoff handoff(std::chrono::seconds(10));
    const outbox::RelayRegistration registration(outbox::databaseKey(probe), handoff);
    const auto terms = outbox::handOffTerms(probe);
    ASSERT_TRUE(terms.has_value());
    EXPECT_EQ(terms->grace, std::chrono::seconds(10));

    const std::string id = domain::newUuid();
    bool more = true;
    {
        pg::Transaction tx(*m_pool);
        outbox::enqueue(tx, outbox::OutboxMessage{id, "T", "test.a", "c", "{}", "req-1"});
        EXPECT_FALSE(readable(handoff.doorbell())) << "rang before the commit";
        EXPECT_TRUE(handoff.take(10, more).empty()) << "handed over before the commit";
        tx.commit();
    }
    EXPECT_TRUE(readable(handoff.doorbell()));
    EXPECT_TRUE(handoff.doorbell().drain());
    const auto rows = handoff.take(10, more);
    EXPECT_FALSE(more);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].message.id, id);
    EXPECT_EQ(rows[0].message.requestId, "req-1");
    // The row handed over is the row in the table, out of reach of claims for the grace.
    const auto row = probe.exec(
        "SELECT seq, next_attempt_at - created_at >= interval '9 s' FROM outbox WHERE id = $1", id);
    ASSERT_EQ(row.rows(), 1);
    EXPECT_EQ(row.int64(0, 0), rows[0].seq);
    EXPECT_EQ(row.str(0, 1), "t");

    {
        pg::Transaction tx(*m_pool);
        outbox::enqueue(tx, outbox::OutboxMessage{domain::newUuid(), "T", "test.a", "c", "{}", ""});
        // rolled back when it goes out of scope
    }
    EXPECT_FALSE(readable(handoff.doorbell())) << "rang for a transaction that rolled back";
    EXPECT_TRUE(handoff.take(10, more).empty());

    // Several rows in one statement, and the business write with its row: each handed with
    // its own seq.
    std::vector<outbox::OutboxMessage> several;
    for (int i = 0; i < 3; ++i) {
        several.push_back(outbox::OutboxMessage{domain::newUuid(), "T", "test.a", "c", "{}", ""});
    }
    {
        pg::Transaction tx(*m_pool);
        outbox::enqueueAllAndCommit(tx, several);
    }
    const auto handed = handoff.take(2, more);
    EXPECT_TRUE(more) << "take() gives at most what it is asked for";
    auto rest = handoff.take(10, more);
    EXPECT_FALSE(more);
    ASSERT_EQ(handed.size() + rest.size(), 3u);
    for (const auto& part : {handed, rest}) {
        for (const auto& one : part) {
            EXPECT_EQ(
                probe.exec("SELECT seq FROM outbox WHERE id = $1", one.message.id).int64(0, 0),
                one.seq);
        }
    }
}

TEST_F(RelayWakeupTest, ARelayPublishesHandedRowsWithoutAClaim) {
    auto relayOptions = options();
    relayOptions.deleteLinger = std::chrono::seconds(60);  // its expiry would claim
    relayOptions.handoffGrace = std::chrono::seconds(120);
    outbox::Relay relay(relayOptions, *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    const auto claims = relay.stats().rounds.load();
    const std::string id = domain::newUuid();
    enqueueOne(id);
    auto seen = collect(1);
    EXPECT_EQ(seen.count(id), 1u);
    ASSERT_TRUE(waitUntil([&] { return relay.stats().handed.load() == 1; }));
    EXPECT_EQ(relay.stats().rounds.load(), claims) << "no claim query ran for it";
}

TEST_F(RelayWakeupTest, AHandedRowNobodyPublishedIsClaimedAfterItsGrace) {
    // A relay took the row over and died before publishing it.
    const std::string id = domain::newUuid();
    const auto grace = std::chrono::milliseconds(3000);
    const auto committed = std::chrono::steady_clock::now();
    {
        pg::Connection probe(m_dbUrl);
        outbox::Handoff handoff(grace);
        const outbox::RelayRegistration registration(outbox::databaseKey(probe), handoff);
        enqueueOne(id);
        bool more = false;
        ASSERT_EQ(handoff.take(10, more).size(), 1u);
    }
    auto relayOptions = options();
    relayOptions.pollInterval = std::chrono::milliseconds(100);
    outbox::Relay relay(relayOptions, *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    if (std::chrono::steady_clock::now() - committed < grace) {
        EXPECT_EQ(relay.stats().published.load(), 0u) << "claimed before its grace";
    }
    auto seen = collect(1);
    EXPECT_EQ(seen.count(id), 1u);
    EXPECT_GE(std::chrono::steady_clock::now() - committed, grace)
        << "claimed while a relay could still be publishing it";
    EXPECT_TRUE(waitUntil([&] { return unpublished() == 0; }));
    EXPECT_EQ(relay.stats().handed.load(), 0u);
}

TEST_F(RelayWakeupTest, AWriterDeletesPublishedRowsInItsStatementOrGivesThemBack) {
    pg::Connection probe(m_dbUrl);
    outbox::Handoff handoff(std::chrono::seconds(10));
    const outbox::RelayRegistration registration(outbox::databaseKey(probe), handoff);
    const auto insertPublished = [&] {
        const std::string id = domain::newUuid();
        const auto seq = probe
                             .exec(
                                 "INSERT INTO outbox (id, event_type, routing_key, correlation_id, "
                                 "payload) VALUES ($1, 'T', 'test.a', 'c', '{}') RETURNING seq",
                                 id)
                             .int64(0, 0);
        outbox::PublishedRows rows;
        rows.append(seq, id);
        handoff.published(rows);
        return seq;
    };
    const auto exists = [&](std::int64_t seq) {
        return probe.exec("SELECT count(*) FROM outbox WHERE seq = $1", seq).int64(0, 0) == 1;
    };

    const auto first = insertPublished();
    {
        pg::Transaction tx(*m_pool);
        const outbox::OutboxMessage message{domain::newUuid(), "T", "test.a", "c", "{}", ""};
        outbox::enqueueAllAndCommit(tx, std::span(&message, 1));
    }
    EXPECT_FALSE(exists(first)) << "deleted by the writer's statement";
    EXPECT_TRUE(handoff.takePublished(10).empty());
    EXPECT_FALSE(handoff.publishedSince().has_value());

    // Rows are deleted by seq and id together: a seq whose id is another row's deletes nothing.
    const auto third = insertPublished();
    auto stale = handoff.takePublished(10);
    ASSERT_EQ(stale.size(), 1u);
    stale.ids[0] = domain::newUuid();
    handoff.published(stale);
    {
        pg::Transaction tx(*m_pool);
        const outbox::OutboxMessage message{domain::newUuid(), "T", "test.a", "c", "{}", ""};
        outbox::enqueueAllAndCommit(tx, std::span(&message, 1));
    }
    EXPECT_TRUE(exists(third));
    EXPECT_TRUE(handoff.takePublished(10).empty()) << "taken by the writer";
    probe.exec("DELETE FROM outbox WHERE seq = $1", third);

    // A row enqueued in a transaction that commits later deletes nothing (its transaction could
    // still roll back after the statement).
    const auto second = insertPublished();
    {
        pg::Transaction tx(*m_pool);
        outbox::enqueue(tx, outbox::OutboxMessage{domain::newUuid(), "T", "test.a", "c", "{}", ""});
        tx.commit();
    }
    EXPECT_TRUE(exists(second));
    ASSERT_TRUE(handoff.publishedSince().has_value());

    // A statement that fails gives the rows it took back.
    probe.exec("CREATE TABLE taken (k text PRIMARY KEY)");
    probe.exec("INSERT INTO taken VALUES ('k')");
    EXPECT_THROW(
        {
            pg::Transaction tx(*m_pool);
            outbox::enqueueWithAndCommit(
                tx, "INSERT INTO taken VALUES ($1)", {std::string("k")},
                outbox::OutboxMessage{domain::newUuid(), "T", "test.a", "c", "{}", ""});
        },
        pg::Error);
    EXPECT_TRUE(exists(second));
    EXPECT_EQ(handoff.takePublished(10).seqs, std::vector<std::int64_t>{second});
}

TEST_F(RelayWakeupTest, ARelayDeletesThePublishedRowsNoWriterTookAfterTheLinger) {
    auto relayOptions = options();
    relayOptions.deleteLinger = std::chrono::seconds(4);
    outbox::Relay relay(relayOptions, *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    enqueueOne(domain::newUuid());
    ASSERT_EQ(collect(1).size(), 1u);
    EXPECT_EQ(unpublished(), 1) << "deleted before a writer could take it";
    EXPECT_TRUE(waitUntil([&] { return unpublished() == 0; }));
    EXPECT_EQ(relay.stats().published.load(), 1u) << "deleted by the relay, not claimed again";
}

TEST_F(RelayWakeupTest, AStoppingRelayDeletesThePublishedRowsNoWriterTook) {
    auto relayOptions = options();
    relayOptions.deleteLinger = std::chrono::seconds(60);
    relayOptions.handoffGrace = std::chrono::seconds(120);
    outbox::Relay relay(relayOptions, *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    enqueueOne(domain::newUuid());
    ASSERT_EQ(collect(1).size(), 1u);
    ASSERT_TRUE(waitUntil([&] { return relay.stats().handed.load() == 1; }));
    relay.stop();
    EXPECT_EQ(unpublished(), 0);
}

TEST_F(RelayWakeupTest, TwoMessagesWithOneIdAreBothPublished) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    // The API does not forbid it: which seq is whose is then unknown, so neither is handed
    // over (both are claimed after the grace) rather than one published twice.
    const std::string id = domain::newUuid();
    const std::vector<outbox::OutboxMessage> twins{{id, "T", "test.a", "c", R"({"n":1})", ""},
                                                   {id, "T", "test.a", "c", R"({"n":2})", ""}};
    {
        pg::Transaction tx(*m_pool);
        outbox::enqueueAllAndCommit(tx, twins);
    }
    pg::Connection probe(m_dbUrl);
    const auto grace = probe.exec(
        "SELECT count(*) FROM outbox WHERE next_attempt_at - created_at >= interval '9 s'");
    EXPECT_EQ(grace.int64(0, 0), 2) << "both kept from claims for the grace";
    // Claimable now: both bodies are published, each once.
    probe.exec("UPDATE outbox SET next_attempt_at = clock_timestamp()");
    std::set<std::string> bodies;
    amqp::Connection connection(amqpUrl());
    amqp::Consumer consumer(connection, m_queue, 10);
    ASSERT_TRUE(waitUntil(
        [&] {
            if (auto delivery = consumer.next(std::chrono::milliseconds(100))) {
                bodies.insert(delivery->message.body);
                consumer.ack(delivery->deliveryTag);
            }
            return bodies.size() == 2;
        },
        std::chrono::seconds(20)));
    EXPECT_TRUE(waitUntil([&] { return unpublished() == 0; }));
    EXPECT_EQ(relay.stats().handed.load(), 0u);
}

TEST_F(RelayWakeupTest, AHandedRowReachedTooNearItsGraceIsLeftToAClaimAndPublishedOnce) {
    auto relayOptions = options();
    relayOptions.handoffGrace = std::chrono::milliseconds(2000);
    relayOptions.confirmTimeout = std::chrono::milliseconds(1000);
    relayOptions.deleteLinger = std::chrono::milliseconds(500);
    relayOptions.pollInterval = std::chrono::milliseconds(100);
    outbox::Relay relay(relayOptions, *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    const std::string id = domain::newUuid();
    {
        pg::Transaction tx(*m_pool);
        outbox::enqueue(tx, outbox::OutboxMessage{id, "T", "test.a", "c", "{}", ""});
        // The writer's transaction stays open past grace - confirmTimeout - deleteLinger (0.5 s)
        // after its INSERT: from the commit on, publishing from memory could race a claim.
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        tx.commit();
    }
    ASSERT_TRUE(waitUntil([&] { return relay.stats().leftToClaims.load() == 1; }));
    auto seen = collect(1);
    EXPECT_EQ(seen.count(id), 1u);
    EXPECT_TRUE(waitUntil([&] { return unpublished() == 0; }));
    EXPECT_EQ(relay.stats().handed.load(), 0u);
    EXPECT_EQ(relay.stats().published.load(), 1u) << "published once, by a claim";
}

TEST_F(RelayWakeupTest, AHandedRowTheBrokerRefusesIsRetriedLikeAnyOther) {
    outbox::Relay relay(options(), *m_pool);
    relay.start();
    ASSERT_TRUE(waitUntil([&] { return relay.stats().rounds.load() >= 1; }));
    pg::Transaction tx(*m_pool);
    outbox::enqueue(tx,
                    outbox::OutboxMessage{domain::newUuid(), "T", "nobody.listens", "c", "{}", ""});
    tx.commit();
    // Returned as unroutable: rescheduled with the usual backoff (0.2 s first), not left for the
    // 10 s grace.
    pg::Connection probe(m_dbUrl);
    ASSERT_TRUE(waitUntil([&] {
        return probe
                   .exec(
                       "SELECT count(*) FROM outbox WHERE attempts >= 1 AND last_error LIKE "
                       "'unroutable%' AND next_attempt_at < created_at + interval '5 s'")
                   .int64(0, 0) == 1;
    }));
    EXPECT_GE(relay.stats().failed.load(), 1u);
    EXPECT_EQ(relay.stats().handed.load(), 0u);
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
