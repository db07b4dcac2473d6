// Smoke run of shop-bench against the end-to-end fixture's stack (real binaries, test PostgreSQL
// and RabbitMQ): a few seconds of open-loop load with refunds mixed in, then the agreed last
// line and a clean exit.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include "shop/testing/shell.hpp"
#include "support/stack.hpp"

namespace {

TEST(BenchSmoke, ShortOpenLoopRunEndsWithTheSummaryLine) {
    const auto& stack = shop::e2e::Stack::instance();
    const auto port = stack.gatewayPort();
    // shop-bench signs in as the operator with SHOP_ADMIN_USER / SHOP_ADMIN_PASSWORD from its
    // environment (its --user / --password default to them): passed that way rather than on the
    // command line, where every process could read the password.
    ASSERT_EQ(::setenv("SHOP_ADMIN_USER", stack.secrets().adminUser.c_str(), 1), 0);
    ASSERT_EQ(::setenv("SHOP_ADMIN_PASSWORD", stack.secrets().adminPassword.c_str(), 1), 0);
    const std::string command = shop::testing::shellQuote(SHOP_BENCH_BIN) +
                                " --gateway http://127.0.0.1:" + std::to_string(port) +
                                " --rate 40 --duration 3 --accounts 10 --drain 15 --skip-nginx"
                                " --refund-ratio 0.25"
                                " --out " +
                                shop::testing::shellQuote(SHOP_BENCH_OUT) + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    std::array<char, 4096> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        output.append(buffer.data(), n);
    }
    const int status = pclose(pipe);
    ASSERT_TRUE(WIFEXITED(status)) << output;
    EXPECT_EQ(WEXITSTATUS(status), 0) << output;

    while (!output.empty() && output.back() == '\n') {
        output.pop_back();
    }
    const std::string last = output.substr(output.rfind('\n') + 1);
    const std::regex shape(R"(bench: completed_per_s=[0-9]+\.[0-9] post_p99_ms=[0-9]+\.[0-9]{2} )"
                           R"(push_p99_ms=([0-9]+\.[0-9]{2}|unavailable) lost=0 errors=0)");
    EXPECT_TRUE(std::regex_match(last, shape)) << output;
    EXPECT_NE(output.find("balances: 0 skipped"), std::string::npos) << output;
    EXPECT_NE(output.find(", 10 checked, 0 wrong"), std::string::npos) << output;
    // A quarter of the orders were refunded as they finished, and every refund completed (the
    // balances above count them).
    std::smatch refunds;
    ASSERT_TRUE(
        std::regex_search(output, refunds,
                          std::regex(R"(refunds: offered=([0-9]+) sent=([0-9]+) accepted=([0-9]+) )"
                                     R"(completed=([0-9]+) not_paid=([0-9]+) unsettled=0)")))
        << output;
    EXPECT_GT(std::stoi(refunds[3]), 10) << output;
    EXPECT_EQ(refunds[3], refunds[4]) << output;
    EXPECT_EQ(refunds[2], refunds[3]) << output;
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(
        new shop::e2e::Stack(shop::e2e::StackSettings::fromEnvironment(SHOP_E2E_LOG_DIR)));
    return RUN_ALL_TESTS();
}
