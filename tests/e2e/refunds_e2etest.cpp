// Refunds and the ledger through the gateway (CONTRACT sections 2 and 5, guarantees 3 and 8):
// partial and full refunds completed by the saga, Idempotency-Key replays, refunds racing for one
// order, bad input that writes nothing, and the ledger that adds up to the balance.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "shop/domain/money.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/pg/connection.hpp"
#include "shop/testing/env.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

using std::chrono::seconds;

class RefundsE2eTest : public E2eTest {
  protected:
    /// A FINISHED order of `amount` for a new account of `balance`; the order's id.
    std::string paidOrder(const std::string& userId, const std::string& amount) {
        const std::string orderId = newOrder(userId, amount, "refundable " + amount);
        const auto settled = waitForFinalOrder(orderId);
        if (!settled || str(&*settled, "status") != "FINISHED") {
            throw std::runtime_error("order " + orderId + " did not finish");
        }
        return orderId;
    }

    HttpResponse refund(const std::string& orderId, const std::string& body,
                        Headers headers = {}) const {
        return api().postJson("/orders/" + orderId + "/refunds", body, std::move(headers));
    }

    /// GET /orders/{id} until its refunded_amount is `refunded` (or 30 s pass); the last order.
    std::optional<domain::Json> waitForRefunded(const std::string& orderId,
                                                const std::string& refunded) const {
        std::optional<domain::Json> last;
        testing::waitUntil(
            [&] {
                const auto response = api().get("/orders/" + orderId);
                if (response.status != 200 || response.data() == nullptr) {
                    return false;
                }
                last = *response.data();
                return str(&*last, "refunded_amount") == refunded;
            },
            seconds(30), std::chrono::milliseconds(10));
        return last;
    }

    std::vector<domain::Json> refundsOf(const std::string& orderId) const {
        const auto listed = api().get("/orders/" + orderId + "/refunds");
        requireStatus(listed, 200, "GET /orders/{id}/refunds");
        return itemsOf(listed);
    }

    /// Every ledger entry of the account, newest first, through all its pages of `limit`.
    std::vector<domain::Json> ledgerOf(const std::string& userId, int limit = 200) const {
        std::vector<domain::Json> entries;
        std::string target = "/accounts/" + userId + "/ledger?limit=" + std::to_string(limit);
        for (int page = 0; page < 100; ++page) {
            const auto listed = api().get(target);
            requireStatus(listed, 200, "GET /accounts/{id}/ledger");
            const auto& items = itemsOf(listed);
            entries.insert(entries.end(), items.begin(), items.end());
            const domain::Json* next = listed.data()->find("next_cursor");
            if (next == nullptr || next->isNull()) {
                return entries;
            }
            target = "/accounts/" + userId + "/ledger?limit=" + std::to_string(limit) +
                     "&cursor=" + next->asString();
        }
        throw std::runtime_error("the ledger never ended");
    }

    /// The sum of the entries, credits minus debits, as money text.
    std::string ledgerSum(const std::string& userId) const {
        domain::Minor sum = 0;
        for (const auto& entry : ledgerOf(userId)) {
            std::string error;
            const domain::Minor amount = *domain::parseMoney(str(&entry, "amount"), error);
            sum += str(&entry, "kind") == "DEBIT" ? -amount : amount;
        }
        return domain::formatMoney(sum);
    }
};

