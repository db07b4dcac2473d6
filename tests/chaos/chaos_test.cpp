// The chaos suite: one fault per scenario (a service killed, the broker stopped, PostgreSQL
// restarted, duplicates, poison) under a stream of orders or refunds, then every guarantee
// checked.
#include "chaos_fixture.hpp"
#include "shop/testing/shell.hpp"

namespace shop::chaos {
namespace {

using shop::testing::shellQuote;

/// Runs a command of the test stack's servers (rabbitmqctl, pg_ctl); true when it exits 0.
bool runCommand(const std::string& command) {
    const int rc = std::system((command + " >/dev/null 2>&1").c_str());
    return rc == 0;
}

TEST_F(ChaosTest, KillPayments) {
    runLoad([] { s_stack->killAndRestart("payments"); });
    checkBooks(0, 0);
}

TEST_F(ChaosTest, KillOrders) {
    runLoad([] { s_stack->killAndRestart("orders"); });
    checkBooks(0, 0);
}

TEST_F(ChaosTest, KillGateway) {
    runLoad([] { s_stack->killAndRestart("gateway"); });
    checkBooks(0, 0);
}

TEST_F(ChaosTest, StopRabbitMq) {
    runLoad([] {
        const std::string ctl = "env HOME=/var/lib/rabbitmq runuser -u rabbitmq -- " +
                                shellQuote(s_stack->rabbitCtl) + " -n " +
                                shellQuote(s_stack->rabbitNode);
        ASSERT_TRUE(runCommand(ctl + " stop_app"));
        // The outage itself: orders keep being accepted (they wait in the outbox) meanwhile.
        std::this_thread::sleep_for(5s);
        ASSERT_TRUE(runCommand(ctl + " start_app"));
    });
    checkBooks(0, 0);
}

TEST_F(ChaosTest, RestartPostgres) {
    runLoad([] {
        ASSERT_TRUE(runCommand("runuser -u postgres -- " + shellQuote(s_stack->pgCtl) + " -D " +
                               shellQuote(s_stack->pgData) + " restart -m fast -w -t 60"));
    });
    checkBooks(0, 0);
}

TEST_F(ChaosTest, DuplicateMessages) {
    Tap tap(s_stack->amqpUrl());
    int published = 0;
    runLoad([&] { published += publishDuplicates(tap); });
    published += publishDuplicates(tap);
    EXPECT_GT(published, 0);
    checkBooks(0, 0);
}

TEST_F(ChaosTest, KillPaymentsAndOrdersDuringRefunds) {
    runLoad([] {});
    // Quiet first, so that the refunds have FINISHED orders to give back.
    testing::waitUntil(
        [&] {
            pg::Connection orders(s_stack->ordersAdminUrl);
            return orders
                       .exec(
                           "SELECT count(*) FROM orders WHERE user_id = ANY($1::uuid[]) AND "
                           "status = 'NEW'",
                           userList())
                       .int64(0, 0) == 0;
        },
        120s, 100ms);
    runRefunds([] {
        s_stack->killAndRestart("payments");
        s_stack->killAndRestart("orders");
    });
    checkBooks(0, 0);
}

TEST_F(ChaosTest, PoisonMessages) {
    runLoad([&] { publishPoison(); });
    checkBooks(2, 3);
}

}  // namespace
}  // namespace shop::chaos
