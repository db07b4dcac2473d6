#pragma once

#include <string_view>

#include "shop/amqp/message.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/pg/pool.hpp"

namespace shop::payments {

inline constexpr std::string_view kRefundsConsumer = "payments.refund-requested";

/// Credits one RefundRequested in one transaction: inbox row (dedupe), the refunded part of the
/// order's payment (never past its debit), the account's credit with its REFUND ledger entry
/// (unique per refund), and the RefundResult in the outbox. A duplicate (same message id, or a
/// refund already credited) has no effect. A malformed message, or a refund this service must
/// refuse (the order was never debited, or the refund would pass its debit), is dead-lettered
/// with a log line saying why.
outbox::Disposition handleRefundRequested(pg::Pool& pool, const amqp::Delivery& delivery);

}  // namespace shop::payments
