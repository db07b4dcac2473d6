// The order flow of CONTRACT section 5 items 1-4 through the gateway: paid, refused, unknown
// account, Idempotency-Key replays, and concurrent orders racing for one balance.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "shop/domain/uuid.hpp"
#include "shop/pg/connection.hpp"
#include "shop/testing/env.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

using std::chrono::milliseconds;

class OrdersE2eTest : public E2eTest {};

bool isRfc3339Utc(const std::string& text) {
    // 2024-01-02T03:04:05[.ffffff]Z
    return text.size() >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
           text[13] == ':' && text[16] == ':' && text.back() == 'Z';
}

TEST_F(OrdersE2eTest, PaidOrderFinishesAndDebitsTheBalanceExactly) {
    const std::string userId = newAccount(R"("100.00")");
    const std::string description = "paid order " + testing::uniqueSuffix();

    const auto posted = std::chrono::steady_clock::now();
    const auto created = createOrder(userId, "25.5", description);
    ASSERT_EQ(created.status, 201) << created.describe();
    const domain::Json* order = created.data();
    ASSERT_NE(order, nullptr) << created.describe();
    const std::string orderId = str(order, "order_id");
    EXPECT_TRUE(domain::normalizeUuid(orderId) == orderId) << orderId;
    EXPECT_EQ(str(order, "user_id"), userId);
    EXPECT_EQ(str(order, "amount"), "25.50");
    EXPECT_EQ(str(order, "description"), description);
    EXPECT_EQ(str(order, "status"), "NEW");
    EXPECT_TRUE(isNullMember(order, "failure_reason"));
    EXPECT_EQ(num(order, "version"), "1");
    EXPECT_TRUE(isRfc3339Utc(str(order, "created_at"))) << str(order, "created_at");
    EXPECT_TRUE(isRfc3339Utc(str(order, "updated_at"))) << str(order, "updated_at");

    const auto settled = waitForFinalOrder(orderId);
    const auto took =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - posted);
    ASSERT_TRUE(settled.has_value());
    ASSERT_EQ(str(&*settled, "status"), "FINISHED") << domain::toJsonText(*settled);
    std::printf("e2e: POST /orders -> FINISHED took %lld ms\n",
                static_cast<long long>(took.count()));
    RecordProperty("post_to_finished_ms", static_cast<int>(took.count()));
    EXPECT_TRUE(isNullMember(&*settled, "failure_reason"));
    EXPECT_EQ(num(&*settled, "version"), "2");
    EXPECT_EQ(str(&*settled, "amount"), "25.50");
    EXPECT_EQ(str(&*settled, "created_at"), str(order, "created_at"));
    EXPECT_GE(str(&*settled, "updated_at"), str(order, "updated_at"));

    EXPECT_EQ(balanceOf(userId), "74.50");

    const auto listed = ordersOf(userId);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(str(&listed[0], "order_id"), orderId);
    EXPECT_EQ(str(&listed[0], "status"), "FINISHED");
    const auto byStatus = api().get("/orders?user_id=" + userId + "&status=FINISHED");
    ASSERT_EQ(byStatus.status, 200) << byStatus.describe();
    EXPECT_EQ(itemsOf(byStatus).size(), 1u);
    const auto noneNew = api().get("/orders?user_id=" + userId + "&status=NEW");
    ASSERT_EQ(noneNew.status, 200) << noneNew.describe();
    EXPECT_TRUE(itemsOf(noneNew).empty());
}

TEST_F(OrdersE2eTest, OrderOverTheBalanceIsCancelledForInsufficientFunds) {
    const std::string userId = newAccount(R"("10.00")");
    const auto created = createOrder(userId, R"("10.01")", "too expensive");
    ASSERT_EQ(created.status, 201) << created.describe();
    EXPECT_EQ(str(created.data(), "status"), "NEW");
    const std::string orderId = str(created.data(), "order_id");

    const auto settled = waitForFinalOrder(orderId);
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "status"), "CANCELLED") << domain::toJsonText(*settled);
    EXPECT_EQ(str(&*settled, "failure_reason"), "INSUFFICIENT_FUNDS");
    EXPECT_EQ(num(&*settled, "version"), "2");
    EXPECT_EQ(balanceOf(userId), "10.00");

    // The whole balance is still spendable afterwards.
    const auto exact = waitForFinalOrder(newOrder(userId, "10", "exactly the balance"));
    ASSERT_TRUE(exact.has_value());
    EXPECT_EQ(str(&*exact, "status"), "FINISHED") << domain::toJsonText(*exact);
    EXPECT_EQ(balanceOf(userId), "0.00");
}

