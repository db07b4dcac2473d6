// The consumers' set-based batches (issue 14): a batch handled by handlePaymentsRequested or
// handlePaymentResults has exactly the effects of its deliveries handled one by one, in order,
// by the single-delivery handlers, and says so with the same dispositions. Each side runs on its
// own schema with the service's real migrations.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "migrated_schema.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/pg/connection.hpp"
#include "shop/pg/errors.hpp"
#include "shop/pg/migrate.hpp"
#include "shop/pg/pool.hpp"
#include "shop/pg/transaction.hpp"
#include "shop/testing/env.hpp"
#include "workers/payment_requested_handler.hpp"
#include "workers/payment_result_handler.hpp"

namespace shop::testing {
namespace {

amqp::Delivery paymentRequested(const std::string& messageId, const std::string& orderId,
                                const std::string& userId, domain::Minor amount) {
    return delivery(messageId, events::toJson(events::PaymentRequested{
                                   domain::newUuid(), orderId, userId, amount,
                                   "2026-12-05T00:00:00Z", "a lamp"}));
}

amqp::Delivery paymentResult(const std::string& messageId, const std::string& orderId,
                             std::optional<domain::FailureReason> failure) {
    events::PaymentResult result;
    result.eventId = domain::newUuid();
    result.orderId = orderId;
    result.userId = "00000000-0000-4000-8000-00000000000a";
    result.outcome = failure ? events::PaymentOutcome::Failed : events::PaymentOutcome::Succeeded;
    result.failureReason = failure;
    result.balanceAfter = failure ? std::nullopt : std::optional<domain::Minor>(0);
    result.occurredAt = "2026-12-05T00:00:00Z";
    return delivery(messageId, events::toJson(result));
}

/// The deliveries handled one by one, each in its own transaction, by a single-delivery handler.
std::vector<outbox::Disposition> eachAlone(outbox::Disposition (*handle)(pg::Pool&,
                                                                         const amqp::Delivery&),
                                           pg::Pool& pool,
                                           const std::vector<amqp::Delivery>& deliveries) {
    std::vector<outbox::Disposition> dispositions;
    for (const auto& one : deliveries) {
        dispositions.push_back(handle(pool, one));
    }
    return dispositions;
}

/// The outbox as the relay would publish it, without what differs by construction (event ids
/// and times): correlation id, routing key, request id, and the payload's decisive fields.
const char* const kOutboxSql =
    "SELECT correlation_id, routing_key, request_id, payload::jsonb - 'event_id' - 'occurred_at' - "
    "'created_at' "
    "FROM outbox ORDER BY seq";

const std::string kUser1 = "00000000-0000-4000-8000-000000000001";
const std::string kUser2 = "00000000-0000-4000-8000-000000000002";
const std::string kNoAccount = "00000000-0000-4000-8000-000000000003";

std::string order(int n) {
    char id[40];
    std::snprintf(id, sizeof id, "10000000-0000-4000-8000-%012d", n);
    return id;
}

TEST(PaymentsBatch, ABatchHasTheEffectsOfItsDeliveriesOneByOne) {
    MigratedSchema batched("payments"), single("payments");
    const std::string seed =
        "INSERT INTO accounts (user_id, balance) VALUES ('" + kUser1 + "', 1000), ('" + kUser2 +
        "', 150);"
        "INSERT INTO payments (order_id, user_id, amount, outcome, balance_after) VALUES ('" +
        order(99) + "', '" + kUser1 +
        "', 5, 'SUCCEEDED', 0);"
        "INSERT INTO inbox (consumer, message_id) VALUES ('payments.payment-requested', 'm-seen');";
    batched.run(seed);
    single.run(seed);

    const std::vector<amqp::Delivery> deliveries{
        paymentRequested("m1", order(1), kUser1, 300),
        paymentRequested("m2", order(2), kUser2, 200),  // more than user 2 has
        paymentRequested("m3", order(3), kUser1, 500),
        paymentRequested("m4", order(4), kUser1, 400),     // 200 left: refused
        paymentRequested("m1", order(1), kUser1, 300),     // the same message again
        paymentRequested("m5", order(5), kUser1, 100),     // fits in what is left
        paymentRequested("m6", order(6), kNoAccount, 50),  // no account
        paymentRequested("m7", order(99), kUser1, 5),      // an order paid before
        paymentRequested("m-seen", order(8), kUser2, 10),  // a message handled before
        paymentRequested("m9", order(3), kUser1, 500),     // order 3 again, another message
        paymentRequested("m10", order(10), kUser2, 150),   // all user 2 has
    };

    const auto dispositions = payments::handlePaymentsRequested(batched.pool(), deliveries);
    const auto oneByOne = eachAlone(payments::handlePaymentRequested, single.pool(), deliveries);

    using D = outbox::Disposition;
    EXPECT_EQ(dispositions, oneByOne);
    EXPECT_EQ(dispositions,
              (std::vector<D>{D::Ack, D::Ack, D::Ack, D::Ack, D::Duplicate, D::Ack, D::Ack,
                              D::Duplicate, D::Duplicate, D::Duplicate, D::Ack}));
    const char* const balances = "SELECT user_id, balance FROM accounts ORDER BY user_id";
    EXPECT_EQ(batched.rows(balances), single.rows(balances));
    EXPECT_EQ(batched.rows(balances), (std::vector<std::string>{kUser1 + "|100", kUser2 + "|0"}));
    const char* const ledger =
        "SELECT user_id, kind, amount, order_id FROM ledger WHERE kind = 'DEBIT' ORDER BY id";
    EXPECT_EQ(batched.rows(ledger), single.rows(ledger));
    EXPECT_EQ(batched.rows(ledger).size(), 4u);
    const char* const payments =
        "SELECT order_id, user_id, amount, outcome, failure_reason, balance_after FROM payments "
        "ORDER BY order_id";
    EXPECT_EQ(batched.rows(payments), single.rows(payments));
    EXPECT_EQ(batched.rows(kOutboxSql), single.rows(kOutboxSql));
    EXPECT_EQ(batched.rows(kOutboxSql).size(), 7u);
    const char* const inbox = "SELECT message_id FROM inbox ORDER BY message_id";
    EXPECT_EQ(batched.rows(inbox), single.rows(inbox));
}

TEST(PaymentsBatch, AMalformedDeliveryAbandonsTheBatchHavingWrittenNothing) {
    MigratedSchema schema("payments");
    schema.run("INSERT INTO accounts (user_id, balance) VALUES ('" + kUser1 + "', 1000)");
    const std::vector<amqp::Delivery> deliveries{paymentRequested("m1", order(1), kUser1, 300),
                                                 delivery("m2", R"({"order_id": "nope"})")};
    EXPECT_THROW(payments::handlePaymentsRequested(schema.pool(), deliveries),
                 outbox::BatchAbandoned);
    EXPECT_EQ(schema.rows("SELECT count(*) FROM inbox"), std::vector<std::string>{"0"});
    EXPECT_EQ(schema.rows("SELECT balance FROM accounts"), std::vector<std::string>{"1000"});
}

TEST(PaymentsBatch, ConcurrentBatchesOverTheSameAccountsLoseNoDebitAndNeverDeadlock) {
    // The balances are decided in the client from what the first statement read, so the rows
    // must stay locked until the commit; two batches that list the same accounts backwards
    // then wait for each other rather than deadlock (which PostgreSQL would break by failing
    // one of them; the lock order itself is checked by the next test).
    MigratedSchema schema("payments");
    // Enough accounts that the planner looks each one up by its key, in the order of the batch,
    // rather than reading the whole (tiny) table in its physical order.
    schema.run(
        "INSERT INTO accounts (user_id, balance) SELECT ('20000000-0000-4000-8000-' || "
        "lpad(n::text, 12, '0'))::uuid, 1000000 FROM generate_series(0, 19999) AS n; "
        "ANALYZE accounts");
    std::vector<std::string> users;
    for (int i = 0; i < 6; ++i) {
        users.push_back("20000000-0000-4000-8000-00000000000" + std::to_string(i));
    }
    std::atomic<int> failures{0};
    std::atomic<int> next{0};
    auto worker = [&](bool reversed) {
        for (int round = 0; round < 60; ++round) {
            std::vector<amqp::Delivery> batch;
            for (int i = 0; i < 6; ++i) {
                const int n = next.fetch_add(1);
                const auto& user = users[static_cast<std::size_t>(reversed ? 5 - i : i)];
                batch.push_back(
                    paymentRequested("d" + std::to_string(n), order(1000 + n), user, 1));
            }
            try {
                payments::handlePaymentsRequested(schema.pool(), batch);
            } catch (const std::exception& error) {
                ADD_FAILURE() << error.what();
                ++failures;
            }
        }
    };
    std::thread forward(worker, false), backward(worker, true);
    forward.join();
    backward.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(schema.rows("SELECT count(*), sum(1000000 - balance) FROM accounts "
                          "WHERE balance < 1000000"),
              std::vector<std::string>{"6|720"});
}

TEST(PaymentsBatch, ABatchLocksItsAccountsInUserIdOrderWhateverTheOrderOfItsDeliveries) {
    MigratedSchema schema("payments");
    const std::string low = "30000000-0000-4000-8000-000000000001";
    const std::string middle = "30000000-0000-4000-8000-000000000002";
    const std::string high = "30000000-0000-4000-8000-000000000003";
    schema.run("INSERT INTO accounts (user_id, balance) VALUES ('" + low + "', 100), ('" + middle +
               "', 100), ('" + high + "', 100)");
    pg::Connection holder(schema.url());
    holder.exec("BEGIN");
    holder.exec("SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE", high);

    // The batch names the highest account first; it must lock the two others before it waits.
    const std::vector<amqp::Delivery> batch{paymentRequested("m1", order(1), high, 10),
                                            paymentRequested("m2", order(2), middle, 10),
                                            paymentRequested("m3", order(3), low, 10)};
    std::thread handler([&] { payments::handlePaymentsRequested(schema.pool(), batch); });
    pg::Connection probe(schema.url());
    const bool waiting = waitUntil([&] {
        return probe
                   .exec(
                       "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
                       "AND wait_event_type = 'Lock'",
                       schema.name())
                   .int64(0, 0) == 1;
    });
    std::vector<std::string> lockedBeforeWaiting;
    for (const auto& user : {low, middle}) {
        try {
            probe.exec("BEGIN");
            probe.exec("SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE NOWAIT", user);
        } catch (const pg::Error&) {
            lockedBeforeWaiting.push_back(user);
        }
        probe.exec("ROLLBACK");
    }
    holder.exec("COMMIT");
    handler.join();
    EXPECT_TRUE(waiting) << "the batch never waited for the held account";
    EXPECT_EQ(lockedBeforeWaiting, (std::vector<std::string>{low, middle}));
    EXPECT_EQ(schema.rows("SELECT balance FROM accounts ORDER BY user_id"),
              (std::vector<std::string>{"90", "90", "90"}));
}

TEST(OrdersBatch, ABatchHasTheEffectsOfItsDeliveriesOneByOne) {
    MigratedSchema batched("orders"), single("orders");
    std::string seed =
        "INSERT INTO orders (order_id, user_id, amount, description, status) VALUES ";
    for (int n = 1; n <= 5; ++n) {
        seed += (n > 1 ? ", ('" : "('") + order(n) + "', '" + kUser1 + "', " +
                std::to_string(n * 100) + ", 'order " + std::to_string(n) + "', 'NEW')";
    }
    seed +=
        "; UPDATE orders SET status = 'CANCELLED', failure_reason = 'INSUFFICIENT_FUNDS', "
        "version = 2 WHERE order_id = '" +
        order(5) +
        "';"
        "INSERT INTO inbox (consumer, message_id) VALUES ('orders.payment-result', 'r-seen');";
    batched.run(seed);
    single.run(seed);

    const std::vector<amqp::Delivery> deliveries{
        paymentResult("r1", order(1), std::nullopt),
        paymentResult("r2", order(2), domain::FailureReason::InsufficientFunds),
        paymentResult("r1", order(1), std::nullopt),  // the same message again
        paymentResult("r3", order(3), domain::FailureReason::AccountNotFound),
        paymentResult("r-seen", order(4), std::nullopt),  // a message handled before
        paymentResult("r5", order(5), std::nullopt),      // an order settled before
    };
    const auto dispositions = orders::handlePaymentResults(batched.pool(), deliveries);
    const auto oneByOne = eachAlone(orders::handlePaymentResult, single.pool(), deliveries);

    using D = outbox::Disposition;
    EXPECT_EQ(dispositions, oneByOne);
    EXPECT_EQ(dispositions,
              (std::vector<D>{D::Ack, D::Ack, D::Duplicate, D::Ack, D::Duplicate, D::Ack}));
    const char* const orders =
        "SELECT order_id, status, failure_reason, version FROM orders ORDER BY order_id";
    EXPECT_EQ(batched.rows(orders), single.rows(orders));
    EXPECT_EQ(batched.rows(orders),
              (std::vector<std::string>{
                  order(1) + "|FINISHED|NULL|2", order(2) + "|CANCELLED|INSUFFICIENT_FUNDS|2",
                  order(3) + "|CANCELLED|ACCOUNT_NOT_FOUND|2", order(4) + "|NEW|NULL|1",
                  order(5) + "|CANCELLED|INSUFFICIENT_FUNDS|2"}));
    EXPECT_EQ(batched.rows(kOutboxSql), single.rows(kOutboxSql));
    EXPECT_EQ(batched.rows(kOutboxSql).size(), 3u);
}

TEST(OrdersBatch, AResultForAnUnknownOrderAbandonsTheBatchHavingWrittenNothing) {
    MigratedSchema schema("orders");
    schema.run("INSERT INTO orders (order_id, user_id, amount, description, status) VALUES ('" +
               order(1) + "', '" + kUser1 + "', 100, 'one', 'NEW')");
    const std::vector<amqp::Delivery> deliveries{paymentResult("r1", order(1), std::nullopt),
                                                 paymentResult("r2", order(2), std::nullopt)};
    EXPECT_THROW(orders::handlePaymentResults(schema.pool(), deliveries), outbox::BatchAbandoned);
    EXPECT_EQ(schema.rows("SELECT status FROM orders"), std::vector<std::string>{"NEW"});
    EXPECT_EQ(schema.rows("SELECT count(*) FROM inbox"), std::vector<std::string>{"0"});
    EXPECT_EQ(schema.rows("SELECT count(*) FROM outbox"), std::vector<std::string>{"0"});
}

}  // namespace
}  // namespace shop::testing
