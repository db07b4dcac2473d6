#include <optional>
#include <string_view>

#include <gtest/gtest.h>

#include "shop/domain/order_status.hpp"

namespace shop::domain {
namespace {

TEST(OrderStatus, HasWireNames) {
    EXPECT_EQ(toString(OrderStatus::New), "NEW");
    EXPECT_EQ(toString(OrderStatus::Finished), "FINISHED");
    EXPECT_EQ(toString(OrderStatus::Cancelled), "CANCELLED");
    EXPECT_EQ(toString(OrderStatus::Refunded), "REFUNDED");
}

TEST(OrderStatus, ParsesWireNamesRoundTrip) {
    for (OrderStatus status :
         {OrderStatus::New, OrderStatus::Finished, OrderStatus::Cancelled, OrderStatus::Refunded}) {
        SCOPED_TRACE(toString(status));
        EXPECT_EQ(parseOrderStatus(toString(status)), status);
    }
}

TEST(OrderStatus, ParsesExactUppercaseOnly) {
    for (std::string_view text : {"new", "New", " NEW", "NEW ", "", "CANCELED", "PAID"}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(parseOrderStatus(text), std::nullopt);
    }
    EXPECT_EQ(parseOrderStatus(std::string_view("NEW\0", 4)), std::nullopt);
}

TEST(OrderStatus, OnlyFinishedAndCancelledSettleAPayment) {
    EXPECT_FALSE(isSettled(OrderStatus::New));
    EXPECT_TRUE(isSettled(OrderStatus::Finished));
    EXPECT_TRUE(isSettled(OrderStatus::Cancelled));
    EXPECT_FALSE(isSettled(OrderStatus::Refunded));
}

TEST(OrderStatus, NewIsSettledOnceAndOnlyFinishedIsRefunded) {
    EXPECT_TRUE(canTransition(OrderStatus::New, OrderStatus::Finished));
    EXPECT_TRUE(canTransition(OrderStatus::New, OrderStatus::Cancelled));
    EXPECT_FALSE(canTransition(OrderStatus::New, OrderStatus::New));
    EXPECT_FALSE(canTransition(OrderStatus::Finished, OrderStatus::Cancelled));
    EXPECT_FALSE(canTransition(OrderStatus::Cancelled, OrderStatus::Finished));
    EXPECT_FALSE(canTransition(OrderStatus::Finished, OrderStatus::New));
    EXPECT_FALSE(canTransition(OrderStatus::Finished, OrderStatus::Finished));
    EXPECT_TRUE(canTransition(OrderStatus::Finished, OrderStatus::Refunded));
    EXPECT_FALSE(canTransition(OrderStatus::New, OrderStatus::Refunded));
    EXPECT_FALSE(canTransition(OrderStatus::Cancelled, OrderStatus::Refunded));
    EXPECT_FALSE(canTransition(OrderStatus::Refunded, OrderStatus::Finished));
}

TEST(FailureReason, HasWireNamesAndParsesThem) {
    EXPECT_EQ(toString(FailureReason::InsufficientFunds), "INSUFFICIENT_FUNDS");
    EXPECT_EQ(toString(FailureReason::AccountNotFound), "ACCOUNT_NOT_FOUND");
    EXPECT_EQ(parseFailureReason("INSUFFICIENT_FUNDS"), FailureReason::InsufficientFunds);
    EXPECT_EQ(parseFailureReason("ACCOUNT_NOT_FOUND"), FailureReason::AccountNotFound);
}

TEST(FailureReason, RejectsOtherText) {
    for (std::string_view text : {"insufficient_funds", "", "INSUFFICIENT FUNDS", "NOT_FOUND"}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(parseFailureReason(text), std::nullopt);
    }
}

}  // namespace
}  // namespace shop::domain
