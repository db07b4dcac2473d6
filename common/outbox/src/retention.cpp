#include "shop/outbox/retention.hpp"

#include <charconv>
#include <limits>

#include "shop/amqp/backoff.hpp"
#include "shop/core/log.hpp"
#include "shop/pg/errors.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::outbox {
namespace {

// Each statement deletes by ctid a bounded set picked with SKIP LOCKED: it never waits on a row a
// relay or consumer is working on, and it holds its row locks only for one small batch.
constexpr std::string_view kPurgeInbox =
    "DELETE FROM inbox WHERE ctid IN (SELECT ctid FROM inbox "
    "WHERE received_at < clock_timestamp() - make_interval(secs => $1) LIMIT $2 "
    "FOR UPDATE SKIP LOCKED)";
constexpr std::string_view kPurgeIdempotency =
    "DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys "
    "WHERE created_at < clock_timestamp() - make_interval(secs => $1) LIMIT $2 "
    "FOR UPDATE SKIP LOCKED)";

std::int64_t purgeOne(pg::Pool& pool, std::string_view sql, std::chrono::seconds age,
                      int batchSize) {
    pg::Transaction tx(pool);
    const auto deleted =
        tx.exec(sql, static_cast<std::int64_t>(age.count()), static_cast<std::int64_t>(batchSize))
            .affected();
    tx.commit();
    return deleted;
}

}  // namespace

std::optional<std::chrono::seconds> parseDuration(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::int64_t multiplier = 1;
    switch (text.back()) {
        case 's':
            text.remove_suffix(1);
            break;
        case 'm':
            multiplier = 60;
            text.remove_suffix(1);
            break;
        case 'h':
            multiplier = 3600;
            text.remove_suffix(1);
            break;
        case 'd':
            multiplier = 86400;
            text.remove_suffix(1);
            break;
        default:
            break;
    }
    if (text.empty() || text.front() == '-' || text.front() == '+') {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end ||
        value > std::numeric_limits<std::int64_t>::max() / multiplier / 1000) {
        return std::nullopt;
    }
    return std::chrono::seconds(value * multiplier);
}

RetentionResult purgeBatch(pg::Pool& pool, const RetentionOptions& options) {
    RetentionResult result;
    result.inbox = purgeOne(pool, kPurgeInbox, options.inboxAge, options.batchSize);
    result.idempotencyKeys =
        purgeOne(pool, kPurgeIdempotency, options.idempotencyAge, options.batchSize);
    result.batches = 2;
    return result;
}

RetentionResult purgeExpired(pg::Pool& pool, const RetentionOptions& options,
                             const std::stop_token& stop) {
    RetentionResult total;
    while (!stop.stop_requested()) {
        const RetentionResult round = purgeBatch(pool, options);
        total.inbox += round.inbox;
        total.idempotencyKeys += round.idempotencyKeys;
        total.batches += round.batches;
        if (round.inbox < options.batchSize && round.idempotencyKeys < options.batchSize) {
            break;
        }
    }
    return total;
}

RetentionJob::RetentionJob(RetentionOptions options, pg::Pool& pool)
    : m_options(std::move(options)), m_pool(pool) {}

RetentionJob::~RetentionJob() {
    stop();
}

void RetentionJob::start() {
    m_thread = std::jthread([this](std::stop_token stop) {
        while (!stop.stop_requested()) {
            try {
                const RetentionResult result = purgeExpired(m_pool, m_options, stop);
                if (result.inbox + result.idempotencyKeys > 0) {
                    core::logInfo(
                        "retention pass",
                        {{"job", m_options.name},
                         {"inbox_deleted", std::to_string(result.inbox)},
                         {"idempotency_keys_deleted", std::to_string(result.idempotencyKeys)}});
                }
            } catch (const std::exception& error) {
                core::logWarn("retention pass failed",
                              {{"job", m_options.name}, {"error", error.what()}});
            }
            ++m_passes;
            amqp::sleepFor(m_options.interval, stop);
        }
    });
}

void RetentionJob::stop() {
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

}  // namespace shop::outbox
