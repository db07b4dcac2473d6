#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shop/amqp/connection.hpp"

namespace shop::amqp {

/// The system's event exchange (CONTRACT section 4).
inline constexpr std::string_view kEventsExchange = "shop.events";
/// Dead-letter exchange shared by every work queue (durable, direct).
inline constexpr std::string_view kDeadLetterExchange = "shop.dlx";

/// A competing-consumers work queue and where its messages come from.
struct WorkQueueSpec {
    std::string queue;
    std::string exchange;
    std::vector<std::string> bindingKeys;
    /// Returns (nack/reject with requeue, or consumer connection lost) after which the broker
    /// dead-letters the message instead of delivering it again.
    int deliveryLimit = 5;
};

/// `<queue>.dlq`: where the messages of `queue` go when rejected or past the delivery limit.
std::string deadLetterQueueName(std::string_view queue);

// All declarations below are idempotent: call them at every start and after every reconnect.
// A declaration that conflicts with what exists (e.g. a queue with other arguments) makes the
// broker close the channel: ConnectionError with replyCode() 406 PRECONDITION_FAILED and a
// message saying which queue or exchange and why.

/// Declares `name` as a durable topic exchange.
void declareExchange(Connection& connection, const std::string& name);

/// Declares the exchange (durable topic), the dead-letter exchange shop.dlx (durable direct),
/// the dead-letter queue `<queue>.dlq` (durable quorum) bound to shop.dlx with routing key
/// `<queue>`, and the work queue (durable quorum; x-delivery-limit, x-dead-letter-exchange
/// shop.dlx, x-dead-letter-routing-key `<queue>`) bound to the exchange with each binding key.
void declareWorkQueue(Connection& connection, const WorkQueueSpec& spec);

/// Declares the exchange (durable topic) and a server-named, exclusive, auto-delete queue bound
/// to it with `bindingKey`; returns the queue name. The queue lives as long as this connection,
/// so it must be consumed on the same connection (each gateway instance's order.status feed).
std::string declareInstanceQueue(Connection& connection, const std::string& exchange,
                                 const std::string& bindingKey);
/// declareInstanceQueue() bound with each of `bindingKeys`.
std::string declareInstanceQueue(Connection& connection, const std::string& exchange,
                                 const std::vector<std::string>& bindingKeys);

}  // namespace shop::amqp
