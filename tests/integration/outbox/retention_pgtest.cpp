#include <gtest/gtest.h>

#include <future>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "outbox_fixture.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/outbox/retention.hpp"
#include "shop/service/service.hpp"

namespace shop::testing {
namespace {

using namespace std::chrono_literals;

class RetentionTest : public OutboxFixture {
  protected:
    /// An outbox row created `age` ago, not yet published (the relay deletes published rows).
    std::string outboxRow(std::chrono::seconds age) {
        const std::string id = domain::newUuid();
        pg::Transaction tx(*m_pool);
        tx.exec(
            "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload, created_at) "
            "VALUES ($1, 'TestEvent', 'test.a', 'c', '{}', now() - make_interval(secs => $2))",
            id, static_cast<std::int64_t>(age.count()));
        tx.commit();
        return id;
    }

    void inboxRows(int count, std::chrono::seconds age, const std::string& consumer = "c1") {
        pg::Transaction tx(*m_pool);
        tx.exec(
            "INSERT INTO inbox (consumer, message_id, received_at) SELECT $1, "
            "gen_random_uuid()::text, now() - make_interval(secs => $2) FROM generate_series(1, "
            "$3)",
            consumer, static_cast<std::int64_t>(age.count()), static_cast<std::int64_t>(count));
        tx.commit();
    }

    void idempotencyKey(const std::string& key, std::chrono::seconds age) {
        pg::Transaction tx(*m_pool);
        tx.exec(
            "INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response_body, "
            "created_at) VALUES ('POST /orders', $1, 'f', 201, '{}', "
            "now() - make_interval(secs => $2))",
            key, static_cast<std::int64_t>(age.count()));
        tx.commit();
    }

    std::int64_t count(const std::string& sql) {
        pg::Transaction tx(*m_pool);
        return tx.exec(sql).int64(0, 0);
    }

    bool outboxHas(const std::string& id) {
        pg::Transaction tx(*m_pool);
        return tx.exec("SELECT count(*) FROM outbox WHERE id = $1", id).int64(0, 0) == 1;
    }

