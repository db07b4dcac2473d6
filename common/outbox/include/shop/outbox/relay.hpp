#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>

#include "shop/amqp/publisher.hpp"
#include "shop/pg/connection.hpp"
#include "shop/pg/pool.hpp"

namespace shop::outbox {

struct RelayOptions {
    std::string dbUrl;  ///< for the LISTEN connection
    std::string amqpUrl;
    std::string exchange;
    std::string name = "relay";  ///< for logs and connection names
    int batchSize = 200;
    std::chrono::milliseconds pollInterval{1000};  ///< fallback when a NOTIFY is missed
    /// After a NOTIFY or a round that found rows, the relay polls every hotPoll (still waking at
    /// once on a NOTIFY) for hotWindow, because writers signal at most every kNotifyEvery.
    std::chrono::milliseconds hotWindow{2000};
    std::chrono::milliseconds hotPoll{5};
    std::chrono::milliseconds confirmTimeout{5000};
    /// Routing keys whose messages may legitimately have no queue bound (fan-out to whoever
    /// listens): a basic.return for them counts as published instead of as a failure.
    std::set<std::string, std::less<>> optionalRouteKeys;
};

/// Counters a relay exposes (for health and metrics).
struct RelayStats {
    std::atomic<bool> brokerConnected{false};
    std::atomic<std::uint64_t> published{0};
    std::atomic<std::uint64_t> failed{0};
};

/// Publishes committed outbox rows. Wakes on NOTIFY (with a fallback poll; polling often for a
/// while after any sign of work, as writers rate-limit their NOTIFYs), claims a batch with
/// FOR UPDATE SKIP LOCKED (so any number of relays can share a table), publishes it with
/// publisher confirms and marks rows published only after the broker confirmed them. Rows that
/// fail are retried with a growing delay. Reconnects to the database and the broker with capped
/// backoff. A crash between publish and mark republishes the row: consumers dedupe by message_id.
class Relay final {
  public:
    Relay(RelayOptions options, pg::Pool& pool);
    ~Relay();
    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;

    void start();
    void stop();
    const RelayStats& stats() const { return m_stats; }

  private:
    void loop(const std::stop_token& stop);
    /// One claim-publish-mark round; returns the number of rows claimed.
    int publishBatch(amqp::Publisher& publisher);
    /// Waits for a NOTIFY, `interval` or stop(), whichever comes first; true on a NOTIFY.
    bool waitForWork(pg::Connection& listener, std::chrono::milliseconds interval,
                     const std::stop_token& stop);

    RelayOptions m_options;
    pg::Pool& m_pool;
    RelayStats m_stats;
    std::jthread m_thread;
};

}  // namespace shop::outbox
