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

inline constexpr std::string_view kPaymentRequestedKey = "payment.requested";
inline constexpr std::string_view kPaymentResultKey = "payment.result";
inline constexpr std::string_view kOrderStatusKey = "order.status";

inline constexpr std::string_view kPaymentRequestedQueue = "payments.payment-requested";
inline constexpr std::string_view kPaymentResultQueue = "orders.payment-result";

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
};

std::string toJson(const PaymentRequested& event);
std::string toJson(const PaymentResult& event);
std::string toJson(const OrderStatusChanged& event);

/// Each parser checks every field (ids are UUIDs, money is exact, enums are known) and throws
/// MalformedEvent with the reason otherwise.
PaymentRequested parsePaymentRequested(std::string_view body);
PaymentResult parsePaymentResult(std::string_view body);
OrderStatusChanged parseOrderStatusChanged(std::string_view body);

/// The status an order has when its PaymentRequested goes out: NEW, version 1, as of the
/// event's occurred_at. Orders publishes no OrderStatusChanged for a new order; whoever shows
/// statuses (the gateways) takes this one from the PaymentRequested, one message fewer per order.
OrderStatusChanged newOrderStatus(const PaymentRequested& request);

}  // namespace shop::events
