#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "pg_test_support.hpp"
#include "shop/pg/pool.hpp"
#include "shop/testing/env.hpp"

using shop::pg::Pool;
using shop::pgtest::PgTest;
namespace pg = shop::pg;
using namespace std::chrono_literals;

TEST_F(PgTest, PoolOpensLazilyAndReusesConnections) {
    Pool pool(url(), 2, 5s, "pg-it-pool");
    auto stats = pool.stats();
    EXPECT_EQ(stats.size, 2u);
    EXPECT_EQ(stats.inUse, 0u);
    EXPECT_EQ(stats.idle, 0u);

    int firstPid = 0;
    {
        Pool::Lease lease = pool.acquire();
        firstPid = lease->backendPid();
        EXPECT_EQ(pool.stats().inUse, 1u);
        EXPECT_EQ(lease->exec("SELECT current_setting('application_name')").str(0, 0),
                  "pg-it-pool");
    }
    stats = pool.stats();
    EXPECT_EQ(stats.inUse, 0u);
    EXPECT_EQ(stats.idle, 1u);

    Pool::Lease again = pool.acquire();
    EXPECT_EQ(again->backendPid(), firstPid);
    Pool::Lease second = pool.acquire();
    EXPECT_NE(second->backendPid(), firstPid);
    EXPECT_EQ(pool.stats().inUse, 2u);

    // Moving a lease moves the ownership, not the count.
    Pool::Lease moved = std::move(second);
    EXPECT_EQ(pool.stats().inUse, 2u);
    EXPECT_EQ(moved->exec("SELECT 1").int64(0, 0), 1);
    again = std::move(moved);  // gives the first connection back
    EXPECT_EQ(pool.stats().inUse, 1u);
    EXPECT_TRUE(pool.ping());
}

TEST_F(PgTest, WarmOpensConnectionsAheadOfTheFirstAcquire) {
    Pool pool(url(), 3, 5s, "pg-it-warm");
    Pool::Lease held = pool.acquire();  // one already open: warm() counts it
    const int heldPid = held->backendPid();
    const auto warmed = pool.warm(10);  // more than the size: stops at the size
    EXPECT_EQ(warmed.opened, 2u);
    EXPECT_EQ(warmed.error, "");
    auto stats = pool.stats();
    EXPECT_EQ(stats.inUse, 1u);
    EXPECT_EQ(stats.idle, 2u);
    // The warmed connections are the ones leased next, and none is opened on demand.
    std::vector<int> pids;
    {
        Pool::Lease a = pool.acquire();
        Pool::Lease b = pool.acquire();
        pids = {a->backendPid(), b->backendPid()};
        EXPECT_EQ(pool.stats().idle, 0u);
        EXPECT_THROW(pool.acquire(100ms), pg::PoolTimeout);  // all three are open and leased
    }
    EXPECT_NE(pids[0], pids[1]);
    EXPECT_NE(pids[0], heldPid);
    EXPECT_NE(pids[1], heldPid);
    EXPECT_EQ(pool.warm(3).opened, 0u);  // already warm

    std::stop_source stopped;
    stopped.request_stop();
    Pool other(url(), 2, 5s, "pg-it-warm");
    EXPECT_EQ(other.warm(2, stopped.get_token()).opened, 0u);
    EXPECT_EQ(other.stats().idle, 0u);
}

TEST(PgPool, WarmStopsAtTheFirstConnectionThatFails) {
    Pool pool("postgresql://nobody:PoolSecret@127.0.0.1:1/none", 4, 500ms, "pg-it");
    const auto warmed = pool.warm(4);
    EXPECT_EQ(warmed.opened, 0u);
    EXPECT_NE(warmed.error, "");
    EXPECT_EQ(warmed.error.find("PoolSecret"), std::string::npos);
    const auto stats = pool.stats();
    EXPECT_EQ(stats.idle, 0u);
    EXPECT_EQ(stats.inUse, 0u);
    // Its slots were given back: acquire() still tries (and fails) rather than waiting for them.
    EXPECT_THROW(pool.acquire(), pg::ConnectionLost);
}

TEST(PgPool, StartsWhileTheDatabaseIsDown) {
    Pool pool("postgresql://nobody:PoolSecret@127.0.0.1:1/none", 2, 500ms, "pg-it");
    EXPECT_FALSE(pool.ping());
    try {
        Pool::Lease lease = pool.acquire();
        ADD_FAILURE() << "acquire succeeded without a server";
    } catch (const pg::ConnectionLost& error) {
        EXPECT_EQ(std::string(error.what()).find("PoolSecret"), std::string::npos);
    }
    const auto stats = pool.stats();
    EXPECT_EQ(stats.inUse, 0u);
    EXPECT_EQ(stats.idle, 0u);
    EXPECT_THROW(Pool("postgresql://x@127.0.0.1:1/x", 0, 1s, "x"), std::invalid_argument);
}

