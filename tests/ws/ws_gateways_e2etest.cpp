// Every gateway instance receives every status event (a queue per instance): two gateways on
// different ports each deliver to their own subscribers.
#include <gtest/gtest.h>

#include <string>

#include "shop/testing/env.hpp"
#include "support/stack.hpp"
#include "ws_test.hpp"

namespace shop::wstest {
namespace {

class WsGatewaysTest : public WsE2eTest {};

TEST_F(WsGatewaysTest, TwoGatewaysEachDeliverEveryEventToTheirSubscribers) {
    e2e::Stack& stack = e2e::Stack::instance();
    std::uint16_t secondPort = 0;
    auto second = stack.startExtraGateway(
        "gateway-2", "http://127.0.0.1:" + std::to_string(stack.ordersPort()),
        "http://127.0.0.1:" + std::to_string(stack.paymentsPort()), secondPort);
    ASSERT_TRUE(second->running());
    // Ready includes the second gateway's own status feed (its queue is bound).
    // The same token works on both gateways: they share the stack's token secret.
    const e2e::HttpClient secondApi =
        e2e::HttpClient("127.0.0.1", secondPort).withToken(stack.operatorToken());
    ASSERT_TRUE(
        testing::waitUntil([&] { return secondApi.get("/health/ready").status == 200; }, 30s));

    const std::string user = newAccount("100");
    auto first = subscribe("/ws/orders?user_id=" + user);
    auto other = subscribe("/ws/orders?user_id=" + user, secondPort);
    auto everything = subscribe("/ws/orders", secondPort);

    // Orders placed through either gateway reach the subscribers of both.
    const std::string viaFirst = newOrder(user, "4", "through gateway 1");
    const auto viaSecondResponse =
        secondApi.postJson("/orders", R"({"user_id":")" + user +
                                          R"(","amount":"6","description":"through gateway 2"})");
    ASSERT_EQ(viaSecondResponse.status, 201) << viaSecondResponse.describe();
    const std::string viaSecond = e2e::str(viaSecondResponse.data(), "order_id");

    for (const std::string& order : {viaFirst, viaSecond}) {
        EXPECT_TRUE(first->waitFor(statusFrame(order, "FINISHED"), 30s)) << "gateway 1, " << order;
        EXPECT_TRUE(other->waitFor(statusFrame(order, "FINISHED"), 30s)) << "gateway 2, " << order;
        EXPECT_TRUE(everything->waitFor(statusFrame(order, "FINISHED"), 30s))
            << "gateway 2 all-orders stream, " << order;
    }

    first->close();
    other->close();
    everything->close();
    const e2e::ExitStatus status = second->stop(std::chrono::seconds(20));
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

}  // namespace
}  // namespace shop::wstest
