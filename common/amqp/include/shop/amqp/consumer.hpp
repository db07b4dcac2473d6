#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "shop/amqp/connection.hpp"
#include "shop/amqp/message.hpp"

namespace shop::amqp {

/// A manual-ack consumer on one queue (basic.qos + basic.consume on the connection's channel).
///
/// Acknowledge each delivery after its effect is committed: ack() removes it, nack()/reject()
/// with requeue=true returns it (counted against a quorum queue's delivery limit), with
/// requeue=false dead-letters it to `<queue>.dlq`. Unacknowledged deliveries return to the
/// queue when the connection closes. Not thread-safe; the Connection must outlive the Consumer.
class Consumer final {
  public:
    /// Sets prefetch (at most `prefetch` unacknowledged deliveries at a time, 0 = unlimited)
    /// and starts consuming. `exclusive` makes this the queue's only consumer.
    /// Throws ConnectionError (e.g. 404 when the queue does not exist).
    Consumer(Connection& connection, const std::string& queue, std::uint16_t prefetch,
             bool exclusive = false);

    /// Cancels the consumer if the connection is still open; never throws.
    ~Consumer();

    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    /// The next delivery, or nullopt when none arrives within `timeout` (0 = just poll).
    /// Heartbeats are served while waiting. Throws ConnectionError when the channel or the
    /// connection is closed (by the broker or the network), or the broker cancels the consumer.
    std::optional<Delivery> next(std::chrono::milliseconds timeout);

    /// Acknowledges one delivery. Throws ConnectionError when the connection is closed.
    /// An unknown tag makes the broker close the channel (seen by the next call).
    void ack(std::uint64_t deliveryTag);
    /// Acknowledges every unacknowledged delivery up to and including `deliveryTag` in one
    /// frame (basic.ack, multiple=true).
    void ackUpTo(std::uint64_t deliveryTag);
    /// basic.reject: requeue=false dead-letters the message.
    void reject(std::uint64_t deliveryTag, bool requeue);
    /// basic.nack of one delivery (same effect as reject for a single message).
    void nack(std::uint64_t deliveryTag, bool requeue);

    /// Stops deliveries (basic.cancel). Deliveries the broker sent before the cancel took effect
    /// may still come out of next(); unacknowledged ones return to the queue when the connection
    /// closes. Idempotent. Throws ConnectionError.
    void cancel();

    const std::string& queue() const noexcept { return m_queue; }
    const std::string& consumerTag() const noexcept { return m_consumerTag; }

  private:
    Connection& m_connection;
    std::string m_queue;
    std::string m_consumerTag;
    bool m_active = false;
};

}  // namespace shop::amqp
