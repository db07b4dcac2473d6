// The services' database sessions (service::kDatabaseSessionOptions): each hot statement is
// planned once, as a generic plan, and no such plan reads a whole table or a whole index,
// although it was made from the statistics a vacuum leaves on empty tables (no pages, no rows),
// as after an autovacuum that emptied and truncated a busy outbox. (Issue 14: re-planning and
// full scans took 40 % of PostgreSQL's CPU at 1,100 orders/s; a plan made after such a vacuum
// walked the whole outbox index in every order's statement, the likely cause of 25 s stalls.)
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "migrated_schema.hpp"
#include "repository/orders_repository.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/doorbell.hpp"
#include "shop/service/service.hpp"
#include "workers/payment_requested_handler.hpp"
#include "workers/payment_result_handler.hpp"

namespace shop::testing {
namespace {

const std::string kUser = "00000000-0000-4000-8000-000000000001";

/// A statement the session prepared, the custom plans made for it, and its generic plan (the
/// lines of EXPLAIN).
struct Prepared {
    std::string statement;
    long customPlans = 0;
    std::vector<std::string> plan;
};

/// Every statement prepared on the pool's one open session (the tests use one at a time).
std::vector<Prepared> preparedOn(pg::Pool& pool) {
    auto lease = pool.acquire();
    pg::Connection& session = *lease;
    const auto listed = session.exec(
        "SELECT name, statement, custom_plans, cardinality(parameter_types) "
        "FROM pg_prepared_statements WHERE NOT from_sql ORDER BY name");
    std::vector<Prepared> out;
    for (int r = 0; r < listed.rows(); ++r) {
        Prepared one{listed.str(r, 1), listed.int64(r, 2), {}};
        std::string nulls;
        for (long i = 0; i < listed.int64(r, 3); ++i) {
            nulls += i == 0 ? "NULL" : ", NULL";
        }
        // Without ANALYZE nothing runs; any parameter values show the generic plan.
        const auto plan =
            session.exec("EXPLAIN (COSTS OFF) EXECUTE " + listed.str(r, 0) + "(" + nulls + ")");
        for (int line = 0; line < plan.rows(); ++line) {
            one.plan.push_back(plan.str(line, 0));
        }
        out.push_back(std::move(one));
    }
    return out;
}

/// The scans of a plan (the lines of EXPLAIN) that read a whole table or a whole index:
/// sequential scans, and index scans without an index condition.
std::vector<std::string> fullScans(const std::vector<std::string>& lines) {
    const auto indent = [](const std::string& line) { return line.find_first_not_of(' '); };
    std::vector<std::string> full;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& node = lines[i];
        if (node.find("Seq Scan") != std::string::npos) {
            full.push_back(node);
            continue;
        }
        if (node.find("Index Scan using") == std::string::npos &&
            node.find("Index Only Scan using") == std::string::npos &&
            node.find("Index Scan Backward using") == std::string::npos) {
            continue;
        }
        // The node's own properties come next, indented deeper, before any child node.
        bool conditioned = false;
        for (std::size_t j = i + 1; j < lines.size(); ++j) {
            if (indent(lines[j]) <= indent(node) || lines[j].find("->") != std::string::npos) {
                break;
            }
            conditioned = conditioned || lines[j].find("Index Cond:") != std::string::npos;
        }
        if (!conditioned) {
            full.push_back(node);
        }
    }
    return full;
}

/// Gives every table of the schema the statistics a vacuum leaves on an empty table: no pages,
/// no rows. The generic plans made next are made from them.
void vacuumEmptyTables(MigratedSchema& schema) {
    pg::Connection session(schema.url());
    const auto tables =
        session.exec("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
    for (int r = 0; r < tables.rows(); ++r) {
        session.exec("VACUUM ANALYZE " + tables.str(r, 0));
    }
    const auto stats = session.exec(
        "SELECT count(*) FROM pg_class WHERE relname = 'outbox' "
        "AND relnamespace = current_schema()::regnamespace AND relpages = 0 AND reltuples = 0");
    ASSERT_EQ(stats.str(0, 0), "1") << "the outbox has no statistics of an empty table";
}

/// Asserts that each statement starting with one of `hot` was prepared, never custom-planned,
/// and reads no whole table or index (fullScans()).
void expectPlannedOnceOnIndexes(pg::Pool& pool, const std::vector<std::string>& hot) {
    const auto prepared = preparedOn(pool);
    for (const auto& prefix : hot) {
        bool found = false;
        for (const auto& one : prepared) {
            if (one.statement.rfind(prefix, 0) != 0) {
                continue;
            }
            found = true;
            EXPECT_EQ(one.customPlans, 0) << one.statement;
            std::string plan;
            for (const auto& line : one.plan) {
                plan += line + "\n";
            }
            EXPECT_EQ(fullScans(one.plan), std::vector<std::string>{}) << one.statement << "\n"
                                                                       << plan;
        }
        EXPECT_TRUE(found) << "not prepared on the session: " << prefix;
    }
}

amqp::Delivery paymentResult(const std::string& orderId) {
    events::PaymentResult result;
    result.eventId = domain::newUuid();
    result.orderId = orderId;
    result.userId = kUser;
    result.outcome = events::PaymentOutcome::Succeeded;
    result.balanceAfter = 0;
    result.occurredAt = "2026-12-05T00:00:00Z";
    return delivery(domain::newUuid(), events::toJson(result));
}

amqp::Delivery paymentRequested(const std::string& orderId) {
    return delivery(domain::newUuid(),
                    events::toJson(events::PaymentRequested{domain::newUuid(), orderId, kUser, 10,
                                                            "2026-12-05T00:00:00Z", "a lamp"}));
}

/// A relay of this process, as in a service: writers hand it their rows, and their statements
/// delete the rows it published (the hot statements' shape).
struct RelayInProcess {
    explicit RelayInProcess(pg::Pool& pool)
        : handoff(std::chrono::seconds(10)), registration(keyOf(pool), handoff) {}
    static std::string keyOf(pg::Pool& pool) { return outbox::databaseKey(*pool.acquire()); }
    /// How many rows were handed over so far.
    std::size_t handed() {
        bool more = false;
        return handoff.take(1000, more).size();
    }

    outbox::Handoff handoff;
    outbox::RelayRegistration registration;
};

TEST(SessionPlans, OrdersPlansItsHotStatementsOnceOnIndexes) {
    MigratedSchema schema("orders", service::kDatabaseSessionOptions);
    vacuumEmptyTables(schema);
    RelayInProcess relay(schema.pool());

    std::vector<std::string> orderIds;
    for (int i = 0; i < 8; ++i) {
        const auto order =
            orders::orders_repository::newOrder(domain::newUuid(), kUser, 100, "a lamp");
        pg::Transaction tx(schema.pool());
        orders::orders_repository::placeAndCommit(
            tx, order,
            outbox::OutboxMessage{domain::newUuid(), "PaymentRequested", "payment.requested",
                                  order.orderId, "{}", ""});
        orderIds.push_back(order.orderId);
    }
    EXPECT_EQ(relay.handed(), 8u);
    const std::vector batch{paymentResult(orderIds[0]), paymentResult(orderIds[1]),
                            paymentResult(orderIds[2])};
    orders::handlePaymentResults(schema.pool(), batch);
    for (int i = 3; i < 8; ++i) {
        EXPECT_EQ(orders::handlePaymentResult(schema.pool(), paymentResult(orderIds[i])),
                  outbox::Disposition::Ack);
    }
    EXPECT_EQ(schema.rows("SELECT count(*) FROM orders WHERE status = 'FINISHED'"),
              std::vector<std::string>{"8"});
    EXPECT_EQ(relay.handed(), 8u);  // their status events
    expectPlannedOnceOnIndexes(schema.pool(),
                               {"WITH written AS (INSERT INTO orders", "WITH input AS",
                                "WITH claim AS (INSERT INTO inbox", "WITH gone AS (DELETE"});
}

TEST(SessionPlans, PaymentsPlansItsHotStatementsOnceOnIndexes) {
    MigratedSchema schema("payments", service::kDatabaseSessionOptions);
    vacuumEmptyTables(schema);
    RelayInProcess relay(schema.pool());
    schema.run("INSERT INTO accounts (user_id, balance) VALUES ('" + kUser + "', 1000)");
    const std::vector batch{paymentRequested(domain::newUuid()),
                            paymentRequested(domain::newUuid()),
                            paymentRequested(domain::newUuid())};
    payments::handlePaymentsRequested(schema.pool(), batch);
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(
            payments::handlePaymentRequested(schema.pool(), paymentRequested(domain::newUuid())),
            outbox::Disposition::Ack);
    }
    EXPECT_EQ(schema.rows("SELECT balance FROM accounts"), std::vector<std::string>{"910"});
    EXPECT_EQ(relay.handed(), 9u);  // the payment results
    expectPlannedOnceOnIndexes(
        schema.pool(), {"WITH input AS", "WITH debit AS", "WITH claim AS (INSERT INTO inbox",
                        "WITH gone AS (DELETE"});
}

}  // namespace
}  // namespace shop::testing
