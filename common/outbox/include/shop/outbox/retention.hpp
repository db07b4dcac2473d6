#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "shop/pg/pool.hpp"

namespace shop::outbox {

/// How long each kind of bookkeeping row is kept, and how the cleanup paces itself. (Outbox rows
/// need no retention: the relay deletes each one as soon as the broker confirmed it.)
struct RetentionOptions {
    /// Inbox rows older than this go: the dedupe window, longer than any redelivery horizon.
    std::chrono::seconds inboxAge{std::chrono::hours(24 * 7)};
    /// Stored Idempotency-Key responses older than this go (the contract keeps them >= 24 h).
    std::chrono::seconds idempotencyAge{std::chrono::hours(24)};
    /// Rows deleted per statement (each its own short transaction), so no lock is held for long.
    int batchSize = 1000;
    /// Time between two cleanup passes.
    std::chrono::milliseconds interval{std::chrono::minutes(10)};
    std::string name = "retention";
};

/// What one pass deleted.
struct RetentionResult {
    std::int64_t inbox = 0;
    std::int64_t idempotencyKeys = 0;
    int batches = 0;  ///< DELETE statements run (each deleting at most batchSize rows)
};

/// Parses a duration: a non-negative integer with an optional unit s, m, h or d (bare = seconds).
/// Returns nullopt for anything else.
std::optional<std::chrono::seconds> parseDuration(std::string_view text);

/// Deletes at most `options.batchSize` expired rows of each table, one short transaction per
/// table, skipping rows another transaction holds locked. Throws pg::Error on database failure.
RetentionResult purgeBatch(pg::Pool& pool, const RetentionOptions& options);

/// Runs purgeBatch until a round deletes less than a full batch of every table (or `stop`).
RetentionResult purgeExpired(pg::Pool& pool, const RetentionOptions& options,
                             const std::stop_token& stop = {});

/// A thread that runs purgeExpired every `interval` (the first pass right after start). Database
/// errors are logged and retried at the next pass.
class RetentionJob final {
  public:
    RetentionJob(RetentionOptions options, pg::Pool& pool);
    ~RetentionJob();
    RetentionJob(const RetentionJob&) = delete;
    RetentionJob& operator=(const RetentionJob&) = delete;

    void start();
    void stop();
    /// Passes completed so far (for tests and health).
    std::uint64_t passes() const { return m_passes.load(); }

  private:
    RetentionOptions m_options;
    pg::Pool& m_pool;
    std::atomic<std::uint64_t> m_passes{0};
    std::jthread m_thread;
};

}  // namespace shop::outbox
