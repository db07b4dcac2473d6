#pragma once

#include <string>

#include "repository/orders_repository.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/outbox/outbox.hpp"

namespace shop::orders {

/// Puts an OrderStatusChanged for the order's current state in the outbox, in a consumer's
/// DeliveryTransaction (batched with the other deliveries' events). A new order has none: its
/// PaymentRequested carries its NEW status (events::newOrderStatus).
void enqueueStatusChanged(outbox::DeliveryTransaction& work, const OrderRow& order,
                          const std::string& requestId);

/// The OrderStatusChanged outbox message for the order's current state.
outbox::OutboxMessage statusChangedMessage(const OrderRow& order, const std::string& requestId);

}  // namespace shop::orders
