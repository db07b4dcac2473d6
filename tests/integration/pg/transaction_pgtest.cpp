#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pg_test_support.hpp"
#include "shop/pg/transaction.hpp"
#include "shop/testing/env.hpp"

using shop::pg::Connection;
using shop::pg::Pool;
using shop::pg::Transaction;
using shop::pgtest::PgTest;
namespace pg = shop::pg;
using namespace std::chrono_literals;

namespace {

std::int64_t countRows(Connection& conn, const std::string& table) {
    return conn.exec("SELECT count(*) FROM " + table).int64(0, 0);
}

}  // namespace

TEST_F(PgTest, TransactionRollsBackUnlessCommitted) {
    Connection conn = connect();
    conn.exec("CREATE TABLE notes (body text NOT NULL)");
    Pool pool(url(), 1, 5s, "pg-it");
    {
        Transaction tx(pool);
        tx.exec("INSERT INTO notes VALUES ($1)", "forgotten");
        EXPECT_EQ(tx.exec("SELECT count(*) FROM notes").int64(0, 0), 1);
    }
    EXPECT_EQ(countRows(conn, "notes"), 0);
    {
        Transaction tx(pool);
        tx.exec("INSERT INTO notes VALUES ($1)", "kept");
        tx.commit();
        EXPECT_FALSE(tx.open());
        EXPECT_THROW(tx.exec("SELECT 1"), pg::Error);
    }
    EXPECT_EQ(countRows(conn, "notes"), 1);
    {
        Transaction tx(conn);
        tx.exec("INSERT INTO notes VALUES ($1)", "undone");
        tx.rollback();
        EXPECT_FALSE(tx.open());
    }
    EXPECT_EQ(countRows(conn, "notes"), 1);
    EXPECT_FALSE(conn.inTransaction());
    EXPECT_EQ(pool.stats().idle, 1u);  // the leased connection came back clean
}

TEST_F(PgTest, AbortedTransactionRefusesFurtherWork) {
    Connection conn = connect();
    conn.exec("CREATE TABLE uniq (k text PRIMARY KEY)");
    Pool pool(url(), 1, 5s, "pg-it");
    {
        Transaction tx(pool);
        tx.exec("INSERT INTO uniq VALUES ($1)", "a");
        EXPECT_THROW(tx.exec("INSERT INTO uniq VALUES ($1)", "a"), pg::UniqueViolation);
        EXPECT_TRUE(tx.open());
        try {
            tx.exec("INSERT INTO uniq VALUES ($1)", "b");
            ADD_FAILURE() << "exec in an aborted transaction succeeded";
        } catch (const pg::Error& error) {
            EXPECT_EQ(error.sqlstate(), "25P02");
        }
        try {
            tx.commit();
            ADD_FAILURE() << "commit of an aborted transaction succeeded";
        } catch (const pg::Error& error) {
            EXPECT_EQ(error.sqlstate(), "25P02");
        }
    }
    EXPECT_EQ(countRows(conn, "uniq"), 0);
    EXPECT_EQ(pool.stats().idle, 1u);  // rolled back, so reusable
}

