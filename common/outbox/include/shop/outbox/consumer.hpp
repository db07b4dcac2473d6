#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "shop/amqp/endpoints.hpp"
#include "shop/amqp/message.hpp"
#include "shop/core/config.hpp"

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
/// A handler that does its database work in a DeliveryTransaction (delivery_transaction.hpp) is
/// batched: the worker runs several deliveries in one transaction and commits once.
using DeliveryHandler = std::function<Disposition(const amqp::Delivery&)>;

/// Handles a whole batch set-based: a few statements for all of its deliveries, in one transaction
/// that the handler commits itself. Returns one disposition per delivery (Ack or Duplicate: the
/// others need the delivery's own transaction). To have the batch redone one delivery at a time by
/// the DeliveryHandler (a delivery that must be dead-lettered, a failed statement, anything
/// unusual), it throws, leaving nothing committed.
using BatchHandler = std::function<std::vector<Disposition>(std::span<const amqp::Delivery>)>;

/// Deliveries per database transaction when SHOP_CONSUMER_BATCH is not set.
inline constexpr int kDefaultConsumerBatch = 64;

/// Reads SHOP_CONSUMER_BATCH (1..1000, default kDefaultConsumerBatch): how many prefetched
/// deliveries a ConsumerWorker handles in one database transaction (1 = one per transaction).
/// Records a problem in `env` when the value is invalid.
int readConsumerBatch(core::EnvReader& env);

struct ConsumerOptions {
    std::string amqpUrl;
    std::string exchange;
    std::string queue;
    std::vector<std::string> bindingKeys;
    int deliveryLimit = 5;
    /// basic.qos prefetch; raised to `batch` when smaller, so a whole batch can be in hand.
    int prefetch = 64;
    /// Most deliveries handled in one database transaction; 0 reads SHOP_CONSUMER_BATCH at
    /// construction (core::ConfigError when it is invalid).
    int batch = 0;
    std::string name = "consumer";
    /// The AMQP heartbeat asked for (the broker may lower it).
    std::chrono::seconds heartbeat{30};
};

struct ConsumerStats {
    std::atomic<bool> connected{false};
    std::atomic<std::uint64_t> consumed{0};
    std::atomic<std::uint64_t> duplicates{0};  ///< absorbed by the inbox
    std::atomic<std::uint64_t> deadLettered{0};
    std::atomic<std::uint64_t> retried{0};
    std::atomic<std::uint64_t> batches{0};  ///< transactions that committed two or more deliveries
    std::atomic<std::uint64_t> fallbacks{0};  ///< batches rolled back and redone one by one
};

/// A thread that declares its work queue (quorum, with a delivery limit and a DLQ), consumes it
/// with manual acks and prefetch, and reconnects with capped backoff when the broker goes away.
///
/// Batching: after one delivery arrives, the worker also takes those already prefetched (up to
/// `batch` in all). With a BatchHandler, that handles them together; without one, the worker
/// calls the DeliveryHandler for each inside one shared DeliveryTransaction, which it commits
/// once. Only then does it ack (or reject) every delivery of the batch. If a handler throws, asks
/// to roll back alone, or the commit fails, the whole batch is rolled back and each delivery is
/// handled again on its own by the DeliveryHandler, exactly as with `batch = 1`: a poison message
/// is retried or dead-lettered alone and the others succeed. A lone delivery is always handled on
/// its own.
class ConsumerWorker final {
  public:
    ConsumerWorker(ConsumerOptions options, DeliveryHandler handler,
                   BatchHandler batchHandler = {});
    ~ConsumerWorker();
    ConsumerWorker(const ConsumerWorker&) = delete;
    ConsumerWorker& operator=(const ConsumerWorker&) = delete;

    void start();
    /// Stops consuming; unacked deliveries go back to the queue when the connection closes.
    void stop();
    const ConsumerStats& stats() const { return m_stats; }

  private:
    void loop(const std::stop_token& stop);
    /// Handles `batch` in one transaction; false (everything rolled back) when it must be redone
    /// one delivery at a time. Fills `dispositions` when it returns true.
    bool handleBatch(const std::vector<amqp::Delivery>& batch,
                     std::vector<Disposition>& dispositions);
    /// Handles one delivery, retrying transient database errors with backoff; while it waits,
    /// heartbeats keep `connection` alive however long the database is away.
    Disposition handleWithRetries(const amqp::Delivery& delivery, amqp::Connection& connection,
                                  const std::stop_token& stop);

    ConsumerOptions m_options;
    amqp::Endpoints m_endpoints;  ///< used by the worker thread only
    DeliveryHandler m_handler;
    BatchHandler m_batchHandler;
    ConsumerStats m_stats;
    std::jthread m_thread;
};

}  // namespace shop::outbox