TEST_F(RefundsE2eTest, APartialThenAFullRefundCreditTheAccountAndMakeTheOrderRefunded) {
    const std::string userId = newAccount(R"("100.00")");
    const std::string orderId = paidOrder(userId, "40");
    ASSERT_EQ(balanceOf(userId), "60.00");

    const Headers key{{"Idempotency-Key", "refund-" + testing::uniqueSuffix()}};
    const auto first = refund(orderId, R"({"amount": "15", "reason": "scratched"})", key);
    ASSERT_EQ(first.status, 202) << first.describe();
    const domain::Json* pending = first.data();
    const std::string refundId = str(pending, "refund_id");
    EXPECT_TRUE(domain::normalizeUuid(refundId) == refundId) << refundId;
    EXPECT_EQ(str(pending, "order_id"), orderId);
    EXPECT_EQ(str(pending, "user_id"), userId);
    EXPECT_EQ(str(pending, "amount"), "15.00");
    EXPECT_EQ(str(pending, "reason"), "scratched");
    EXPECT_EQ(str(pending, "status"), "PENDING");
    // The same request with the same key is the same refund, not a second one.
    const auto replay = refund(orderId, R"({"amount": 15.00, "reason": "scratched"})", key);
    EXPECT_EQ(replay.status, 202) << replay.describe();
    EXPECT_EQ(replay.body, first.body);
    const auto reused = refund(orderId, R"({"amount": "16", "reason": "scratched"})", key);
    EXPECT_TRUE(isErrorEnvelope(reused, 422, "IDEMPOTENCY_KEY_REUSED")) << reused.describe();

    const auto partly = waitForRefunded(orderId, "15.00");
    ASSERT_TRUE(partly.has_value());
    ASSERT_EQ(str(&*partly, "refunded_amount"), "15.00") << domain::toJsonText(*partly);
    EXPECT_EQ(str(&*partly, "status"), "FINISHED");
    EXPECT_EQ(num(&*partly, "version"), "3");
    EXPECT_EQ(balanceOf(userId), "75.00");
    const auto refunds = refundsOf(orderId);
    ASSERT_EQ(refunds.size(), 1u);
    EXPECT_EQ(str(&refunds[0], "refund_id"), refundId);
    EXPECT_EQ(str(&refunds[0], "status"), "COMPLETED");

    // No body at all refunds what is left.
    HttpRequest rest;
    rest.method = "POST";
    rest.target = "/orders/" + orderId + "/refunds";
    const auto whole = api().send(rest);
    ASSERT_EQ(whole.status, 202) << whole.describe();
    EXPECT_EQ(str(whole.data(), "amount"), "25.00");
    EXPECT_TRUE(isNullMember(whole.data(), "reason"));
    const auto refunded = waitForRefunded(orderId, "40.00");
    ASSERT_TRUE(refunded.has_value());
    EXPECT_EQ(str(&*refunded, "status"), "REFUNDED") << domain::toJsonText(*refunded);
    EXPECT_EQ(num(&*refunded, "version"), "4");
    EXPECT_EQ(balanceOf(userId), "100.00");
    const auto again = refund(orderId, R"({"amount": "0.01"})");
    EXPECT_TRUE(isErrorEnvelope(again, 409, "CONFLICT")) << again.describe();

    const auto byStatus = api().get("/orders?user_id=" + userId + "&status=REFUNDED");
    ASSERT_EQ(byStatus.status, 200) << byStatus.describe();
    ASSERT_EQ(itemsOf(byStatus).size(), 1u);

    // The ledger tells where the money went, newest first, and adds up to the balance.
    const auto ledger = ledgerOf(userId, 2);
    std::vector<std::string> seen;
    for (const auto& entry : ledger) {
        seen.push_back(str(&entry, "kind") + " " + str(&entry, "amount"));
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"REFUND 25.00", "REFUND 15.00", "DEBIT 40.00",
                                              "OPENING 100.00"}));
    EXPECT_EQ(str(&ledger[1], "refund_id"), refundId);
    EXPECT_EQ(str(&ledger[1], "order_id"), orderId);
    EXPECT_TRUE(isNullMember(&ledger[3], "order_id"));
    EXPECT_EQ(ledgerSum(userId), balanceOf(userId));
}

TEST_F(RefundsE2eTest, RefundsRacingForOneOrderNeverGiveBackMoreThanItsAmount) {
    const std::string userId = newAccount(R"("100.00")");
    const std::string orderId = paidOrder(userId, "100");
    constexpr int kRacers = 8;
    std::latch start(kRacers);
    std::vector<int> statuses(kRacers);
    {
        std::vector<std::jthread> racers;
        for (int i = 0; i < kRacers; ++i) {
            racers.emplace_back([&, i] {
                start.arrive_and_wait();
                statuses[i] = refund(orderId, R"({"amount": "30"})").status;
            });
        }
    }
    // 3 x 30 fit in 100; a fourth would not.
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 202), 3);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kRacers - 3);
    const auto settled = waitForRefunded(orderId, "90.00");
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "refunded_amount"), "90.00");
    EXPECT_EQ(str(&*settled, "status"), "FINISHED");
    EXPECT_EQ(balanceOf(userId), "90.00");
    EXPECT_EQ(ledgerSum(userId), "90.00");
    const auto last = refund(orderId, R"({"amount": "10.01"})");
    EXPECT_TRUE(isErrorEnvelope(last, 409, "CONFLICT")) << last.describe();
}