    static outbox::RetentionOptions options() {
        outbox::RetentionOptions retention;
        retention.inboxAge = 7 * 24h;
        retention.idempotencyAge = 24h;
        retention.batchSize = 1000;
        return retention;
    }
};

TEST(RetentionDuration, ParsesUnitsAndRejectsGarbage) {
    EXPECT_EQ(outbox::parseDuration("90"), std::chrono::seconds(90));
    EXPECT_EQ(outbox::parseDuration("45s"), std::chrono::seconds(45));
    EXPECT_EQ(outbox::parseDuration("15m"), std::chrono::seconds(900));
    EXPECT_EQ(outbox::parseDuration("24h"), std::chrono::seconds(86400));
    EXPECT_EQ(outbox::parseDuration("7d"), std::chrono::seconds(604800));
    for (const char* bad :
         {"", "d", "-1d", "+1d", "1w", "1.5h", "1dd", " 1d", "99999999999999999d"}) {
        EXPECT_FALSE(outbox::parseDuration(bad).has_value()) << bad;
    }
}

using Vars = std::map<std::string, std::string, std::less<>>;

/// What readServiceConfig makes of `vars` (and nothing else of the environment): the
/// configuration and the problems it found.
std::pair<service::ServiceConfig, std::vector<std::string>> serviceConfigFrom(const Vars& vars) {
    core::EnvReader env([&vars](std::string_view name) -> std::optional<std::string> {
        const auto found = vars.find(name);
        return found == vars.end() ? std::nullopt : std::optional<std::string>(found->second);
    });
    auto config = service::readServiceConfig(env, "orders", "127.0.0.1:0");
    return {std::move(config), env.problems()};
}

/// The variables a service cannot start without.
Vars requiredVars() {
    return Vars{{"SHOP_DB_URL", "postgresql://x/y"},
                {"SHOP_AMQP_URL", "amqp://x/"},
                {"SHOP_INTERNAL_SECRET", std::string(32, 's')}};
}

TEST(RetentionConfig, DefaultsAndLimitsComeFromTheEnvironment) {
    Vars vars = requiredVars();
    {
        const auto [config, problems] = serviceConfigFrom(vars);
        EXPECT_TRUE(problems.empty());
        EXPECT_EQ(config.retention.inboxAge, std::chrono::hours(24 * 7));
        EXPECT_EQ(config.retention.idempotencyAge, std::chrono::hours(24));
        EXPECT_EQ(config.retention.batchSize, 1000);
    }
    vars["SHOP_INBOX_RETENTION"] = "30m";        // shorter than the dedupe minimum
    vars["SHOP_IDEMPOTENCY_RETENTION"] = "23h";  // the contract keeps keys >= 24 h
    vars["SHOP_RETENTION_INTERVAL"] = "soon";
    const auto problems = serviceConfigFrom(vars).second;
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_NE(problems[0].find("SHOP_INBOX_RETENTION"), std::string::npos);
    EXPECT_NE(problems[1].find("SHOP_IDEMPOTENCY_RETENTION"), std::string::npos);
    EXPECT_NE(problems[2].find("SHOP_RETENTION_INTERVAL"), std::string::npos);
}

TEST(ServiceConfigPool, WarmDefaultsToThePoolSizeAndZeroTurnsItOff) {
    Vars vars = requiredVars();
    vars["SHOP_DB_POOL_SIZE"] = "9";
    const auto read = [&vars] {
        const auto [config, problems] = serviceConfigFrom(vars);
        return std::make_pair(config.dbPoolWarm, problems.size());
    };
    EXPECT_EQ(read(), std::make_pair(9, std::size_t{0}));
    vars["SHOP_DB_POOL_WARM"] = "0";
    EXPECT_EQ(read(), std::make_pair(0, std::size_t{0}));
    vars["SHOP_DB_POOL_WARM"] = "-1";
    EXPECT_EQ(read().second, 1u);
}

TEST_F(RetentionTest, NeverDeletesOutboxRowsHoweverOld) {
    const std::string old = outboxRow(30 * 24h);
    const std::string young = outboxRow(0s);

    outbox::purgeExpired(*m_pool, options());

    EXPECT_TRUE(outboxHas(old));
    EXPECT_TRUE(outboxHas(young));
}

TEST_F(RetentionTest, DeletesInboxRowsPastTheDedupeWindowOnly) {
    inboxRows(5, 8 * 24h);
    inboxRows(3, 6 * 24h);
    inboxRows(2, 0s, "c2");

    const auto result = outbox::purgeExpired(*m_pool, options());

    EXPECT_EQ(result.inbox, 5);
    EXPECT_EQ(count("SELECT count(*) FROM inbox"), 5);
    EXPECT_EQ(count("SELECT count(*) FROM inbox WHERE received_at < now() - interval '7 days'"), 0);
}

TEST_F(RetentionTest, DeletesIdempotencyKeysOlderThanTheirRetentionOnly) {
    idempotencyKey("old", 25h);
    idempotencyKey("young", 23h);

    const auto result = outbox::purgeExpired(*m_pool, options());

    EXPECT_EQ(result.idempotencyKeys, 1);
    EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys WHERE key = 'old'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys WHERE key = 'young'"), 1);
}

TEST_F(RetentionTest, DeletesInBoundedBatches) {
    inboxRows(2500, 8 * 24h);
    auto retention = options();
    retention.batchSize = 1000;

    const auto first = outbox::purgeBatch(*m_pool, retention);
    EXPECT_EQ(first.inbox, 1000);
    EXPECT_EQ(count("SELECT count(*) FROM inbox"), 1500);

    const auto rest = outbox::purgeExpired(*m_pool, retention);
    EXPECT_EQ(rest.inbox, 1500);
    // 1000 + 500: two rounds of one statement per table (inbox, idempotency keys).
    EXPECT_EQ(rest.batches, 4);
    EXPECT_EQ(count("SELECT count(*) FROM inbox"), 0);
}

TEST_F(RetentionTest, NeverWaitsOnARowAnotherTransactionHoldsLocked) {
    inboxRows(2, 8 * 24h);
    pg::Connection holder(m_dbUrl);
    holder.exec("BEGIN");
    const std::string locked =
        holder.exec("SELECT message_id FROM inbox ORDER BY message_id LIMIT 1 FOR UPDATE")
            .str(0, 0);

    auto purge =
        std::async(std::launch::async, [&] { return outbox::purgeExpired(*m_pool, options()); });
    // Without SKIP LOCKED the purge would wait for the holder's transaction.
    const bool finished = purge.wait_for(5s) == std::future_status::ready;
    holder.exec("ROLLBACK");
    ASSERT_TRUE(finished) << "the purge waited on a locked row";
    EXPECT_EQ(purge.get().inbox, 1);
    EXPECT_EQ(count("SELECT count(*) FROM inbox WHERE message_id = '" + locked + "'"), 1);

    EXPECT_EQ(outbox::purgeExpired(*m_pool, options()).inbox, 1);
    EXPECT_EQ(count("SELECT count(*) FROM inbox"), 0);
}

TEST_F(RetentionTest, TheJobRunsOnItsSchedule) {
    auto retention = options();
    retention.interval = 100ms;
    outbox::RetentionJob job(retention, *m_pool);
    job.start();
    ASSERT_TRUE(waitUntil([&] { return job.passes() >= 1; }));
    // A row that expires after the first pass is removed by a later one.
    inboxRows(3, 8 * 24h);
    EXPECT_TRUE(waitUntil([&] { return count("SELECT count(*) FROM inbox") == 0; }));
    job.stop();
}

}  // namespace
}  // namespace shop::testing
