#include <gtest/gtest.h>

#include "shop/events/events.hpp"

namespace shop::events {
namespace {

PaymentRequested sampleRequest() {
    return PaymentRequested{
        "0b5e7c1a-4a58-4f3e-9c43-6b0e2f6d9a11", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", 19999,
        "2026-12-05T12:00:00.123456Z",          "two \"quoted\" lamps"};
}

TEST(Events, APaymentRequestedSurvivesItsJson) {
    const PaymentRequested request = sampleRequest();
    const PaymentRequested parsed = parsePaymentRequested(toJson(request));
    EXPECT_EQ(parsed.eventId, request.eventId);
    EXPECT_EQ(parsed.orderId, request.orderId);
    EXPECT_EQ(parsed.userId, request.userId);
    EXPECT_EQ(parsed.amount, request.amount);
    EXPECT_EQ(parsed.occurredAt, request.occurredAt);
    EXPECT_EQ(parsed.description, request.description);
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
    EXPECT_EQ(status.description, request.description);
    EXPECT_EQ(status.createdAt, request.occurredAt);
    EXPECT_EQ(status.refundedAmount, 0);
    // The same as orders would have published for it: it parses as an OrderStatusChanged.
    const OrderStatusChanged reparsed = parseOrderStatusChanged(toJson(status));
    EXPECT_EQ(reparsed.status, domain::OrderStatus::New);
    EXPECT_EQ(reparsed.version, 1);
}

TEST(Events, AMalformedPaymentRequestedIsRefused) {
    EXPECT_THROW(parsePaymentRequested(R"({"event_id":"x"})"), MalformedEvent);
    EXPECT_THROW(parsePaymentRequested("not json"), MalformedEvent);
}

TEST(Events, AStatusChangeCarriesTheWholeOrder) {
    OrderStatusChanged change{"0b5e7c1a-4a58-4f3e-9c43-6b0e2f6d9a11",
                              "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                              "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                              domain::OrderStatus::Refunded,
                              std::nullopt,
                              4,
                              5000,
                              "2026-12-05T12:00:03Z",
                              "a lamp",
                              "2026-12-05T12:00:00Z",
                              5000};
    const OrderStatusChanged parsed = parseOrderStatusChanged(toJson(change));
    EXPECT_EQ(parsed.status, domain::OrderStatus::Refunded);
    EXPECT_EQ(parsed.version, 4);
    EXPECT_EQ(parsed.description, "a lamp");
    EXPECT_EQ(parsed.createdAt, "2026-12-05T12:00:00Z");
    EXPECT_EQ(parsed.refundedAmount, 5000);
}

TEST(Events, AStatusChangeFromAnOlderProducerLacksOnlyTheNewFields) {
    const OrderStatusChanged parsed = parseOrderStatusChanged(
        R"({"event_id":"0b5e7c1a-4a58-4f3e-9c43-6b0e2f6d9a11","order_id":)"
        R"("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f","user_id":"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",)"
        R"("status":"FINISHED","failure_reason":null,"version":2,"amount":"10.00",)"
        R"("occurred_at":"2026-12-05T12:00:03Z"})");
    EXPECT_EQ(parsed.status, domain::OrderStatus::Finished);
    EXPECT_EQ(parsed.description, "");
    EXPECT_EQ(parsed.refundedAmount, 0);
}

TEST(Events, ARefundRequestAndItsResultSurviveTheirJson) {
    const RefundRequested request{"0b5e7c1a-4a58-4f3e-9c43-6b0e2f6d9a11",
                                  "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60",
                                  "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                                  "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
                                  1250,
                                  "2026-12-05T12:00:00Z"};
    const RefundRequested parsed = parseRefundRequested(toJson(request));
    EXPECT_EQ(parsed.refundId, request.refundId);
    EXPECT_EQ(parsed.orderId, request.orderId);
    EXPECT_EQ(parsed.userId, request.userId);
    EXPECT_EQ(parsed.amount, 1250);

    const RefundResult result{"3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b",
                              request.refundId,
                              request.orderId,
                              request.userId,
                              9000,
                              "2026-12-05T12:00:01Z"};
    const std::string json = toJson(result);
    EXPECT_NE(json.find(R"("outcome":"SUCCEEDED")"), std::string::npos) << json;
    const RefundResult back = parseRefundResult(json);
    EXPECT_EQ(back.refundId, request.refundId);
    EXPECT_EQ(back.balanceAfter, 9000);
}

TEST(Events, AMalformedRefundMessageIsRefused) {
    EXPECT_THROW(parseRefundRequested(R"({"event_id":"x"})"), MalformedEvent);
    // A refund of nothing, or of less than nothing, is no refund.
    for (const char* amount : {"0", "-1.00", "1.005"}) {
        SCOPED_TRACE(amount);
        EXPECT_THROW(parseRefundRequested(
                         std::string(R"({"event_id":"0b5e7c1a-4a58-4f3e-9c43-6b0e2f6d9a11",)") +
                         R"("refund_id":"2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60",)" +
                         R"("order_id":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",)" +
                         R"("user_id":"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a","amount":")" + amount +
                         R"(","occurred_at":"2026-12-05T12:00:00Z"})"),
                     MalformedEvent);
    }
    EXPECT_THROW(
        parseRefundResult(R"({"event_id":"0b5e7c1a-4a58-4f3e-9c43-6b0e2f6d9a11",)"
                          R"("refund_id":"2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60",)"
                          R"("order_id":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",)"
                          R"("user_id":"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a","outcome":"FAILED",)"
                          R"("balance_after":"1.00","occurred_at":"2026-12-05T12:00:00Z"})"),
        MalformedEvent);
}

}  // namespace
}  // namespace shop::events
