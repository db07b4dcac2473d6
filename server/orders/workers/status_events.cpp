#include "workers/status_events.hpp"

#include "shop/core/clock.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"

namespace shop::orders {

outbox::OutboxMessage statusChangedMessage(const OrderRow& order, const std::string& requestId) {
    events::OrderStatusChanged event{domain::newUuid(), order.orderId,       order.userId,
                                     order.status,      order.failureReason, order.version,
                                     order.amount,      core::nowRfc3339(),  order.description,
                                     order.createdAt,   order.refundedAmount};
    return outbox::OutboxMessage{event.eventId,
                                 std::string(events::kOrderStatusChangedType),
                                 std::string(events::kOrderStatusKey),
                                 order.orderId,
                                 events::toJson(event),
                                 requestId};
}

void enqueueStatusChanged(outbox::DeliveryTransaction& work, const OrderRow& order,
                          const std::string& requestId) {
    work.enqueue(statusChangedMessage(order, requestId));
}

}  // namespace shop::orders
