#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

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
    /// Rows that writers of this process hand over stay out of reach of claim queries this long
    /// (see handOffTerms()); above confirmTimeout plus deleteLinger, so that a claim does not
    /// take a row the relay is still publishing from memory or has yet to delete. A handed row
    /// the relay reaches later than that before its grace ends is left to the claims.
    std::chrono::milliseconds handoffGrace{10000};
    /// Handed rows the broker confirmed wait this long for a writer of this process to delete
    /// them in its own statement; then the relay deletes them. Well below handoffGrace.
    std::chrono::milliseconds deleteLinger{1000};
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
    /// Rows published as their writers handed them over, without a claim query.
    std::atomic<std::uint64_t> handed{0};
    /// Handed rows reached too near the end of their grace, left to the claim queries.
    std::atomic<std::uint64_t> leftToClaims{0};
};

/// Publishes committed outbox rows. While the broker is up, the writers of this process hand it
/// the rows they commit (doorbell.hpp): it publishes those from memory, with no claim query, and
/// once the broker confirmed them the next writer of the process deletes them in its own
/// statement (the relay does after deleteLinger if none comes). Other rows (written by other
/// processes, left behind by a process that died, or whose publishing failed) it claims: on a
/// NOTIFY from writers in other processes (polling often for a while after one, as those
/// rate-limit their NOTIFYs) and on a fallback poll, in insertion order with FOR UPDATE SKIP
/// LOCKED (so any number of relays can share a table), and deletes them with the claim's COMMIT
/// once confirmed. Rows that fail are retried with a growing delay. Reconnects to the database
/// and the broker with capped backoff. A crash between publish and delete republishes the row:
/// consumers dedupe by message_id.
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
    /// What became of a batch: the rows the broker took, and the others.
    struct Outcome {
        PublishedRows published;
        PublishedRows failed;
        std::string lastError;
        bool timedOut = false;
    };

    /// One claim-publish-mark round; returns the number of rows claimed.
    int publishClaimed(amqp::Publisher& publisher);
    /// Publishes rows handed over by writers; leaves the ones published to delete to a writer
    /// (Handoff::published()) and reschedules the others.
    void publishHanded(amqp::Publisher& publisher, std::vector<HandedRow> rows);
    /// Publishes `batch` (the rows `refs`) and sorts the rows by what the broker said.
    Outcome publish(amqp::Publisher& publisher, const std::vector<amqp::Outgoing>& batch,
                    const PublishedRows& refs);
    /// Counts and logs a batch's outcome; throws amqp::ConnectionError when a confirm timed out.
    void report(const Outcome& outcome);
    /// Deletes the published rows no writer took (all of them with `all`, else only once they
    /// waited deleteLinger); returns when the oldest left must be deleted, if any is left.
    std::optional<std::chrono::steady_clock::time_point> deleteLeftovers(bool all);
    /// When the relay stops or loses the broker: makes the handed rows it holds claimable at
    /// once and deletes the published ones. Best effort: what fails comes back after the grace.
    void settleBeforeLeaving() noexcept;
    enum class Wake { Notified, Rung, Timeout };
    /// Waits for a NOTIFY, a ring of the doorbell, `interval` or stop(), whichever comes first.
    Wake waitForWork(pg::Connection& listener, std::chrono::milliseconds interval,
                     const std::stop_token& stop);

    RelayOptions m_options;
    amqp::Endpoints m_endpoints;  ///< used by the relay thread only
    pg::Pool& m_pool;
    RelayStats m_stats;
    Handoff m_handoff;
    std::jthread m_thread;
};

}  // namespace shop::outbox
