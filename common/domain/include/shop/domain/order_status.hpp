#pragma once

#include <optional>
#include <string_view>

namespace shop::domain {

/// The life cycle of an order: NEW, then FINISHED (paid) or CANCELLED (payment refused); a
/// FINISHED order whose completed refunds add up to its whole amount becomes REFUNDED.
enum class OrderStatus { New, Finished, Cancelled, Refunded };

/// Why a payment was refused and its order cancelled.
enum class FailureReason { InsufficientFunds, AccountNotFound };

/// The wire name: "NEW", "FINISHED", "CANCELLED" or "REFUNDED". The view refers to static storage.
std::string_view toString(OrderStatus status);

/// Parses a wire name; exact uppercase only ("new" and " NEW" are rejected).
std::optional<OrderStatus> parseOrderStatus(std::string_view text);

/// True for FINISHED and CANCELLED, the ends of the payment (a FINISHED order may still be
/// refunded: REFUNDED follows it alone).
bool isSettled(OrderStatus status);

/// True when an order may move from `from` to `to`: NEW -> FINISHED, NEW -> CANCELLED and
/// FINISHED -> REFUNDED.
bool canTransition(OrderStatus from, OrderStatus to);

/// The wire name: "INSUFFICIENT_FUNDS" or "ACCOUNT_NOT_FOUND". The view refers to static storage.
std::string_view toString(FailureReason reason);

/// Parses a wire name; exact uppercase only.
std::optional<FailureReason> parseFailureReason(std::string_view text);

}  // namespace shop::domain
