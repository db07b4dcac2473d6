// The end-to-end test program: starts the real gateway, orders and payments once (a global
// environment) and runs every test through the gateway.
#include <gtest/gtest.h>

#include "support/stack.hpp"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    auto* stack = new shop::e2e::Stack(shop::e2e::StackSettings::fromEnvironment(SHOP_E2E_LOG_DIR));
    ::testing::AddGlobalTestEnvironment(stack);  // owned by GoogleTest from here on
    ::testing::UnitTest::GetInstance()->listeners().Append(new shop::e2e::LogTailOnFailure);
    return RUN_ALL_TESTS();
}
