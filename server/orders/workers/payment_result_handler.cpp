#include "workers/payment_result_handler.hpp"

#include <unordered_set>

#include "repository/orders_repository.hpp"
#include "shop/core/log.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/service/deliveries.hpp"
#include "workers/status_events.hpp"

namespace shop::orders {

outbox::Disposition handlePaymentResult(pg::Pool& pool, const amqp::Delivery& delivery) {
    const std::string& messageId = delivery.message.messageId;
    const std::string requestId = service::requestIdOf(delivery);
    const auto parsed =
        service::parseDelivery(delivery, "PaymentResult", events::parsePaymentResult);
    if (!parsed) {
        return outbox::Disposition::DeadLetter;
    }
    const events::PaymentResult& result = *parsed;

    outbox::DeliveryTransaction work(pool);
    pg::Transaction& tx = work.transaction();
    const bool succeeded = result.outcome == events::PaymentOutcome::Succeeded;
    auto [claimed, order] = orders_repository::claimAndSettle(
        tx, kOrdersConsumer, messageId, result.orderId,
        succeeded ? domain::OrderStatus::Finished : domain::OrderStatus::Cancelled,
        result.failureReason);
    if (!claimed) {
        work.commit();
        core::logDebug(
            "duplicate PaymentResult ignored",
            {{"message_id", messageId}, {"order_id", result.orderId}, {"request_id", requestId}});
        return outbox::Disposition::Duplicate;
    }
    if (!order) {
        if (!orders_repository::find(tx, result.orderId)) {
            // Roll back the inbox row too: the message goes to the DLQ, where it can be re-driven.
            // (Inside a batch this abandons the batch, and the message is redone alone.)
            work.rollback();
            core::logWarn("dead-lettering PaymentResult for an unknown order",
                          {{"message_id", messageId},
                           {"order_id", result.orderId},
                           {"request_id", requestId}});
            return outbox::Disposition::DeadLetter;
        }
        work.commit();
        core::logDebug(
            "PaymentResult for a settled order ignored",
            {{"message_id", messageId}, {"order_id", result.orderId}, {"request_id", requestId}});
        return outbox::Disposition::Ack;
    }
    enqueueStatusChanged(work, *order, requestId);
    work.commit();
    core::logDebug("order settled", {{"message_id", messageId},
                                     {"order_id", order->orderId},
                                     {"status", domain::toString(order->status)},
                                     {"request_id", requestId}});
    return outbox::Disposition::Ack;
}

std::vector<outbox::Disposition> handlePaymentResults(pg::Pool& pool,
                                                      std::span<const amqp::Delivery> deliveries) {
    std::vector<outbox::Disposition> dispositions(deliveries.size(), outbox::Disposition::Ack);
    std::vector<Settlement> settlements;
    std::vector<std::size_t> settlementOf;  // index in `deliveries` of each settlement
    std::unordered_set<std::string> messageIds, orderIds;
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
        const amqp::Message& message = deliveries[i].message;
        if (!messageIds.insert(message.messageId).second) {
            dispositions[i] = outbox::Disposition::Duplicate;  // twice in this batch
            continue;
        }
        events::PaymentResult result;
        try {
            if (message.messageId.empty()) {
                throw events::MalformedEvent("message has no message_id");
            }
            result = events::parsePaymentResult(message.body);
        } catch (const events::MalformedEvent&) {
            throw outbox::BatchAbandoned("a malformed PaymentResult is dead-lettered on its own");
        }
        if (!orderIds.insert(result.orderId).second) {
            throw outbox::BatchAbandoned("two PaymentResults for one order in a batch");
        }
        settlements.push_back(Settlement{message.messageId, result.orderId,
                                         result.outcome == events::PaymentOutcome::Succeeded
                                             ? domain::OrderStatus::Finished
                                             : domain::OrderStatus::Cancelled,
                                         result.failureReason});
        settlementOf.push_back(i);
    }

    pg::Transaction tx(pool);
    const auto outcomes = orders_repository::claimAndSettleAll(tx, kOrdersConsumer, settlements);
    std::vector<outbox::OutboxMessage> changes;
    for (std::size_t s = 0; s < outcomes.size(); ++s) {
        const auto& outcome = outcomes[s];
        const amqp::Delivery& delivery = deliveries[settlementOf[s]];
        if (!outcome.claimed) {
            dispositions[settlementOf[s]] = outbox::Disposition::Duplicate;
        } else if (!outcome.known) {
            throw outbox::BatchAbandoned("a PaymentResult for an unknown order");
        } else if (outcome.order) {
            const std::string* requestId = delivery.message.header("x-request-id");
            changes.push_back(statusChangedMessage(*outcome.order, requestId ? *requestId : ""));
        }
    }
    outbox::enqueueAllAndCommit(tx, changes);
    return dispositions;
}

}  // namespace shop::orders