TEST_F(OrdersE2eTest, OrderOfAUserWithoutAccountIsCancelledAccountNotFound) {
    const std::string userId = domain::newUuid();
    const std::string orderId = newOrder(userId, "5.00", "nobody pays");

    const auto settled = waitForFinalOrder(orderId);
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "status"), "CANCELLED") << domain::toJsonText(*settled);
    EXPECT_EQ(str(&*settled, "failure_reason"), "ACCOUNT_NOT_FOUND");
    EXPECT_EQ(num(&*settled, "version"), "2");
    // Deciding the payment created no account.
    const auto account = api().get("/accounts/" + userId);
    EXPECT_TRUE(isErrorEnvelope(account, 404, "NOT_FOUND"));
}

TEST_F(OrdersE2eTest, OrderWithTheSameIdempotencyKeyIsCreatedOnce) {
    const std::string userId = newAccount(R"("50.00")");
    const std::string key = "e2e-order-" + testing::uniqueSuffix();
    const Headers headers{{"Idempotency-Key", key}};

    const auto first = createOrder(userId, "20", "once only", headers);
    ASSERT_EQ(first.status, 201) << first.describe();
    // The same meaning written differently is the same request.
    const auto second = createOrder(userId, R"("20.00")", "once only", headers);
    EXPECT_EQ(second.status, first.status);
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(second.header("Idempotent-Replayed").value_or(""), "true");
    EXPECT_EQ(str(second.data(), "order_id"), str(first.data(), "order_id"));

    const auto reused = createOrder(userId, "20", "something else", headers);
    EXPECT_TRUE(isErrorEnvelope(reused, 422, "IDEMPOTENCY_KEY_REUSED"));

    // Keys are scoped per user: another user's same key is a new request.
    const std::string otherUser = newAccount("0");
    const auto other = createOrder(otherUser, "20", "once only", headers);
    ASSERT_EQ(other.status, 201) << other.describe();
    EXPECT_NE(str(other.data(), "order_id"), str(first.data(), "order_id"));

    const auto settled = waitForFinalOrder(str(first.data(), "order_id"));
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "status"), "FINISHED") << domain::toJsonText(*settled);
    EXPECT_EQ(ordersOf(userId).size(), 1u);
    EXPECT_EQ(balanceOf(userId), "30.00");

    // A replay after the order settled still returns the first answer, and does nothing.
    const auto late = createOrder(userId, "20", "once only", headers);
    EXPECT_EQ(late.status, 201);
    EXPECT_EQ(late.body, first.body);
    EXPECT_EQ(ordersOf(userId).size(), 1u);
    EXPECT_EQ(balanceOf(userId), "30.00");
}

