// A WebSocket end-to-end test program: starts the real gateway, orders and payments once (a
// global environment, tests/e2e/support) and runs its tests against them.
#include <gtest/gtest.h>

#include "shop/core/limits.hpp"
#include "support/stack.hpp"

int main(int argc, char** argv) {
    // Thousands of sockets in this process (and in the gateway, which inherits the limit).
    shop::core::raiseOpenFileLimit();
    ::testing::InitGoogleTest(&argc, argv);
    auto* stack = new shop::e2e::Stack(shop::e2e::StackSettings::fromEnvironment(SHOP_E2E_LOG_DIR));
    ::testing::AddGlobalTestEnvironment(stack);  // owned by GoogleTest from here on
    ::testing::UnitTest::GetInstance()->listeners().Append(new shop::e2e::LogTailOnFailure);
    return RUN_ALL_TESTS();
}
