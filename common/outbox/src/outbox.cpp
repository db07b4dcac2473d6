#include "shop/outbox/outbox.hpp"

namespace shop::outbox {

void enqueue(pg::Transaction& tx, const OutboxMessage& message) {
    tx.exec(
        "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload, request_id) "
        "VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''))",
        message.id, message.eventType, message.routingKey, message.correlationId, message.payload,
        message.requestId);
    // Delivered to listeners only when (and if) the transaction commits; repeats within one
    // transaction are folded into one notification by PostgreSQL.
    tx.exec("SELECT pg_notify($1, '')", std::string(kNotifyChannel));
}

bool claimInbox(pg::Transaction& tx, std::string_view consumer, std::string_view messageId) {
    auto result =
        tx.exec("INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                consumer, messageId);
    return result.affected() == 1;
}

}  // namespace shop::outbox
