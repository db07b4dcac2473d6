#include "workers/payment_requested_handler.hpp"

#include "repository/accounts_repository.hpp"
#include "shop/core/clock.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/pg/transaction.hpp"

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

    pg::Transaction tx(pool);
    if (!outbox::claimInbox(tx, kPaymentsConsumer, messageId) ||
        accounts_repository::paymentExists(tx, request.orderId)) {
        tx.commit();
        core::logInfo(
            "duplicate PaymentRequested ignored",
            {{"message_id", messageId}, {"order_id", request.orderId}, {"request_id", requestId}});
        return outbox::Disposition::Duplicate;
    }

    events::PaymentResult result;
    result.eventId = domain::newUuid();
    result.orderId = request.orderId;
    result.userId = request.userId;
    result.occurredAt = core::nowRfc3339();
    if (auto balance = accounts_repository::debitIfAffordable(tx, request.userId, request.amount)) {
        result.outcome = events::PaymentOutcome::Succeeded;
        result.balanceAfter = *balance;
        accounts_repository::appendLedger(tx, request.userId, LedgerKind::Debit, request.amount,
                                          request.orderId);
    } else {
        result.outcome = events::PaymentOutcome::Failed;
        result.failureReason = accounts_repository::exists(tx, request.userId)
                                   ? domain::FailureReason::InsufficientFunds
                                   : domain::FailureReason::AccountNotFound;
    }
    const bool succeeded = result.outcome == events::PaymentOutcome::Succeeded;
    std::optional<std::string> reason;
    if (result.failureReason) {
        reason = std::string(domain::toString(*result.failureReason));
    }
    accounts_repository::insertPayment(tx, request.orderId, request.userId, request.amount,
                                       succeeded, reason, result.balanceAfter);
    outbox::enqueue(tx,
                    outbox::OutboxMessage{result.eventId, std::string(events::kPaymentResultType),
                                          std::string(events::kPaymentResultKey), request.orderId,
                                          events::toJson(result), requestId});
    tx.commit();
    core::logInfo("payment decided", {{"message_id", messageId},
                                      {"order_id", request.orderId},
                                      {"outcome", succeeded ? "SUCCEEDED" : "FAILED"},
                                      {"request_id", requestId}});
    return outbox::Disposition::Ack;
}

}  // namespace shop::payments
