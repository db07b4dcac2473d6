#pragma once

#include <span>
#include <string_view>
#include <vector>

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

/// handlePaymentRequested for a batch, set-based: two statements decide every payment of the
/// batch (accounts_repository::decidePayments), a third writes their PaymentResults together with
/// the COMMIT. Throws outbox::BatchAbandoned, having changed nothing, when a delivery is malformed
/// (it is dead-lettered on its own).
std::vector<outbox::Disposition> handlePaymentsRequested(
    pg::Pool& pool, std::span<const amqp::Delivery> deliveries);

}  // namespace shop::payments
