// A subscriber never silently misses a change when RabbitMQ goes away under the gateway: once the
// gateway's feed is back on a fresh queue it closes the WebSocket with 1012, and the client that
// reconnects (re-reading state, CONTRACT 3) receives everything from then on.
// Restarts the test broker (rabbitmqctl stop_app / start_app on its node), so the program runs
// alone (RUN_SERIAL) and this file is linked last.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "shop/testing/env.hpp"
#include "shop/testing/shell.hpp"
#include "ws_test.hpp"

namespace shop::wstest {
namespace {

std::string requiredEnv(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        ADD_FAILURE() << name
                      << " is not set: run through `./shop test` or eval \"$(./shop testenv)\"";
        return {};
    }
    return value;
}

/// rabbitmqctl on the test node, as the driver runs it (`./shop testenv` exports both).
bool rabbitCtl(const std::string& command) {
    using shop::testing::shellQuote;
    const std::string ctl = "env HOME=/var/lib/rabbitmq runuser -u rabbitmq -- " +
                            shellQuote(requiredEnv("SHOP_TEST_RABBITMQCTL")) + " -n " +
                            shellQuote(requiredEnv("SHOP_TEST_RABBITMQ_NODE")) + " " + command +
                            " >/dev/null 2>&1";
    return std::system(ctl.c_str()) == 0;
}

class WsBrokerRestartTest : public WsE2eTest {
  protected:
    void TearDown() override {
        if (m_stopped) {
            rabbitCtl("start_app");  // never leave the shared broker down
        }
        WsE2eTest::TearDown();
    }
    bool m_stopped = false;
};

TEST_F(WsBrokerRestartTest, SubscriberIsToldToResyncAfterTheBrokerRestarts) {
    const std::string user = newAccount("100");
    auto ws = subscribe("/ws/orders?user_id=" + user);
    const std::string before = newOrder(user, "1", "before the restart");
    ASSERT_TRUE(ws->waitFor(statusFrame(before, "FINISHED"), 30s));

    ASSERT_TRUE(rabbitCtl("stop_app"));
    m_stopped = true;
    // The gateway notices: its status feed is down, so it reports itself not ready.
    EXPECT_TRUE(testing::waitUntil([&] { return api().get("/health/ready").status == 503; }, 30s));
    ASSERT_TRUE(rabbitCtl("start_app"));
    m_stopped = false;
    // Everyone reconnects (capped backoff) and the gateway declares a fresh queue.
    ASSERT_TRUE(testing::waitUntil([&] { return api().get("/health/ready").status == 200; }, 60s))
        << api().get("/health/ready").describe();

    // Whatever happened during the outage never reached the gateway: the socket is closed with
    // 1012 rather than left open and silently behind.
    ASSERT_TRUE(testing::waitUntil(
        [&] {
            ws->next(100ms);
            return ws->closed();
        },
        30s))
        << "the WebSocket stayed open after events may have been missed";
    EXPECT_EQ(ws->closeCode(), 1012);

    auto again = subscribe("/ws/orders?user_id=" + user);
    const std::string after = newOrder(user, "2", "after the restart");
    EXPECT_TRUE(again->waitFor(statusFrame(after, "NEW"), 30s)) << "no NEW frame after the restart";
    EXPECT_TRUE(again->waitFor(statusFrame(after, "FINISHED"), 30s))
        << "no FINISHED frame after the restart";
}

}  // namespace
}  // namespace shop::wstest
