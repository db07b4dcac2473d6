#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "shop/amqp/connection.hpp"
#include "shop/amqp/message.hpp"

namespace shop::amqp {

// Operations for tests and tooling (DLQ inspection and re-drive). Each throws ConnectionError;
// a missing queue is 404, which closes the channel, so use a Connection of its own.

/// Messages ready in `queue` (not those delivered and unacknowledged), via a passive
/// queue.declare. Throws ConnectionError with replyCode() 404 when the queue does not exist.
std::uint32_t messageCount(Connection& connection, const std::string& queue);

/// One message from `queue` via basic.get, or nullopt when the queue is empty. Unless
/// `autoAck`, the message stays unacknowledged: settle it with ack()/reject() on the same
/// connection, or it returns to the queue when the connection closes.
std::optional<Delivery> getOne(Connection& connection, const std::string& queue,
                               bool autoAck = false);

/// basic.ack of one delivery (from getOne or a Consumer on this connection).
void ack(Connection& connection, std::uint64_t deliveryTag);
/// basic.ack with multiple=true: acknowledges every unacknowledged delivery of the channel up to
/// and including `deliveryTag`, in one frame.
void ackUpTo(Connection& connection, std::uint64_t deliveryTag);
/// basic.reject: requeue=false dead-letters the message (if its queue has a dead-letter exchange).
void reject(Connection& connection, std::uint64_t deliveryTag, bool requeue);
/// basic.nack of one delivery.
void nack(Connection& connection, std::uint64_t deliveryTag, bool requeue);

/// Removes every ready message from `queue`; returns how many.
std::uint32_t purge(Connection& connection, const std::string& queue);

/// Deletes `queue` (with its messages); deleting a queue that does not exist succeeds.
void deleteQueue(Connection& connection, const std::string& queue);

/// Deletes `exchange` and its bindings; deleting one that does not exist succeeds.
void deleteExchange(Connection& connection, const std::string& exchange);

}  // namespace shop::amqp