// A pooled transaction sends its BEGIN with its first statement (one round trip, libpq's
// pipeline mode). These check that it still is one transaction whatever the first statement is.
TEST_F(PgTest, PooledTransactionBeginsWithItsFirstStatement) {
    Connection conn = connect();
    conn.exec("CREATE TABLE ledger (n int NOT NULL)");
    Pool pool(url(), 1, 5s, "pg-it");
    const std::pair<pg::Isolation, const char*> levels[] = {
        {pg::Isolation::ReadCommitted, "read committed"},
        {pg::Isolation::RepeatableRead, "repeatable read"},
        {pg::Isolation::Serializable, "serializable"}};
    for (const auto& [level, isolation] : levels) {
        Transaction tx(pool, level);
        // With and without parameters (prepared, and not), first and second time (cached).
        EXPECT_EQ(tx.exec("SELECT current_setting('transaction_isolation')").str(0, 0), isolation);
        EXPECT_EQ(tx.exec("SELECT $1::int + 1", 1).int64(0, 0), 2);
        tx.commit();
    }
    for (int round = 0; round < 2; ++round) {
        Transaction tx(pool);
        tx.exec("INSERT INTO ledger VALUES ($1)", round);  // the first statement: rolled back
        EXPECT_TRUE(tx.connection().inTransaction());
    }
    EXPECT_EQ(countRows(conn, "ledger"), 0);
    {
        Transaction tx(pool);
        tx.exec("INSERT INTO ledger VALUES ($1)", 7);
        tx.commit();
    }
    EXPECT_EQ(countRows(conn, "ledger"), 1);
    EXPECT_EQ(pool.stats().idle, 1u);
}

TEST_F(PgTest, PooledTransactionWhoseFirstStatementFailsIsAbortedAndRolledBack) {
    Connection conn = connect();
    conn.exec("CREATE TABLE once (k text PRIMARY KEY)");
    conn.exec("INSERT INTO once VALUES ('a')");
    Pool pool(url(), 1, 5s, "pg-it");
    {
        Transaction tx(pool);
        EXPECT_THROW(tx.exec("INSERT INTO once VALUES ($1)", "a"), pg::UniqueViolation);
        try {
            tx.exec("INSERT INTO once VALUES ($1)", "b");
            ADD_FAILURE() << "exec after a failed first statement succeeded";
        } catch (const pg::Error& error) {
            EXPECT_EQ(error.sqlstate(), "25P02");
        }
    }
    {
        // Refused before anything is sent (it does not even parse): nothing to roll back.
        Transaction tx(pool);
        EXPECT_THROW(tx.exec("INSERT INTO nowhere VALUES ($1)", 1), pg::Error);
        EXPECT_FALSE(tx.connection().inTransaction());
    }
    {
        Transaction tx(pool);
        EXPECT_FALSE(tx.connection().inTransaction());  // clean, and BEGIN not sent yet
        tx.exec("INSERT INTO once VALUES ($1)", "c");
        tx.commit();
    }
    EXPECT_EQ(conn.exec("SELECT string_agg(k, ',' ORDER BY k) FROM once").str(0, 0), "a,c");
    EXPECT_EQ(pool.stats().idle, 1u);
}

TEST_F(PgTest, PooledTransactionPreparesAgainAfterItsStatementWasDropped) {
    Pool pool(url(), 1, 5s, "pg-it");
    {
        Transaction tx(pool);
        EXPECT_EQ(tx.exec("SELECT $1::int * 2", 21).int64(0, 0), 42);
        tx.exec("DEALLOCATE ALL");  // behind the cache's back
        tx.commit();
    }
    {
        // The first statement of the next transaction meets the dropped name: that transaction
        // fails (it is already begun), the next one prepares afresh.
        Transaction tx(pool);
        try {
            tx.exec("SELECT $1::int * 2", 1);
            ADD_FAILURE() << "a dropped prepared statement ran";
        } catch (const pg::Error& error) {
            EXPECT_EQ(error.sqlstate(), "26000");
        }
    }
    Transaction tx(pool);
    EXPECT_EQ(tx.exec("SELECT $1::int * 2", 4).int64(0, 0), 8);
    tx.commit();
}

