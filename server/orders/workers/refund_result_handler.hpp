#pragma once

#include <string_view>

#include "shop/amqp/message.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/pg/pool.hpp"

namespace shop::orders {

inline constexpr std::string_view kRefundResultsConsumer = "orders.refund-result";

/// Applies one RefundResult in one transaction: inbox row (dedupe), the refund COMPLETED, the
/// order's refunded_amount and version up (REFUNDED when nothing is left), and an
/// OrderStatusChanged in the outbox. A duplicate, or a result for a refund already completed,
/// has no effect; a malformed message or one for an unknown refund is dead-lettered.
outbox::Disposition handleRefundResult(pg::Pool& pool, const amqp::Delivery& delivery);

}  // namespace shop::orders