TEST_F(OrdersE2eTest, ConcurrentOrdersNeverOverdrawTheBalance) {
    constexpr int kOrders = 30;
    const std::string userId = newAccount(R"("100.00")");

    struct Outcome {
        int status = 0;
        std::string orderId;
        std::string error;
    };
    std::vector<Outcome> outcomes(kOrders);
    const auto posted = std::chrono::steady_clock::now();
    {
        std::latch go(kOrders);
        std::vector<std::jthread> threads;
        for (int i = 0; i < kOrders; ++i) {
            threads.emplace_back([&, i] {
                go.arrive_and_wait();
                try {
                    const auto response =
                        createOrder(userId, "10.00", "concurrent " + std::to_string(i));
                    outcomes[i].status = response.status;
                    outcomes[i].orderId = str(response.data(), "order_id");
                    if (response.status != 201) {
                        outcomes[i].error = response.describe();
                    }
                } catch (const std::exception& error) {
                    outcomes[i].error = error.what();
                }
            });
        }
    }
    std::set<std::string> created;
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.status, 201) << outcome.error;
        created.insert(outcome.orderId);
    }
    ASSERT_EQ(created.size(), static_cast<std::size_t>(kOrders));

    std::vector<domain::Json> orders;
    const bool allSettled = testing::waitUntil(
        [&] {
            orders = ordersOf(userId);
            for (const auto& order : orders) {
                if (str(&order, "status") == "NEW") {
                    return false;
                }
            }
            return orders.size() == kOrders;
        },
        std::chrono::seconds(60), milliseconds(50));
    ASSERT_TRUE(allSettled) << "orders still NEW after 60 s";
    std::printf("e2e: %d concurrent POST /orders -> all settled took %lld ms\n", kOrders,
                static_cast<long long>(std::chrono::duration_cast<milliseconds>(
                                           std::chrono::steady_clock::now() - posted)
                                           .count()));

    std::set<std::string> finished;
    int cancelled = 0;
    for (const auto& order : orders) {
        const std::string status = str(&order, "status");
        EXPECT_EQ(num(&order, "version"), "2") << domain::toJsonText(order);
        EXPECT_TRUE(created.count(str(&order, "order_id"))) << domain::toJsonText(order);
        if (status == "FINISHED") {
            finished.insert(str(&order, "order_id"));
        } else {
            EXPECT_EQ(status, "CANCELLED");
            EXPECT_EQ(str(&order, "failure_reason"), "INSUFFICIENT_FUNDS")
                << domain::toJsonText(order);
            ++cancelled;
        }
    }
    EXPECT_EQ(finished.size(), 10u);
    EXPECT_EQ(cancelled, 20);
    EXPECT_EQ(balanceOf(userId), "0.00");

    // The payments database agrees: one DEBIT per finished order, 100.00 in all, and the balance
    // re-derived from the ledger equals the stored one.
    pg::Connection db(Stack::instance().settings().paymentsDbAdminUrl, "e2e_tests");
    const auto debits = db.exec(
        "SELECT order_id::text, amount FROM ledger WHERE user_id = $1 AND kind = 'DEBIT'", userId);
    std::set<std::string> debited;
    std::int64_t debitedTotal = 0;
    for (int row = 0; row < debits.rows(); ++row) {
        debited.insert(debits.str(row, 0));
        debitedTotal += debits.int64(row, 1);
    }
    EXPECT_EQ(debits.rows(), 10);
    EXPECT_EQ(debitedTotal, 10000);
    EXPECT_EQ(debited, finished);

    const auto ledger = db.exec(
        "SELECT a.balance, COALESCE(SUM(CASE WHEN l.kind = 'DEBIT' THEN -l.amount ELSE l.amount "
        "END), 0)::bigint FROM accounts a LEFT JOIN ledger l ON l.user_id = a.user_id "
        "WHERE a.user_id = $1 GROUP BY a.balance",
        userId);
    ASSERT_EQ(ledger.rows(), 1);
    EXPECT_EQ(ledger.int64(0, 0), 0);
    EXPECT_EQ(ledger.int64(0, 1), ledger.int64(0, 0));

    const auto payments = db.exec(
        "SELECT outcome, failure_reason, balance_after FROM payments WHERE user_id = $1", userId);
    EXPECT_EQ(payments.rows(), kOrders);
    std::multiset<std::int64_t> balancesAfter;
    for (int row = 0; row < payments.rows(); ++row) {
        if (payments.str(row, 0) == "SUCCEEDED") {
            balancesAfter.insert(payments.int64(row, 2));
        } else {
            EXPECT_EQ(payments.optStr(row, 1).value_or(""), "INSUFFICIENT_FUNDS");
            EXPECT_TRUE(payments.isNull(row, 2));
        }
    }
    // Each debit saw the balance the previous one left: 90.00, 80.00, ... 0.00, never below.
    const std::multiset<std::int64_t> expectedAfter{9000, 8000, 7000, 6000, 5000,
                                                    4000, 3000, 2000, 1000, 0};
    EXPECT_EQ(balancesAfter, expectedAfter);

    // And the database itself forbids a negative balance.
    const auto check = db.exec(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'accounts'::regclass AND contype = 'c'");
    bool hasCheck = false;
    for (int row = 0; row < check.rows(); ++row) {
        hasCheck = hasCheck || check.str(row, 0).find("balance >= 0") != std::string::npos;
    }
    EXPECT_TRUE(hasCheck) << "accounts has no CHECK (balance >= 0)";
}

}  // namespace
}  // namespace shop::e2e