TEST_F(PgTest, PooledTransactionWithoutStatementsNeedsNoServer) {
    {
        // Its session is gone, and committing nothing still succeeds: nothing was ever sent.
        Pool lonely(url(), 1, 5s, "pg-it");
        Transaction tx(lonely);
        terminate(tx.connection().backendPid());
        EXPECT_NO_THROW(tx.commit());
        EXPECT_FALSE(tx.open());
    }
    Pool pool(url(), 1, 5s, "pg-it");
    int pid = 0;
    {
        Transaction tx(pool);
        pid = tx.connection().backendPid();
        tx.commit();
        EXPECT_FALSE(tx.open());
    }
    {
        // The session dies while the transaction holds the connection, before any statement:
        // the first statement says so, and the pool does not take the connection back.
        Transaction tx(pool);
        ASSERT_EQ(tx.connection().backendPid(), pid);
        terminate(pid);
        EXPECT_THROW(tx.exec("SELECT $1::int", 1), pg::ConnectionLost);
        EXPECT_FALSE(tx.connection().healthy());
    }
    Transaction tx(pool);
    EXPECT_NE(tx.connection().backendPid(), pid);
    EXPECT_EQ(tx.exec("SELECT 1").int64(0, 0), 1);
    tx.commit();
}

TEST_F(PgTest, CommitWithRunsTheLastStatementAndCommits) {
    Connection conn = connect();
    conn.exec("CREATE TABLE tail (k text PRIMARY KEY)");
    Pool pool(url(), 1, 5s, "pg-it");
    for (const bool earlier : {false, true}) {
        // As the only statement (BEGIN, it and COMMIT together) and after another one.
        Transaction tx(pool);
        if (earlier) {
            tx.exec("INSERT INTO tail VALUES ($1)", "first");
        }
        bool ran = false;
        tx.afterCommit([&] { ran = true; });
        const auto result =
            tx.commitWith("INSERT INTO tail VALUES ($1) RETURNING k", earlier ? "b" : "a");
        EXPECT_EQ(result.str(0, 0), earlier ? "b" : "a");
        EXPECT_FALSE(tx.open());
        EXPECT_TRUE(ran);
        EXPECT_FALSE(tx.connection().inTransaction());
    }
    EXPECT_EQ(conn.exec("SELECT string_agg(k, ',' ORDER BY k) FROM tail").str(0, 0), "a,b,first");
    EXPECT_EQ(pool.stats().idle, 1u);
}

TEST_F(PgTest, CommitWithAFailingStatementCommitsNothing) {
    Connection conn = connect();
    conn.exec("CREATE TABLE tail (k text PRIMARY KEY)");
    conn.exec("INSERT INTO tail VALUES ('taken')");
    Pool pool(url(), 1, 5s, "pg-it");
    {
        Transaction tx(pool);
        tx.exec("INSERT INTO tail VALUES ($1)", "lost");
        bool ran = false;
        tx.afterCommit([&] { ran = true; });
        EXPECT_THROW(tx.commitWith("INSERT INTO tail VALUES ($1)", "taken"), pg::UniqueViolation);
        EXPECT_FALSE(ran);
        EXPECT_TRUE(tx.open()) << "aborted, waiting for its rollback";
        try {
            tx.commit();
            ADD_FAILURE() << "committed after its last statement failed";
        } catch (const pg::Error& error) {
            EXPECT_EQ(error.sqlstate(), "25P02");
        }
    }
    {
        // The COMMIT itself fails: a deferred constraint is checked there.
        conn.exec(
            "CREATE TABLE deferred (k int, CONSTRAINT deferred_k UNIQUE (k) DEFERRABLE INITIALLY "
            "DEFERRED)");
        Transaction tx(pool);
        tx.exec("INSERT INTO deferred VALUES ($1)", 1);
        EXPECT_THROW(tx.commitWith("INSERT INTO deferred VALUES ($1)", 1), pg::UniqueViolation);
        EXPECT_FALSE(tx.open()) << "a failed COMMIT ends the transaction";
        EXPECT_FALSE(tx.connection().inTransaction());
    }
    EXPECT_EQ(countRows(conn, "tail"), 1);
    EXPECT_EQ(countRows(conn, "deferred"), 0);
    Transaction tx(pool);  // the connection went back clean
    tx.commitWith("INSERT INTO tail VALUES ($1)", "next");
    EXPECT_EQ(countRows(conn, "tail"), 2);
}