TEST_F(RefundsE2eTest, BadRefundsGetTheErrorEnvelopeAndWriteNothing) {
    const std::string userId = newAccount(R"("50.00")");
    const std::string orderId = paidOrder(userId, "20");
    const std::string refused = newOrder(userId, "500", "too dear");
    const auto refusedOrder = waitForFinalOrder(refused);
    ASSERT_TRUE(refusedOrder.has_value());
    ASSERT_EQ(str(&*refusedOrder, "status"), "CANCELLED");
    // An order still NEW (its payment not decided): written straight into the orders database,
    // since one placed through the API is paid within milliseconds.
    const std::string unpaid = domain::newUuid();
    pg::Connection(Stack::instance().settings().ordersDbAdminUrl, "e2e_tests")
        .exec(
            "INSERT INTO orders (order_id, user_id, amount, description, status) "
            "VALUES ($1, $2, 500, 'not paid yet', 'NEW')",
            unpaid, userId);

    struct Case {
        std::string name;
        std::string target;
        std::string body;
        int status;
        std::string code;
    };
    const std::string mine = "/orders/" + orderId + "/refunds";
    const std::vector<Case> cases{
        {"unknown order", "/orders/" + domain::newUuid() + "/refunds", "{}", 404, "NOT_FOUND"},
        {"malformed id", "/orders/not-a-uuid/refunds", "{}", 400, "BAD_REQUEST"},
        {"cancelled order", "/orders/" + refused + "/refunds", "{}", 409, "CONFLICT"},
        {"order not paid yet", "/orders/" + unpaid + "/refunds", "{}", 409, "CONFLICT"},
        {"zero", mine, R"({"amount": 0})", 400, "BAD_REQUEST"},
        {"negative", mine, R"({"amount": "-1"})", 400, "BAD_REQUEST"},
        {"three decimals", mine, R"({"amount": "1.005"})", 400, "BAD_REQUEST"},
        {"more than the order", mine, R"({"amount": "20.01"})", 409, "CONFLICT"},
        {"reason too long", mine, R"({"reason": ")" + std::string(201, 'x') + R"("})", 400,
         "BAD_REQUEST"},
        {"reason not text", mine, R"({"reason": 7})", 400, "BAD_REQUEST"},
        {"unknown field", mine, R"({"amount": "1", "currency": "EUR"})", 400, "BAD_REQUEST"},
        {"not an object", mine, R"(["1"])", 400, "BAD_REQUEST"},
        {"not JSON", mine, R"({"amount": )", 400, "BAD_REQUEST"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto answer = api().postJson(c.target, c.body);
        EXPECT_TRUE(isErrorEnvelope(answer, c.status, c.code)) << answer.describe();
    }
    EXPECT_TRUE(refundsOf(orderId).empty());
    EXPECT_TRUE(refundsOf(refused).empty());
    EXPECT_TRUE(refundsOf(unpaid).empty());
    EXPECT_EQ(balanceOf(userId), "30.00");
    const auto unknownLedger = api().get("/accounts/" + domain::newUuid() + "/ledger");
    EXPECT_TRUE(isErrorEnvelope(unknownLedger, 404, "NOT_FOUND")) << unknownLedger.describe();
    const auto badCursor = api().get("/accounts/" + userId + "/ledger?cursor=abc");
    EXPECT_TRUE(isErrorEnvelope(badCursor, 400, "BAD_REQUEST")) << badCursor.describe();
    const auto badLimit = api().get("/accounts/" + userId + "/ledger?limit=0");
    EXPECT_TRUE(isErrorEnvelope(badLimit, 400, "BAD_REQUEST")) << badLimit.describe();
    const auto unknownRefunds = api().get("/orders/" + domain::newUuid() + "/refunds");
    EXPECT_TRUE(isErrorEnvelope(unknownRefunds, 404, "NOT_FOUND")) << unknownRefunds.describe();
}

}  // namespace
}  // namespace shop::e2e
