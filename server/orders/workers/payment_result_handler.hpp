#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "shop/amqp/message.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/pg/pool.hpp"

namespace shop::orders {

inline constexpr std::string_view kOrdersConsumer = "orders.payment-result";

/// Applies one PaymentResult in one transaction: inbox row (dedupe), the status change (only from
/// NEW, with a version bump) and an OrderStatusChanged in the outbox. A duplicate, or a result for
/// an order already settled, has no effect; a malformed message or one for an unknown order is
/// dead-lettered.
outbox::Disposition handlePaymentResult(pg::Pool& pool, const amqp::Delivery& delivery);

/// handlePaymentResult for a batch, set-based: one statement claims and settles every order of
/// the batch, and one more writes their OrderStatusChanged rows together with the COMMIT. Throws
/// outbox::BatchAbandoned, having changed nothing, when a delivery needs handling on its own
/// (malformed, an unknown order, two results for one order).
std::vector<outbox::Disposition> handlePaymentResults(pg::Pool& pool,
                                                      std::span<const amqp::Delivery> deliveries);

}  // namespace shop::orders
