#include "workers/payment_requested_handler.hpp"

#include <unordered_set>

#include "repository/accounts_repository.hpp"
#include "shop/core/clock.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/service/deliveries.hpp"

namespace shop::payments {
namespace {

/// The PaymentResult of a decided payment of `orderId` by `userId`, as an outbox message.
outbox::OutboxMessage resultMessage(const std::string& orderId, const std::string& userId,
                                    const PaymentDecision& decision, const std::string& requestId) {
    events::PaymentResult result;
    result.eventId = domain::newUuid();
    result.orderId = orderId;
    result.userId = userId;
    result.occurredAt = core::nowRfc3339();
    result.outcome =
        decision.balanceAfter ? events::PaymentOutcome::Succeeded : events::PaymentOutcome::Failed;
    result.balanceAfter = decision.balanceAfter;
    result.failureReason = decision.failureReason;
    return outbox::OutboxMessage{result.eventId,
                                 std::string(events::kPaymentResultType),
                                 std::string(events::kPaymentResultKey),
                                 orderId,
                                 events::toJson(result),
                                 requestId};
}

}  // namespace

outbox::Disposition handlePaymentRequested(pg::Pool& pool, const amqp::Delivery& delivery) {
    const std::string& messageId = delivery.message.messageId;
    const std::string requestId = service::requestIdOf(delivery);
    const auto parsed =
        service::parseDelivery(delivery, "PaymentRequested", events::parsePaymentRequested);
    if (!parsed) {
        return outbox::Disposition::DeadLetter;
    }
    const events::PaymentRequested& request = *parsed;

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

    const bool succeeded = decision.balanceAfter.has_value();
    work.enqueue(resultMessage(request.orderId, request.userId, decision, requestId));
    work.commit();
    core::logDebug("payment decided", {{"message_id", messageId},
                                       {"order_id", request.orderId},
                                       {"outcome", succeeded ? "SUCCEEDED" : "FAILED"},
                                       {"request_id", requestId}});
    return outbox::Disposition::Ack;
}

std::vector<outbox::Disposition> handlePaymentsRequested(
    pg::Pool& pool, std::span<const amqp::Delivery> deliveries) {
    std::vector<outbox::Disposition> dispositions(deliveries.size(),
                                                  outbox::Disposition::Duplicate);
    std::vector<PaymentRequest> requests;
    std::vector<std::size_t> requestOf;  // index in `deliveries` of each request
    std::unordered_set<std::string> messageIds;
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
        const amqp::Message& message = deliveries[i].message;
        if (!messageIds.insert(message.messageId).second) {
            continue;  // twice in this batch: a duplicate
        }
        events::PaymentRequested request;
        try {
            if (message.messageId.empty()) {
                throw events::MalformedEvent("message has no message_id");
            }
            request = events::parsePaymentRequested(message.body);
        } catch (const events::MalformedEvent&) {
            throw outbox::BatchAbandoned(
                "a malformed PaymentRequested is dead-lettered on its own");
        }
        requests.push_back(
            PaymentRequest{message.messageId, request.orderId, request.userId, request.amount});
        requestOf.push_back(i);
    }

    pg::Transaction tx(pool);
    const auto decisions = accounts_repository::decidePayments(tx, kPaymentsConsumer, requests);
    std::vector<outbox::OutboxMessage> results;
    for (std::size_t r = 0; r < decisions.size(); ++r) {
        if (!decisions[r].decided) {
            continue;
        }
        const amqp::Delivery& delivery = deliveries[requestOf[r]];
        const std::string* requestId = delivery.message.header("x-request-id");
        results.push_back(resultMessage(requests[r].orderId, requests[r].userId, decisions[r],
                                        requestId ? *requestId : ""));
        dispositions[requestOf[r]] = outbox::Disposition::Ack;
    }
    outbox::enqueueAllAndCommit(tx, results);
    return dispositions;
}

}  // namespace shop::payments
