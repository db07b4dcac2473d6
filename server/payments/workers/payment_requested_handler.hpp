#pragma once

#include "shop/amqp/message.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/pg/pool.hpp"

namespace shop::payments {

inline constexpr std::string_view kPaymentsConsumer = "payments.payment-requested";

/// Decides one PaymentRequested in one transaction: inbox row (dedupe), conditional debit with a
/// ledger row, a payment row unique per order, and the PaymentResult in the outbox. A duplicate
/// (same message id, or an order already decided) has no effect. A malformed message is
/// dead-lettered.
outbox::Disposition handlePaymentRequested(pg::Pool& pool, const amqp::Delivery& delivery);

}  // namespace shop::payments
