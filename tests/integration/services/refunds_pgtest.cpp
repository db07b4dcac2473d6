// The refund saga's handlers against their real schemas (issue 17): payments credits each refund
// once and never past the order's debit, and orders completes each refund once, growing the
// order's refunded_amount and version, and makes the order REFUNDED when nothing is left.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "migrated_schema.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "workers/refund_requested_handler.hpp"
#include "workers/refund_result_handler.hpp"

namespace shop::testing {
namespace {

using outbox::Disposition;

const std::string kUser = "00000000-0000-4000-8000-000000000001";
const std::string kOther = "00000000-0000-4000-8000-000000000002";
const std::string kOrder = "10000000-0000-4000-8000-000000000001";
const std::string kRefused = "10000000-0000-4000-8000-000000000002";
const std::string kNeverPaid = "10000000-0000-4000-8000-000000000003";

std::string refund(int n) {
    char id[40];
    std::snprintf(id, sizeof id, "20000000-0000-4000-8000-%012d", n);
    return id;
}

amqp::Delivery refundRequested(const std::string& messageId, const std::string& refundId,
                               const std::string& orderId, const std::string& userId,
                               domain::Minor amount) {
    return delivery(
        messageId, events::toJson(events::RefundRequested{domain::newUuid(), refundId, orderId,
                                                          userId, amount, "2026-12-06T00:00:00Z"}));
}

amqp::Delivery refundResult(const std::string& messageId, const std::string& refundId) {
    return delivery(messageId,
                    events::toJson(events::RefundResult{domain::newUuid(), refundId, kOrder, kUser,
                                                        0, "2026-12-06T00:00:00Z"}));
}

/// An account of 1.00 that paid 5.00 for kOrder (6.00 opening), was refused kRefused, and never
/// ordered kNeverPaid.
class PaymentsRefunds : public ::testing::Test {
  protected:
    void SetUp() override {
        m_db.run("INSERT INTO accounts (user_id, balance) VALUES ('" + kUser + "', 100), ('" +
                 kOther +
                 "', 0);"
                 "INSERT INTO ledger (user_id, kind, amount) VALUES ('" +
                 kUser +
                 "', 'OPENING', 600);"
                 "INSERT INTO ledger (user_id, kind, amount, order_id) VALUES ('" +
                 kUser + "', 'DEBIT', 500, '" + kOrder + "');" +
                 "INSERT INTO payments (order_id, user_id, amount, outcome, balance_after) "
                 "VALUES ('" +
                 kOrder + "', '" + kUser +
                 "', 500, 'SUCCEEDED', 100);"
                 "INSERT INTO payments (order_id, user_id, amount, outcome, failure_reason) "
                 "VALUES ('" +
                 kRefused + "', '" + kUser + "', 900, 'FAILED', 'INSUFFICIENT_FUNDS');");
    }

    Disposition handle(const amqp::Delivery& message) {
        return payments::handleRefundRequested(m_db.pool(), message);
    }
    std::string balance() {
        return m_db.rows("SELECT balance FROM accounts WHERE user_id = '" + kUser + "'").at(0);
    }
    /// The ledger adds up to the balance (guarantee 3).
    void expectLedgerMatchesBalance() {
        EXPECT_EQ(m_db.rows("SELECT sum(CASE WHEN kind = 'DEBIT' THEN -amount ELSE amount END) "
                            "FROM ledger WHERE user_id = '" +
                            kUser + "'"),
                  std::vector<std::string>{balance()});
    }

