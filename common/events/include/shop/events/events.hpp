#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "shop/domain/money.hpp"
#include "shop/domain/order_status.hpp"

namespace shop::events {

/// The one topic exchange every event goes through (CONTRACT section 4).
inline constexpr std::string_view kExchange = "shop.events";

inline constexpr std::string_view kPaymentRequestedType = "PaymentRequested";
inline constexpr std::string_view kPaymentResultType = "PaymentResult";
inline constexpr std::string_view kOrderStatusChangedType = "OrderStatusChanged";
inline constexpr std::string_view kRefundRequestedType = "RefundRequested";
inline constexpr std::string_view kRefundResultType = "RefundResult";

inline constexpr std::string_view kPaymentRequestedKey = "payment.requested";
inline constexpr std::string_view kPaymentResultKey = "payment.result";
inline constexpr std::string_view kOrderStatusKey = "order.status";
inline constexpr std::string_view kRefundRequestedKey = "refund.requested";
inline constexpr std::string_view kRefundResultKey = "refund.result";

inline constexpr std::string_view kPaymentRequestedQueue = "payments.payment-requested";
inline constexpr std::string_view kPaymentResultQueue = "orders.payment-result";
inline constexpr std::string_view kRefundRequestedQueue = "payments.refund-requested";
inline constexpr std::string_view kRefundResultQueue = "orders.refund-result";

/// A message body that cannot be turned into its event: not JSON, wrong shape or values.
/// Such a message is dead-lettered, never retried.
class MalformedEvent final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct PaymentRequested {
    std::string eventId;
    std::string orderId;
    std::string userId;
    domain::Minor amount = 0;
    std::string occurredAt;
    /// The order's description, for the status frames of a new order (newOrderStatus); payments
    /// ignores it. Empty when a producer did not send it.
    std::string description;
};

enum class PaymentOutcome { Succeeded, Failed };

struct PaymentResult {
    std::string eventId;
    std::string orderId;
    std::string userId;
    PaymentOutcome outcome = PaymentOutcome::Failed;
    std::optional<domain::FailureReason> failureReason;
    std::optional<domain::Minor> balanceAfter;
    std::string occurredAt;
};

struct OrderStatusChanged {
    std::string eventId;
    std::string orderId;
    std::string userId;
    domain::OrderStatus status = domain::OrderStatus::New;
    std::optional<domain::FailureReason> failureReason;
    std::int64_t version = 1;
    domain::Minor amount = 0;
    std::string occurredAt;
    /// The rest of the order, so that a status frame shows it whole (CONTRACT section 3). A
    /// producer that did not send them leaves "" and 0.
    std::string description;
    std::string createdAt;
    domain::Minor refundedAmount = 0;
};

/// Orders asks payments to give back part or all of a FINISHED order's amount.
struct RefundRequested {
    std::string eventId;
    std::string refundId;
    std::string orderId;
    std::string userId;
    domain::Minor amount = 0;
    std::string occurredAt;
};

/// Payments credited the refund (the only outcome: a refund it cannot take is dead-lettered).
struct RefundResult {
    std::string eventId;
    std::string refundId;
    std::string orderId;
    std::string userId;
    domain::Minor balanceAfter = 0;
    std::string occurredAt;
};

std::string toJson(const PaymentRequested& event);
std::string toJson(const PaymentResult& event);
std::string toJson(const OrderStatusChanged& event);
std::string toJson(const RefundRequested& event);
std::string toJson(const RefundResult& event);

/// Each parser checks every field (ids are UUIDs, money is exact, enums are known) and throws
/// MalformedEvent with the reason otherwise.
PaymentRequested parsePaymentRequested(std::string_view body);
PaymentResult parsePaymentResult(std::string_view body);
OrderStatusChanged parseOrderStatusChanged(std::string_view body);
RefundRequested parseRefundRequested(std::string_view body);
RefundResult parseRefundResult(std::string_view body);

/// The status an order has when its PaymentRequested goes out: NEW, version 1, created and
/// updated at the event's occurred_at, nothing refunded. Orders publishes no OrderStatusChanged for
/// a new order; whoever shows statuses (the gateways) takes this one from the PaymentRequested, one
/// message fewer per order.
OrderStatusChanged newOrderStatus(const PaymentRequested& request);

}  // namespace shop::events
