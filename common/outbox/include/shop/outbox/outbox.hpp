#pragma once

#include <string>
#include <string_view>

#include "shop/pg/transaction.hpp"

namespace shop::outbox {

/// The NOTIFY channel the writer signals and the relay listens on.
inline constexpr std::string_view kNotifyChannel = "outbox";

/// One event to publish. `id` becomes the AMQP message_id, so a republished row is recognisable
/// as the same message by every inbox downstream.
struct OutboxMessage {
    std::string id;
    std::string eventType;
    std::string routingKey;
    std::string correlationId;
    std::string payload;
    std::string requestId;
};

/// Inserts the message in the caller's transaction and signals the relay. The row (and so the
/// publish) exists exactly when that transaction commits.
void enqueue(pg::Transaction& tx, const OutboxMessage& message);

/// Records that `consumer` has taken `messageId`, in the caller's transaction. Returns false when
/// it was already recorded: the delivery is a duplicate and must have no effect.
bool claimInbox(pg::Transaction& tx, std::string_view consumer, std::string_view messageId);

}  // namespace shop::outbox
