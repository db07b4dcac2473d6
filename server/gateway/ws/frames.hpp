#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shop/domain/json.hpp"
#include "shop/events/events.hpp"

namespace shop::gateway {

/// One `order.status` push (CONTRACT section 3): the whole order, so that a client can show it
/// without reading it again over REST.
struct StatusFrame {
    std::string orderId;
    std::string userId;
    std::string status;                        ///< NEW, FINISHED, CANCELLED, REFUNDED
    std::optional<std::string> failureReason;  ///< null unless CANCELLED
    std::int64_t version = 0;
    std::string amount;          ///< two decimals, as in the REST Order
    std::string refundedAmount;  ///< completed refunds, two decimals ("0.00" when none)
    std::string description;
    std::string createdAt;
    std::string updatedAt;
};

/// The frame for a status event; `updated_at` is the event's `occurred_at`.
StatusFrame frameFromEvent(const events::OrderStatusChanged& event);

/// The frame for an Order object as GET /orders/{order_id} returns it (the `data` member);
/// nullopt when a field is missing or has the wrong type. Every field of the frame is required:
/// orders always sends them, and a snapshot short of one would not be the whole order.
std::optional<StatusFrame> frameFromOrder(const domain::Json& order);

/// `{"type":"order.status","order_id",...,"updated_at"}`, in the contract's order.
std::string toJson(const StatusFrame& frame);

/// `{"type":"error","code":...,"message":...}`.
std::string errorFrameJson(std::string_view code, std::string_view message);

}  // namespace shop::gateway