    MigratedSchema m_db{"payments"};
};

TEST_F(PaymentsRefunds, ARefundCreditsTheAccountOnceWhateverIsRedelivered) {
    EXPECT_EQ(handle(refundRequested("m-1", refund(1), kOrder, kUser, 200)), Disposition::Ack);
    EXPECT_EQ(balance(), "300");
    // The same message again, and the same refund under another message id: no second credit.
    EXPECT_EQ(handle(refundRequested("m-1", refund(1), kOrder, kUser, 200)),
              Disposition::Duplicate);
    EXPECT_EQ(handle(refundRequested("m-2", refund(1), kOrder, kUser, 200)),
              Disposition::Duplicate);
    EXPECT_EQ(balance(), "300");
    EXPECT_EQ(m_db.rows("SELECT kind, amount, order_id, refund_id FROM ledger WHERE kind = "
                        "'REFUND'"),
              std::vector<std::string>{"REFUND|200|" + kOrder + "|" + refund(1)});
    EXPECT_EQ(m_db.rows("SELECT refunded FROM payments WHERE order_id = '" + kOrder + "'"),
              std::vector<std::string>{"200"});
    // One RefundResult, for the order, saying the balance after.
    EXPECT_EQ(m_db.rows("SELECT correlation_id, routing_key, payload::jsonb ->> 'refund_id', "
                        "payload::jsonb ->> 'balance_after' FROM outbox"),
              std::vector<std::string>{kOrder + "|refund.result|" + refund(1) + "|3.00"});
    expectLedgerMatchesBalance();
}

TEST_F(PaymentsRefunds, ARefundThatPaymentsCannotTakeIsDeadLetteredAndWritesNothing) {
    EXPECT_EQ(handle(refundRequested("m-1", refund(1), kNeverPaid, kUser, 100)),
              Disposition::DeadLetter);
    EXPECT_EQ(handle(refundRequested("m-2", refund(2), kRefused, kUser, 100)),
              Disposition::DeadLetter);
    EXPECT_EQ(handle(refundRequested("m-3", refund(3), kOrder, kOther, 100)),
              Disposition::DeadLetter);  // not the account that paid
    EXPECT_EQ(handle(refundRequested("m-4", refund(4), kOrder, kUser, 501)),
              Disposition::DeadLetter);  // more than the debit
    EXPECT_EQ(m_db.rows("SELECT count(*) FROM inbox"), std::vector<std::string>{"0"});
    EXPECT_EQ(m_db.rows("SELECT count(*) FROM outbox"), std::vector<std::string>{"0"});
    EXPECT_EQ(balance(), "100");

    // Refunds up to the debit, and not one cent past it.
    EXPECT_EQ(handle(refundRequested("m-5", refund(5), kOrder, kUser, 300)), Disposition::Ack);
    EXPECT_EQ(handle(refundRequested("m-6", refund(6), kOrder, kUser, 201)),
              Disposition::DeadLetter);
    EXPECT_EQ(handle(refundRequested("m-7", refund(7), kOrder, kUser, 200)), Disposition::Ack);
    EXPECT_EQ(balance(), "600");
    expectLedgerMatchesBalance();
}

TEST_F(PaymentsRefunds, OfTwoConcurrentRefundsThatTogetherPassTheDebitOneIsCredited) {
    std::vector<Disposition> outcomes(2);
    {
        std::jthread first(
            [&] { outcomes[0] = handle(refundRequested("m-1", refund(1), kOrder, kUser, 300)); });
        std::jthread second(
            [&] { outcomes[1] = handle(refundRequested("m-2", refund(2), kOrder, kUser, 300)); });
    }
    std::sort(outcomes.begin(), outcomes.end());
    EXPECT_EQ(outcomes, (std::vector<Disposition>{Disposition::Ack, Disposition::DeadLetter}));
    EXPECT_EQ(balance(), "400");
    EXPECT_EQ(m_db.rows("SELECT refunded FROM payments WHERE order_id = '" + kOrder + "'"),
              std::vector<std::string>{"300"});
    expectLedgerMatchesBalance();
}

/// A FINISHED order of 1.00 (version 2) with two PENDING refunds, of 0.40 and 0.60.
class OrdersRefunds : public ::testing::Test {
  protected:
    void SetUp() override {
        m_db.run(
            "INSERT INTO orders (order_id, user_id, amount, description, status, version) "
            "VALUES ('" +
            kOrder + "', '" + kUser +
            "', 100, 'a lamp', 'FINISHED', 2);"
            "INSERT INTO refunds (refund_id, order_id, user_id, amount, status) VALUES ('" +
            refund(1) + "', '" + kOrder + "', '" + kUser + "', 40, 'PENDING'), ('" + refund(2) +
            "', '" + kOrder + "', '" + kUser + "', 60, 'PENDING');");
    }

    Disposition handle(const amqp::Delivery& message) {
        return orders::handleRefundResult(m_db.pool(), message);
    }
    std::vector<std::string> order() {
        return m_db.rows("SELECT status, refunded_amount, version FROM orders");
    }
    std::vector<std::string> statusEvents() {
        return m_db.rows(
            "SELECT payload::jsonb ->> 'status', payload::jsonb ->> 'refunded_amount', "
            "payload::jsonb ->> 'version', payload::jsonb ->> 'description' FROM outbox "
            "WHERE routing_key = 'order.status' ORDER BY seq");
    }

    MigratedSchema m_db{"orders"};
};

TEST_F(OrdersRefunds, EachRefundCompletesOnceAndTheLastMakesTheOrderRefunded) {
    EXPECT_EQ(handle(refundResult("r-1", refund(1))), Disposition::Ack);
    EXPECT_EQ(order(), std::vector<std::string>{"FINISHED|40|3"});
    EXPECT_EQ(handle(refundResult("r-1", refund(1))), Disposition::Duplicate);
    // The same refund's result under another message id changes nothing either.
    EXPECT_EQ(handle(refundResult("r-1b", refund(1))), Disposition::Ack);
    EXPECT_EQ(order(), std::vector<std::string>{"FINISHED|40|3"});

    EXPECT_EQ(handle(refundResult("r-2", refund(2))), Disposition::Ack);
    EXPECT_EQ(order(), std::vector<std::string>{"REFUNDED|100|4"});
    EXPECT_EQ(m_db.rows("SELECT status FROM refunds ORDER BY refund_id"),
              (std::vector<std::string>{"COMPLETED", "COMPLETED"}));
    // Each change goes out whole, for every WebSocket subscriber.
    EXPECT_EQ(statusEvents(),
              (std::vector<std::string>{"FINISHED|0.40|3|a lamp", "REFUNDED|1.00|4|a lamp"}));
}

TEST_F(OrdersRefunds, AResultForAnUnknownRefundIsDeadLetteredAndWritesNothing) {
    EXPECT_EQ(handle(refundResult("r-9", refund(9))), Disposition::DeadLetter);
    EXPECT_EQ(m_db.rows("SELECT count(*) FROM inbox"), std::vector<std::string>{"0"});
    EXPECT_EQ(order(), std::vector<std::string>{"FINISHED|0|2"});
    EXPECT_TRUE(statusEvents().empty());
}

}  // namespace
}  // namespace shop::testing
