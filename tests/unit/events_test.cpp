#include <gtest/gtest.h>

#include "shop/events/events.hpp"

namespace shop::events {
namespace {

PaymentRequested sampleRequest() {
    return PaymentRequested{
        "0b5e7c1a-4a58-4f3e-9c43-6b0e2f6d9a11", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", 19999, "2026-12-05T12:00:00.123456Z"};
}

TEST(Events, APaymentRequestedSurvivesItsJson) {
    const PaymentRequested request = sampleRequest();
    const PaymentRequested parsed = parsePaymentRequested(toJson(request));
    EXPECT_EQ(parsed.eventId, request.eventId);
    EXPECT_EQ(parsed.orderId, request.orderId);
    EXPECT_EQ(parsed.userId, request.userId);
    EXPECT_EQ(parsed.amount, request.amount);
    EXPECT_EQ(parsed.occurredAt, request.occurredAt);
}

TEST(Events, APaymentRequestedIsItsOrdersNewStatus) {
    const PaymentRequested request = sampleRequest();
    const OrderStatusChanged status = newOrderStatus(request);
    EXPECT_EQ(status.eventId, request.eventId);
    EXPECT_EQ(status.orderId, request.orderId);
    EXPECT_EQ(status.userId, request.userId);
    EXPECT_EQ(status.status, domain::OrderStatus::New);
    EXPECT_FALSE(status.failureReason.has_value());
    EXPECT_EQ(status.version, 1);
    EXPECT_EQ(status.amount, request.amount);
    EXPECT_EQ(status.occurredAt, request.occurredAt);
    // The same as orders would have published for it: it parses as an OrderStatusChanged.
    const OrderStatusChanged reparsed = parseOrderStatusChanged(toJson(status));
    EXPECT_EQ(reparsed.status, domain::OrderStatus::New);
    EXPECT_EQ(reparsed.version, 1);
}

TEST(Events, AMalformedPaymentRequestedIsRefused) {
    EXPECT_THROW(parsePaymentRequested(R"({"event_id":"x"})"), MalformedEvent);
    EXPECT_THROW(parsePaymentRequested("not json"), MalformedEvent);
}

}  // namespace
}  // namespace shop::events
