// Two orders, two payments and two gateways at once against one stack (the topology
// docker/compose.yaml scales to), under load: each order is paid once, and every status change
// reaches the subscribers of both gateways.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "shop/pg/connection.hpp"
#include "shop/testing/env.hpp"
#include "support/stack.hpp"
#include "ws_test.hpp"

namespace shop::wstest {
namespace {

constexpr int kAccounts = 20;
constexpr int kOrdersPerAccount = 10;  // of 10.00 each, against 50.00: exactly 5 can be paid
constexpr int kSenders = 4;

std::string localUrl(std::uint16_t port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

constexpr const char* kConsumedRequests =
    R"(shop_messages_consumed_total{queue="payments.payment-requested"})";
constexpr const char* kConsumedResults =
    R"(shop_messages_consumed_total{queue="orders.payment-result"})";

/// Deliveries of `series` taken by the process serving /metrics on `port` so far.
double consumed(std::uint16_t port, const char* series) {
    return metricValue(scrape(port), series).value_or(0);
}

class ReplicasTest : public WsE2eTest {};

TEST_F(ReplicasTest, TwoOfEachServiceShareTheLoadAndPayEachOrderOnce) {
    e2e::Stack& stack = e2e::Stack::instance();
    using Service = e2e::Stack::Service;
    std::uint16_t orders2Port = 0;
    std::uint16_t payments2Port = 0;
    std::uint16_t gateway2Port = 0;
    auto orders2 = stack.startExtraService("orders-2", Service::Orders, orders2Port);
    auto payments2 = stack.startExtraService("payments-2", Service::Payments, payments2Port);
    // The second gateway talks to the second replicas, so both take HTTP traffic too.
    auto gateway2 = stack.startExtraGateway("gateway-2", localUrl(orders2Port),
                                            localUrl(payments2Port), gateway2Port);
    const e2e::HttpClient api2 =
        e2e::HttpClient("127.0.0.1", gateway2Port).withToken(stack.operatorToken());
    ASSERT_TRUE(testing::waitUntil([&] { return api2.get("/health/ready").status == 200; }, 30s));
    // The first replicas have served earlier tests: count only what they take from here on.
    const double ordersConsumedBefore = consumed(stack.ordersPort(), kConsumedResults);
    const double paymentsConsumedBefore = consumed(stack.paymentsPort(), kConsumedRequests);

    auto stream1 = subscribe("/ws/orders");
    auto stream2 = subscribe("/ws/orders", gateway2Port);

    std::vector<std::string> accounts;
    for (int i = 0; i < kAccounts; ++i) {
        accounts.push_back(newAccount("50.00"));
    }

    std::mutex mutex;
    std::map<std::string, std::string> orderOwner;  // order_id -> user_id
    int rejected = 0;
    std::vector<std::thread> senders;
    for (int sender = 0; sender < kSenders; ++sender) {
        senders.emplace_back([&, sender] {
            const e2e::HttpClient via1 = stack.gateway();
            for (int i = sender; i < kAccounts * kOrdersPerAccount; i += kSenders) {
                const std::string& user = accounts[static_cast<std::size_t>(i % kAccounts)];
                const e2e::HttpClient& via = i % 2 == 0 ? via1 : api2;
                const auto response = via.postJson(
                    "/orders", R"({"user_id":")" + user +
                                   R"(","amount":"10.00","description":"replica load"})");
                std::lock_guard lock(mutex);
                if (response.status == 201) {
                    orderOwner[e2e::str(response.data(), "order_id")] = user;
                } else {
                    ++rejected;
                }
            }
        });
    }
    for (auto& sender : senders) {
        sender.join();
    }
    ASSERT_EQ(rejected, 0);
    ASSERT_EQ(orderOwner.size(), static_cast<std::size_t>(kAccounts * kOrdersPerAccount));

    // Every order settles, and both gateways push its final status.
    std::map<std::string, std::string> finalStatus;
    for (const auto& [order, user] : orderOwner) {
        auto final = waitForFinalOrder(order, 60s);
        ASSERT_TRUE(final.has_value()) << order << " never settled";
        finalStatus[order] = e2e::str(&*final, "status");
    }
    for (auto* stream : {stream1.get(), stream2.get()}) {
        std::set<std::string> seen;
        stream->waitFor(
            [&](const domain::Json& frame) {
                const std::string order = text(frame, "order_id");
                const std::string status = text(frame, "status");
                if (orderOwner.count(order) == 1 && status != "NEW") {
                    EXPECT_EQ(status, finalStatus[order]) << order;
                    seen.insert(order);
                }
                return seen.size() == orderOwner.size();
            },
            60s);
        EXPECT_EQ(seen.size(), orderOwner.size())
            << (stream == stream1.get() ? "gateway 1" : "gateway 2") << " missed final frames";
    }

    // Each account could pay exactly five of its ten orders, each paid once.
    std::map<std::string, int> finishedPerUser;
    for (const auto& [order, status] : finalStatus) {
        if (status == "FINISHED") {
            ++finishedPerUser[orderOwner[order]];
        }
    }
    std::vector<std::string> orderIds;
    for (const auto& [order, user] : orderOwner) {
        orderIds.push_back(order);
    }
    pg::Connection db(stack.settings().paymentsDbAdminUrl, "replicas_test");
    const auto payments = db.exec(
        "SELECT count(*), count(DISTINCT order_id) FROM payments WHERE order_id = ANY($1::uuid[])",
        orderIds);
    EXPECT_EQ(payments.int64(0, 0), static_cast<std::int64_t>(orderIds.size()));
    EXPECT_EQ(payments.int64(0, 1), static_cast<std::int64_t>(orderIds.size()));
    const auto debits =
        db.exec("SELECT count(*) FROM ledger WHERE kind = 'DEBIT' AND order_id = ANY($1::uuid[])",
                orderIds);
    EXPECT_EQ(debits.int64(0, 0), kAccounts * 5);
    for (const auto& user : accounts) {
        EXPECT_EQ(finishedPerUser[user], 5) << user;
        EXPECT_EQ(balanceOf(user), "0.00") << user;
    }

    // Both replicas of each service took part of the work (competing consumers), and between
    // them they took every message at least once. Counted from each process's own /metrics: a
    // replica that decides its deliveries in batches logs no line per message.
    const double payments1 =
        consumed(stack.paymentsPort(), kConsumedRequests) - paymentsConsumedBefore;
    const double payments2Taken = consumed(payments2Port, kConsumedRequests);
    const double orders1 = consumed(stack.ordersPort(), kConsumedResults) - ordersConsumedBefore;
    const double orders2Taken = consumed(orders2Port, kConsumedResults);
    EXPECT_GT(payments1, 0);
    EXPECT_GT(payments2Taken, 0);
    EXPECT_GE(payments1 + payments2Taken, static_cast<double>(orderIds.size()));
    EXPECT_GT(orders1, 0);
    EXPECT_GT(orders2Taken, 0);
    EXPECT_GE(orders1 + orders2Taken, static_cast<double>(orderIds.size()));

    stream1->close();
    stream2->close();
    for (auto* child : {gateway2.get(), orders2.get(), payments2.get()}) {
        const e2e::ExitStatus status = child->stop(std::chrono::seconds(20));
        EXPECT_TRUE(status.exited && status.code == 0)
            << child->name() << ": " << status.describe();
    }
}

}  // namespace
}  // namespace shop::wstest
