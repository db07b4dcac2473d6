#include "workers/payment_requested_handler.hpp"

#include "repository/accounts_repository.hpp"
#include "shop/core/clock.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/outbox/outbox.hpp"

namespace shop::payments {

outbox::Disposition handlePaymentRequested(pg::Pool& pool, const amqp::Delivery& delivery) {
    const std::string& messageId = delivery.message.messageId;
    const std::string* requestIdHeader = delivery.message.header("x-request-id");
    const std::string requestId = requestIdHeader ? *requestIdHeader : "";
    events::PaymentRequested request;
    try {
        if (messageId.empty()) {
            throw events::MalformedEvent("message has no message_id");
        }
        request = events::parsePaymentRequested(delivery.message.body);
    } catch (const events::MalformedEvent& error) {
        core::logWarn(
            "dead-lettering malformed PaymentRequested",
            {{"message_id", messageId}, {"request_id", requestId}, {"error", error.what()}});
        return outbox::Disposition::DeadLetter;
    }

    outbox::DeliveryTransaction work(pool);
    const PaymentDecision decision =
        accounts_repository::decidePayment(work.transaction(), kPaymentsConsumer, messageId,
                                           request.orderId, request.userId, request.amount);
    if (!decision.decided) {
        work.commit();
        core::logDebug(
            "duplicate PaymentRequested ignored",
            {{"message_id", messageId}, {"order_id", request.orderId}, {"request_id", requestId}});
        return outbox::Disposition::Duplicate;
    }

    events::PaymentResult result;
    result.eventId = domain::newUuid();
    result.orderId = request.orderId;
    result.userId = request.userId;
    result.occurredAt = core::nowRfc3339();
    result.outcome =
        decision.balanceAfter ? events::PaymentOutcome::Succeeded : events::PaymentOutcome::Failed;
    result.balanceAfter = decision.balanceAfter;
    result.failureReason = decision.failureReason;
    const bool succeeded = result.outcome == events::PaymentOutcome::Succeeded;
    work.enqueue(outbox::OutboxMessage{result.eventId, std::string(events::kPaymentResultType),
                                       std::string(events::kPaymentResultKey), request.orderId,
                                       events::toJson(result), requestId});
    work.commit();
    core::logDebug("payment decided", {{"message_id", messageId},
                                       {"order_id", request.orderId},
                                       {"outcome", succeeded ? "SUCCEEDED" : "FAILED"},
                                       {"request_id", requestId}});
    return outbox::Disposition::Ack;
}

}  // namespace shop::payments