TEST_F(PgTest, ExhaustedPoolTimesOut) {
    Pool pool(url(), 1, 300ms, "pg-it");
    Pool::Lease held = pool.acquire();
    auto attempt = std::async(std::launch::async, [&] {
        const auto start = std::chrono::steady_clock::now();
        try {
            Pool::Lease lease = pool.acquire();
        } catch (const pg::PoolTimeout& timeout) {
            EXPECT_TRUE(pg::isTransient(timeout));
            return std::chrono::steady_clock::now() - start;
        }
        ADD_FAILURE() << "acquire did not time out";
        return std::chrono::steady_clock::duration::zero();
    });
    const auto waited = attempt.get();
    EXPECT_GE(waited, 300ms);
    EXPECT_LT(waited, 5s);
    EXPECT_EQ(pool.stats().waiting, 0u);
    EXPECT_EQ(held->exec("SELECT 1").int64(0, 0), 1);
}

TEST_F(PgTest, WaitingAcquireGetsTheReleasedConnection) {
    Pool pool(url(), 1, 30s, "pg-it");
    std::optional<Pool::Lease> held(pool.acquire());
    const int pid = (*held)->backendPid();
    auto waiter = std::async(std::launch::async, [&] {
        Pool::Lease lease = pool.acquire();
        return lease->backendPid();
    });
    ASSERT_TRUE(shop::testing::waitUntil([&] { return pool.stats().waiting == 1; }));
    held.reset();
    EXPECT_EQ(waiter.get(), pid);
    EXPECT_EQ(pool.stats().idle, 1u);
}

TEST_F(PgTest, PoolReconnectsAfterALostConnection) {
    Pool pool(url(), 1, 5s, "pg-it");
    int oldPid = 0;
    {
        Pool::Lease lease = pool.acquire();
        oldPid = lease->backendPid();
        terminate(oldPid);
        EXPECT_THROW(lease->exec("SELECT 1"), pg::ConnectionLost);
        EXPECT_FALSE(lease->healthy());
    }
    EXPECT_EQ(pool.stats().idle, 0u);  // the broken one was closed, not kept
    Pool::Lease fresh = pool.acquire();
    EXPECT_NE(fresh->backendPid(), oldPid);
    EXPECT_EQ(fresh->exec("SELECT $1::int", 7).int64(0, 0), 7);
}

// A server a failover demoted answers writes with 25006 (read-only transaction) on a session that
// still looks fine: the pool must drop it, so the next acquire reconnects (to the new primary,
// with a multi-host URL). A read-only session stands in for the demoted server.
TEST_F(PgTest, PoolDropsASessionWhoseServerTurnedReadOnly) {
    Pool pool(url(), 1, 5s, "pg-it");
    int oldPid = 0;
    {
        Pool::Lease lease = pool.acquire();
        oldPid = lease->backendPid();
        lease->exec("SET default_transaction_read_only = on");
        try {
            lease->exec("CREATE TABLE read_only_probe (id int)");
            ADD_FAILURE() << "a write in a read-only session succeeded";
        } catch (const pg::ConnectionLost& lost) {
            EXPECT_EQ(lost.sqlstate(), "25006");
            EXPECT_TRUE(pg::isTransient(lost));
        }
        EXPECT_FALSE(lease->healthy());
    }
    EXPECT_EQ(pool.stats().idle, 0u);
    Pool::Lease fresh = pool.acquire();
    EXPECT_NE(fresh->backendPid(), oldPid);
    fresh->exec("CREATE TEMP TABLE read_only_probe (id int)");
}

TEST_F(PgTest, PoolReplacesAConnectionThatDiedWhileIdle) {
    Pool pool(url(), 1, 5s, "pg-it");
    int oldPid = 0;
    {
        Pool::Lease lease = pool.acquire();
        oldPid = lease->backendPid();
    }
    terminate(oldPid);
    EXPECT_TRUE(pool.ping());
    Pool::Lease lease = pool.acquire();
    EXPECT_NE(lease->backendPid(), oldPid);
}

TEST_F(PgTest, PoolClosesConnectionsLeftInATransactionOrListening) {
    Pool pool(url(), 2, 5s, "pg-it");
    {
        Pool::Lease lease = pool.acquire();
        lease->exec("BEGIN");
    }
    EXPECT_EQ(pool.stats().idle, 0u);
    {
        Pool::Lease lease = pool.acquire();
        lease->listen("pool_" + shop::testing::uniqueSuffix());
    }
    EXPECT_EQ(pool.stats().idle, 0u);
    {
        Pool::Lease lease = pool.acquire();
        lease->exec("SELECT 1");
    }
    EXPECT_EQ(pool.stats().idle, 1u);
}

TEST_F(PgTest, PoolIsThreadSafe) {
    constexpr std::size_t kSize = 3;
    Pool pool(url(), kSize, 30s, "pg-it");
    std::atomic<int> failures{0};
    std::atomic<std::size_t> maxInUse{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 40; ++i) {
                try {
                    Pool::Lease lease = pool.acquire();
                    const std::size_t inUse = pool.stats().inUse;
                    std::size_t seen = maxInUse.load();
                    while (inUse > seen && !maxInUse.compare_exchange_weak(seen, inUse)) {
                    }
                    if (lease->exec("SELECT $1::int", t * 1000 + i).int64(0, 0) != t * 1000 + i) {
                        ++failures;
                    }
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    EXPECT_LE(maxInUse.load(), kSize);
    const auto stats = pool.stats();
    EXPECT_EQ(stats.inUse, 0u);
    EXPECT_LE(stats.idle, kSize);
    EXPECT_EQ(stats.waiting, 0u);
}
