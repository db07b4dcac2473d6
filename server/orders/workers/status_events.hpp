#pragma once

#include <string>

#include "repository/orders_repository.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::orders {

/// Puts an OrderStatusChanged for the order's current state in the outbox, in the caller's
/// transaction.
void enqueueStatusChanged(pg::Transaction& tx, const OrderRow& order, const std::string& requestId);
/// The same in a consumer's DeliveryTransaction (batched with the other deliveries' events).
void enqueueStatusChanged(outbox::DeliveryTransaction& work, const OrderRow& order,
                          const std::string& requestId);

/// The OrderStatusChanged outbox message for the order's current state.
outbox::OutboxMessage statusChangedMessage(const OrderRow& order, const std::string& requestId);

}  // namespace shop::orders
