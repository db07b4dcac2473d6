#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "shop/amqp/connection.hpp"
#include "shop/amqp/message.hpp"

namespace shop::amqp {

/// What the broker said about one published message.
enum class PublishOutcome {
    Confirmed,  ///< routed to at least one queue and confirmed (persisted for durable queues)
    Returned,   ///< unroutable: basic.return (mandatory publish), then confirmed; treat as failure
    Nacked,     ///< the broker refused it (basic.nack, e.g. queue overflow reject-publish)
    TimedOut,   ///< no confirm before the timeout; its fate is unknown, publish it again later
};

/// "confirmed", "returned", "nacked", "timed_out" (for logs).
std::string_view toString(PublishOutcome outcome);

/// One message of a batch and its routing key.
struct Outgoing {
    std::string routingKey;
    Message message;
};

/// Publishes with `mandatory` set and waits for publisher confirms.
///
/// rabbitmq-c 0.11 has no confirm helper, so this keeps the channel's delivery-tag numbering
/// itself and reads basic.ack / basic.nack (honouring `multiple`) and basic.return frames.
/// Confirms that arrive after a batch timed out are recognised by tag and ignored. Returns are
/// matched to messages by message id (by routing key and order for messages without one), so
/// give every message an id. Frames are only read after the whole batch is written, so keep
/// batches to hundreds of messages, not tens of thousands.
/// Not thread-safe; the Connection must outlive the Publisher and should not also consume.
class Publisher final {
  public:
    /// Puts the connection's channel in confirm mode (once per Connection).
    /// Throws ConnectionError.
    explicit Publisher(Connection& connection);

    /// Publishes every message of `batch` to `exchange` (persistent unless the message says
    /// otherwise; timestamp set to now when 0), then waits until each is confirmed, returned or
    /// nacked, or `timeout` passes. Returns one outcome per message, in batch order.
    /// Throws ConnectionError when the connection or channel dies (e.g. 404: no such exchange);
    /// reconnect and publish the batch again (consumers deduplicate by message id).
    std::vector<PublishOutcome> publishBatch(const std::string& exchange,
                                             const std::vector<Outgoing>& batch,
                                             std::chrono::milliseconds timeout);

    /// publishBatch of one message.
    PublishOutcome publish(const std::string& exchange, const std::string& routingKey,
                           const Message& message, std::chrono::milliseconds timeout);

  private:
    Connection& m_connection;
};

}  // namespace shop::amqp
