#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>

#include "shop/amqp/endpoints.hpp"
#include "shop/amqp/publisher.hpp"
#include "shop/outbox/doorbell.hpp"
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
    /// After a NOTIFY the relay polls every hotPoll (still waking at once on a signal) for
    /// hotWindow, because writers in other processes signal at most every kNotifyEvery.
    std::chrono::milliseconds hotWindow{2000};
    std::chrono::milliseconds hotPoll{5};
    /// Under load, rounds start at least this far apart (unless the last one was full), so one
    /// round takes the rows of many commits instead of one round trip set per commit. An idle
    /// relay's first round after a signal starts at once.
    std::chrono::milliseconds roundGap{5};
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
    /// Claim queries run (each a database round trip, whether it found rows or not).
    std::atomic<std::uint64_t> rounds{0};
};

/// Publishes committed outbox rows. Wakes when a writer of this process rings its doorbell
/// after a commit, on a NOTIFY from writers in other processes (polling often for a while after
/// one, as those rate-limit their NOTIFYs), and on a fallback poll. Claims a batch in insertion
/// order with FOR UPDATE SKIP LOCKED (so any number of relays can share a table), publishes it
/// with publisher confirms and deletes the rows only after the broker confirmed them. Rows that
/// fail are retried with a growing delay. Reconnects to the database and the broker with capped
/// backoff. A crash between publish and delete republishes the row: consumers dedupe by
/// message_id.
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
    enum class Wake { Notified, Rung, Timeout };
    /// Waits for a NOTIFY, a ring of the doorbell, `interval` or stop(), whichever comes first.
    Wake waitForWork(pg::Connection& listener, std::chrono::milliseconds interval,
                     const std::stop_token& stop);

    RelayOptions m_options;
    amqp::Endpoints m_endpoints;  ///< used by the relay thread only
    pg::Pool& m_pool;
    RelayStats m_stats;
    Doorbell m_doorbell;
    std::jthread m_thread;
};

}  // namespace shop::outbox
