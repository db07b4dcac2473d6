#include "workers/refund_result_handler.hpp"

#include "repository/refunds_repository.hpp"
#include "shop/core/log.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/service/deliveries.hpp"
#include "workers/status_events.hpp"

namespace shop::orders {

outbox::Disposition handleRefundResult(pg::Pool& pool, const amqp::Delivery& delivery) {
    const std::string& messageId = delivery.message.messageId;
    const std::string requestId = service::requestIdOf(delivery);
    const auto parsed = service::parseDelivery(delivery, "RefundResult", events::parseRefundResult);
    if (!parsed) {
        return outbox::Disposition::DeadLetter;
    }
    const events::RefundResult& result = *parsed;

    outbox::DeliveryTransaction work(pool);
    auto [claimed, known, order] = refunds_repository::claimAndComplete(
        work.transaction(), kRefundResultsConsumer, messageId, result.refundId);
    if (!claimed) {
        work.commit();
        core::logDebug(
            "duplicate RefundResult ignored",
            {{"message_id", messageId}, {"refund_id", result.refundId}, {"request_id", requestId}});
        return outbox::Disposition::Duplicate;
    }
    if (!known) {
        // Roll back the inbox row too: the message goes to the DLQ, where it can be re-driven.
        work.rollback();
        core::logWarn(
            "dead-lettering RefundResult for an unknown refund",
            {{"message_id", messageId}, {"refund_id", result.refundId}, {"request_id", requestId}});
        return outbox::Disposition::DeadLetter;
    }
    if (!order) {
        work.commit();
        core::logDebug(
            "RefundResult for a completed refund ignored",
            {{"message_id", messageId}, {"refund_id", result.refundId}, {"request_id", requestId}});
        return outbox::Disposition::Ack;
    }
    enqueueStatusChanged(work, *order, requestId);
    work.commit();
    core::logDebug("refund completed", {{"message_id", messageId},
                                        {"refund_id", result.refundId},
                                        {"order_id", order->orderId},
                                        {"status", domain::toString(order->status)},
                                        {"request_id", requestId}});
    return outbox::Disposition::Ack;
}

}  // namespace shop::orders