TEST_F(PgTest, ConnectionLostDuringCommitWithIsCommitInDoubt) {
    Connection conn = connect();
    conn.exec("CREATE TABLE doubt (n int)");
    Transaction tx(conn);
    tx.exec("INSERT INTO doubt VALUES ($1)", 1);
    terminate(conn.backendPid());
    EXPECT_THROW(tx.commitWith("INSERT INTO doubt VALUES ($1)", 2), pg::CommitInDoubt);
    EXPECT_FALSE(tx.open());
    EXPECT_EQ(countRows(admin(), schema() + ".doubt"), 0);
}

TEST_F(PgTest, ConnectionLostBeforeThePipelineLeavesIsNotInDoubt) {
    Connection conn = connect();
    conn.exec("CREATE TABLE doubt (n int)");
    Transaction tx(conn);  // its BEGIN waits to go with the first statement
    terminate(conn.backendPid());
    // The statement is new to this connection: it is prepared first, in a round trip of its own,
    // which fails before anything of the transaction (its BEGIN, the INSERT, the COMMIT) is sent.
    EXPECT_THROW(tx.commitWith("INSERT INTO doubt VALUES ($1)", 2), pg::ConnectionLost);
    EXPECT_FALSE(tx.open());
    EXPECT_EQ(countRows(admin(), schema() + ".doubt"), 0);
}

TEST_F(PgTest, TransactionRefusesToNest) {
    Connection conn = connect();
    Transaction outer(conn);
    try {
        Transaction inner(conn);
        ADD_FAILURE() << "nested transaction began";
    } catch (const pg::Error& error) {
        EXPECT_EQ(error.sqlstate(), "25001");
    }
    EXPECT_EQ(outer.exec("SELECT 1").int64(0, 0), 1);
    outer.commit();
}

TEST_F(PgTest, TransactionIsolationLevels) {
    Connection conn = connect();
    {
        Transaction tx(conn);
        EXPECT_EQ(tx.exec("SELECT current_setting('transaction_isolation')").str(0, 0),
                  "read committed");
    }
    {
        Transaction tx(conn, pg::Isolation::RepeatableRead);
        EXPECT_EQ(tx.exec("SELECT current_setting('transaction_isolation')").str(0, 0),
                  "repeatable read");
    }
    {
        Transaction tx(conn, pg::Isolation::Serializable);
        EXPECT_EQ(tx.exec("SELECT current_setting('transaction_isolation')").str(0, 0),
                  "serializable");
    }
}

TEST_F(PgTest, ConcurrentUpdateIsSerializationFailure) {
    Connection a = connect();
    Connection b = connect();
    a.exec("CREATE TABLE balances (id int PRIMARY KEY, amount bigint NOT NULL)");
    a.exec("INSERT INTO balances VALUES ($1, $2)", 1, 100);

    Transaction first(a, pg::Isolation::RepeatableRead);
    EXPECT_EQ(first.exec("SELECT amount FROM balances WHERE id = $1", 1).int64(0, 0), 100);
    {
        Transaction second(b);
        second.exec("UPDATE balances SET amount = amount - $1 WHERE id = $2", 30, 1);
        second.commit();
    }
    try {
        first.exec("UPDATE balances SET amount = amount - $1 WHERE id = $2", 50, 1);
        ADD_FAILURE() << "lost update was allowed";
    } catch (const pg::SerializationFailure& error) {
        EXPECT_EQ(error.sqlstate(), "40001");
        EXPECT_TRUE(pg::isTransient(error));
    }
}

