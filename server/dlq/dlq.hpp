#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "shop/amqp/connection.hpp"
#include "shop/amqp/message.hpp"

namespace shop::dlq {

/// One dead-lettered message as it sits in `<queue>.dlq`, with why it got there.
struct DeadLetter {
    std::string workQueue;  ///< the queue it was dead-lettered from (the DLQ without ".dlq")
    amqp::Message message;
    std::string reason;      ///< x-death reason of the latest death: rejected, delivery_limit...
    std::int64_t count = 0;  ///< x-death count of that (queue, reason)
    std::string routingKey;  ///< the routing key it was first published with
};

/// The work queues of this system (each has a `<queue>.dlq`).
std::vector<std::string> workQueues();

/// Reads up to `limit` messages of `<workQueue>.dlq` without removing them: each is fetched
/// unacknowledged and returns to the DLQ when the connection closes. Throws amqp::Error (404
/// when the DLQ does not exist yet).
std::vector<DeadLetter> list(const std::string& amqpUrl, const std::string& workQueue,
                             std::size_t limit);

struct RedriveResult {
    std::size_t redriven = 0;  ///< confirmed on the work queue and removed from the DLQ
    std::size_t failed = 0;    ///< not confirmed: left in the DLQ
};

/// Moves the messages now in `<workQueue>.dlq` back to `workQueue`: each is published (same body
/// and properties, to the default exchange so it reaches only that queue) with publisher
/// confirms, and acked from the DLQ only after the broker confirmed it, so a crash in between
/// duplicates a message (consumers dedupe by message_id) but never loses one. Takes at most the
/// number of messages present at the start, so a message that dies again is not looped on.
RedriveResult redrive(const std::string& amqpUrl, const std::string& workQueue);

/// A human-readable table: queue, message_id, type, reason, count, first bytes of the body.
std::string formatTable(const std::vector<DeadLetter>& letters);

}  // namespace shop::dlq
