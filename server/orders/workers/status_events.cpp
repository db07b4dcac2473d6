#include "workers/status_events.hpp"

#include "shop/core/clock.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/outbox.hpp"

namespace shop::orders {

void enqueueStatusChanged(pg::Transaction& tx, const OrderRow& order,
                          const std::string& requestId) {
    events::OrderStatusChanged event{domain::newUuid(), order.orderId,       order.userId,
                                     order.status,      order.failureReason, order.version,
                                     order.amount,      core::nowRfc3339()};
    outbox::enqueue(
        tx, outbox::OutboxMessage{event.eventId, std::string(events::kOrderStatusChangedType),
                                  std::string(events::kOrderStatusKey), order.orderId,
                                  events::toJson(event), requestId});
}

}  // namespace shop::orders
