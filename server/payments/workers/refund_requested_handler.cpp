#include "workers/refund_requested_handler.hpp"

#include "repository/refunds_repository.hpp"
#include "shop/core/clock.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/service/deliveries.hpp"

namespace shop::payments {

outbox::Disposition handleRefundRequested(pg::Pool& pool, const amqp::Delivery& delivery) {
    const std::string& messageId = delivery.message.messageId;
    const std::string requestId = service::requestIdOf(delivery);
    const auto parsed =
        service::parseDelivery(delivery, "RefundRequested", events::parseRefundRequested);
    if (!parsed) {
        return outbox::Disposition::DeadLetter;
    }
    const events::RefundRequested& request = *parsed;
    auto say = [&](core::LogLevel level, std::string_view message) {
        if (core::logEnabled(level)) {
            core::log(level, message,
                      {{"message_id", messageId},
                       {"refund_id", request.refundId},
                       {"order_id", request.orderId},
                       {"request_id", requestId}});
        }
    };

    outbox::DeliveryTransaction work(pool);
    const RefundCredit credit = refunds_repository::creditRefund(
        work.transaction(), kRefundsConsumer, messageId, request.refundId, request.orderId,
        request.userId, request.amount);
    if (!credit.claimed || credit.alreadyCredited) {
        work.commit();
        say(core::LogLevel::Debug, "duplicate RefundRequested ignored");
        return outbox::Disposition::Duplicate;
    }
    if (!credit.balanceAfter) {
        // Roll back the inbox row too: the message goes to the DLQ, where it can be re-driven
        // once whatever is wrong has been put right.
        work.rollback();
        say(core::LogLevel::Warn,
            "dead-lettering RefundRequested: no successful payment of this order by this user "
            "has that much left to refund");
        return outbox::Disposition::DeadLetter;
    }
    events::RefundResult result{domain::newUuid(), request.refundId,     request.orderId,
                                request.userId,    *credit.balanceAfter, core::nowRfc3339()};
    work.enqueue(outbox::OutboxMessage{result.eventId, std::string(events::kRefundResultType),
                                       std::string(events::kRefundResultKey), request.orderId,
                                       events::toJson(result), requestId});
    work.commit();
    say(core::LogLevel::Debug, "refund credited");
    return outbox::Disposition::Ack;
}

}  // namespace shop::payments