TEST_F(PgTest, DeadlockIsDetected) {
    Connection a = connect();
    Connection b = connect();
    a.execScript(
        "CREATE TABLE locks (id int PRIMARY KEY, n int); INSERT INTO locks VALUES (1, 0), (2, 0);");
    a.exec("SET deadlock_timeout = '100ms'");
    b.exec("SET deadlock_timeout = '100ms'");

    std::optional<Transaction> first(std::in_place, a);
    std::optional<Transaction> second(std::in_place, b);
    first->exec("UPDATE locks SET n = n + 1 WHERE id = $1", 1);
    second->exec("UPDATE locks SET n = n + 1 WHERE id = $1", 2);

    std::atomic<bool> firstDeadlocked{false};
    std::thread blocked([&] {
        try {
            first->exec("UPDATE locks SET n = n + 1 WHERE id = $1", 2);
        } catch (const pg::DeadlockDetected&) {
            firstDeadlocked = true;
        } catch (const std::exception& error) {
            ADD_FAILURE() << "unexpected: " << error.what();
        }
        first.reset();  // releases its locks either way
    });
    const int firstPid = a.backendPid();
    ASSERT_TRUE(shop::testing::waitUntil([&] {
        return admin()
                   .exec(
                       "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND "
                       "wait_event_type = 'Lock'",
                       firstPid)
                   .int64(0, 0) == 1;
    }));
    bool secondDeadlocked = false;
    try {
        second->exec("UPDATE locks SET n = n + 1 WHERE id = $1", 1);
    } catch (const pg::DeadlockDetected& error) {
        secondDeadlocked = true;
        EXPECT_TRUE(pg::isTransient(error));
    }
    second.reset();
    blocked.join();
    EXPECT_NE(firstDeadlocked.load(), secondDeadlocked) << "exactly one side is the victim";
}

TEST_F(PgTest, ConnectionLostBeforeCommitIsCommitInDoubt) {
    Connection conn = connect();
    conn.exec("CREATE TABLE doubt (n int)");
    Transaction tx(conn);
    tx.exec("INSERT INTO doubt VALUES ($1)", 1);
    terminate(conn.backendPid());
    try {
        tx.commit();
        ADD_FAILURE() << "commit succeeded on a dead connection";
    } catch (const pg::CommitInDoubt& error) {
        EXPECT_FALSE(pg::isTransient(error));
    }
    EXPECT_FALSE(tx.open());
    EXPECT_FALSE(conn.healthy());
    EXPECT_EQ(countRows(admin(), schema() + ".doubt"), 0);  // this time it was not committed
}

TEST_F(PgTest, ConnectionLostInsideTransactionAbortsIt) {
    Connection conn = connect();
    Transaction tx(conn);
    terminate(conn.backendPid());
    EXPECT_THROW(tx.exec("SELECT 1"), pg::ConnectionLost);
    try {
        tx.exec("SELECT 1");
        ADD_FAILURE() << "exec after connection loss succeeded";
    } catch (const pg::Error& error) {
        EXPECT_EQ(error.sqlstate(), "25P02");
    }
}

TEST_F(PgTest, NotifyInRolledBackTransactionIsNeverDelivered) {
    Connection listener = connect();
    Connection sender = connect();
    const std::string channel = "tx_" + shop::testing::uniqueSuffix();
    listener.listen(channel);
    {
        Transaction tx(sender);
        tx.exec("SELECT pg_notify($1, $2)", channel, "rolled-back");
    }
    {
        Transaction tx(sender);
        sender.notify(channel, "committed");
        // Nothing is delivered before the commit.
        EXPECT_TRUE(listener.waitForNotifications(0ms).empty());
        tx.commit();
    }
    // Notifications arrive in commit order: once "committed" is here, nothing else can come.
    std::vector<std::string> payloads;
    ASSERT_TRUE(shop::testing::waitUntil([&] {
        for (const auto& n : listener.waitForNotifications(100ms)) {
            payloads.push_back(n.payload);
        }
        return !payloads.empty() && payloads.back() == "committed";
    }));
    EXPECT_EQ(payloads, std::vector<std::string>{"committed"});
}
