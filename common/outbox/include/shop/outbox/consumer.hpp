#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "shop/amqp/message.hpp"

namespace shop::outbox {

/// What to do with a delivery once its handler returns.
enum class Disposition {
    Ack,         ///< handled: remove it
    Duplicate,   ///< already handled before (the inbox had it): remove it, counted apart
    DeadLetter,  ///< can never be handled (malformed, unknown order): to `<queue>.dlq` at once
    Retry,       ///< failed for a reason that may pass: back to the queue (dead-lettered past the
                 ///< delivery limit)
};

/// Handles one delivery. Acks only after the handler's database transaction committed.
/// Transient database errors (connection lost, serialization failure...) may be thrown: the worker
/// retries the same delivery with backoff instead of burning its delivery limit.
using DeliveryHandler = std::function<Disposition(const amqp::Delivery&)>;

struct ConsumerOptions {
    std::string amqpUrl;
    std::string exchange;
    std::string queue;
    std::vector<std::string> bindingKeys;
    int deliveryLimit = 5;
    int prefetch = 50;
    std::string name = "consumer";
};

struct ConsumerStats {
    std::atomic<bool> connected{false};
    std::atomic<std::uint64_t> consumed{0};
    std::atomic<std::uint64_t> duplicates{0};  ///< absorbed by the inbox
    std::atomic<std::uint64_t> deadLettered{0};
    std::atomic<std::uint64_t> retried{0};
};

/// A thread that declares its work queue (quorum, with a delivery limit and a DLQ), consumes it
/// with manual acks and prefetch, and reconnects with capped backoff when the broker goes away.
class ConsumerWorker final {
  public:
    ConsumerWorker(ConsumerOptions options, DeliveryHandler handler);
    ~ConsumerWorker();
    ConsumerWorker(const ConsumerWorker&) = delete;
    ConsumerWorker& operator=(const ConsumerWorker&) = delete;

    void start();
    /// Stops consuming; unacked deliveries go back to the queue when the connection closes.
    void stop();
    const ConsumerStats& stats() const { return m_stats; }

  private:
    void loop(const std::stop_token& stop);
    Disposition handleWithRetries(const amqp::Delivery& delivery, const std::stop_token& stop);

    ConsumerOptions m_options;
    DeliveryHandler m_handler;
    ConsumerStats m_stats;
    std::jthread m_thread;
};

}  // namespace shop::outbox
