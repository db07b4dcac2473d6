#include "shop/outbox/relay.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>

#include "shop/amqp/backoff.hpp"
#include "shop/amqp/connection.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/core/log.hpp"
#include "shop/outbox/doorbell.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/pg/errors.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::outbox {
namespace {

constexpr auto kKeepAliveEvery = std::chrono::seconds(10);

// Rows are named by seq and message id (see PublishedRows); the primary key finds them by seq.
const std::string kRows = "seq = ANY($1::bigint[]) AND id = ANY($2::uuid[])";
const std::string kDeleteRows = "DELETE FROM outbox WHERE " + kRows;
// Retry after 0.2 s, 0.4 s, ... capped at a minute.
const std::string kRescheduleRows =
    "UPDATE outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = "
    "clock_timestamp() + make_interval(secs => least(60, 0.2 * power(2, least(attempts, 12)))) "
    "WHERE " +
    kRows;
// Handed rows this relay will not publish: claimable at once, by any relay.
const std::string kReleaseRows =
    "UPDATE outbox SET next_attempt_at = clock_timestamp() WHERE " + kRows;

}  // namespace

Relay::Relay(RelayOptions options, pg::Pool& pool)
    : m_options(std::move(options)),
      m_endpoints(m_options.amqpUrl),
      m_pool(pool),
      m_handoff(m_options.handoffGrace) {
    if (m_options.handoffGrace <= m_options.confirmTimeout + m_options.deleteLinger) {
        throw std::invalid_argument(
            "relay options: handoffGrace must exceed confirmTimeout plus deleteLinger");
    }
}

Relay::~Relay() {
    stop();
}

void Relay::start() {
    m_thread = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void Relay::stop() {
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

void Relay::loop(const std::stop_token& stop) {
    // The waits below have no shorter timeout to check `stop`: a stop rings.
    const std::stop_callback ringOnStop(stop, [this] { m_handoff.doorbell().ring(); });
    amqp::Backoff backoff;
    std::unique_ptr<amqp::Connection> broker;
    std::unique_ptr<amqp::Publisher> publisher;
    std::unique_ptr<pg::Connection> listener;
    std::unique_ptr<RelayRegistration> registration;
    auto lastBrokerUse = std::chrono::steady_clock::now();
    auto hotUntil = lastBrokerUse;
    // A ring means handed rows; any other wake-up (and the first round) claims, and so does a
    // ring once pollInterval (hotPoll while hot) passed since the last claim.
    Wake wake = Wake::Timeout;
    std::chrono::steady_clock::time_point lastClaim;
    const auto batchSize = static_cast<std::size_t>(m_options.batchSize);
    while (!stop.stop_requested()) {
        try {
            if (!publisher) {
                broker =
                    m_endpoints.connect(amqp::ConnectionOptions{.connectionName = m_options.name});
                amqp::declareExchange(*broker, m_options.exchange);
                publisher = std::make_unique<amqp::Publisher>(*broker);
                m_stats.brokerConnected = true;
                core::logInfo("relay connected to the broker", {{"relay", m_options.name}});
            }
            if (!listener) {
                listener = std::make_unique<pg::Connection>(m_options.dbUrl, m_options.name);
                listener->listen(kNotifyChannel);
            }
            if (!registration) {
                // Writers of this process hand their rows over from now on, instead of notifying.
                // Keyed by a connection of the pool the relay deletes through.
                const auto lease = m_pool.acquire();
                registration = std::make_unique<RelayRegistration>(databaseKey(*lease), m_handoff);
            }
            const auto roundStarted = std::chrono::steady_clock::now();
            bool moreHanded = false;
            auto handed = m_handoff.take(batchSize, moreHanded);
            const bool worked = !handed.empty();
            if (worked) {
                publishHanded(*publisher, std::move(handed));
            }
            int claimed = 0;
            const auto sinceClaim = roundStarted - lastClaim;
            if (wake != Wake::Rung || sinceClaim >= m_options.pollInterval ||
                (roundStarted < hotUntil && sinceClaim >= m_options.hotPoll)) {
                claimed = publishClaimed(*publisher);
                lastClaim = roundStarted;
            }
            const auto deleteDue = deleteLeftovers(false);
            backoff.reset();
            const auto now = std::chrono::steady_clock::now();
            if (worked || claimed > 0) {
                lastBrokerUse = now;
            } else if (now - lastBrokerUse > kKeepAliveEvery) {
                // rabbitmq-c serves heartbeats only inside library calls: an idle relay makes a
                // cheap idempotent call now and then so the broker does not drop it.
                amqp::declareExchange(*broker, m_options.exchange);
                lastBrokerUse = now;
            }
            if (claimed >= m_options.batchSize) {
                wake = Wake::Timeout;  // claim the rest at once
                continue;
            }
            if (moreHanded) {
                wake = Wake::Rung;
                continue;
            }
            auto interval = now < hotUntil ? m_options.hotPoll : m_options.pollInterval;
            if (deleteDue) {
                const auto untilDue = std::chrono::ceil<std::chrono::milliseconds>(
                    *deleteDue - std::chrono::steady_clock::now());
                interval = std::max(std::chrono::milliseconds(1), std::min(untilDue, interval));
            }
            wake = waitForWork(*listener, interval, stop);
            if (wake == Wake::Notified) {
                hotUntil = std::chrono::steady_clock::now() + m_options.hotWindow;
            }
            if ((worked || claimed > 0) && wake != Wake::Timeout) {
                // Busy: let the next commits gather before publishing them.
                std::this_thread::sleep_until(roundStarted + m_options.roundGap);
            }
        } catch (const amqp::Error& error) {
            core::logWarn("relay lost the broker",
                          {{"relay", m_options.name}, {"error", error.what()}});
            m_stats.brokerConnected = false;
            publisher.reset();
            broker.reset();
            // Until the broker is back, writers notify and any relay may claim their rows.
            registration.reset();
            settleBeforeLeaving();
            wake = Wake::Timeout;
            amqp::sleepFor(backoff.next(), stop);
        } catch (const pg::Error& error) {
            core::logWarn("relay lost the database",
                          {{"relay", m_options.name}, {"error", error.what()}});
            registration.reset();
            listener.reset();
            wake = Wake::Timeout;
            amqp::sleepFor(backoff.next(), stop);
        } catch (const std::exception& error) {
            core::logError("relay failed", {{"relay", m_options.name}, {"error", error.what()}});
            wake = Wake::Timeout;
            amqp::sleepFor(backoff.next(), stop);
        }
    }
    m_stats.brokerConnected = false;
    registration.reset();
    settleBeforeLeaving();
}

void Relay::settleBeforeLeaving() noexcept {
    // No writer hands rows over or takes published ones any more (the registration is gone),
    // except one already past its lookup: what it posts is published after a reconnect, or
    // claimed after its grace.
    try {
        PublishedRows unpublished;
        bool more = true;
        while (more) {
            for (auto& row : m_handoff.take(static_cast<std::size_t>(m_options.batchSize), more)) {
                unpublished.append(row.seq, std::move(row.message.id));
            }
        }
        if (!unpublished.empty()) {
            pg::Transaction tx(m_pool);
            tx.commitWith(kReleaseRows, unpublished.seqs, unpublished.ids);
        }
        deleteLeftovers(true);
    } catch (const std::exception& error) {
        // The rows come back after their grace: published late, or twice (deduplicated).
        try {
            core::logWarn("relay could not settle its rows on leaving",
                          {{"relay", m_options.name}, {"error", error.what()}});
        } catch (...) {
        }
    } catch (...) {
    }
}

int Relay::publishClaimed(amqp::Publisher& publisher) {
    pg::Transaction tx(m_pool);
    auto rows = tx.exec(
        "SELECT seq, id, event_type, routing_key, correlation_id, payload, "
        "COALESCE(request_id, ''), extract(epoch FROM created_at)::bigint "
        "FROM outbox WHERE next_attempt_at <= clock_timestamp() "
        "ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
        m_options.batchSize);
    ++m_stats.rounds;
    const int count = rows.rows();
    if (count == 0) {
        tx.commit();
        return 0;
    }

    PublishedRows refs;
    std::vector<amqp::Outgoing> batch;
    batch.reserve(static_cast<std::size_t>(count));
    for (int row = 0; row < count; ++row) {
        refs.append(rows.int64(row, 0), rows.str(row, 1));
        amqp::Outgoing out;
        out.routingKey = rows.str(row, 3);
        out.message.messageId = rows.str(row, 1);
        out.message.type = rows.str(row, 2);
        out.message.correlationId = rows.str(row, 4);
        out.message.body = rows.str(row, 5);
        out.message.timestamp = rows.int64(row, 7);
        if (auto requestId = rows.str(row, 6); !requestId.empty()) {
            out.message.headers.emplace_back("x-request-id", std::move(requestId));
        }
        batch.push_back(std::move(out));
    }
    const Outcome outcome = publish(publisher, batch, refs);
    if (!outcome.failed.empty()) {
        tx.exec(kRescheduleRows, outcome.failed.seqs, outcome.failed.ids, outcome.lastError);
    }
    if (outcome.published.empty()) {
        tx.commit();
    } else {
        // Published rows leave the table (it holds only what is still to be sent), in the same
        // round trip as the COMMIT.
        tx.commitWith(kDeleteRows, outcome.published.seqs, outcome.published.ids);
    }
    report(outcome);
    return count;
}

void Relay::publishHanded(amqp::Publisher& publisher, std::vector<HandedRow> rows) {
    // A row must be published, confirmed and deleted before a claim query may take it; one that
    // waited too long here (a backlog, or a writer whose transaction stayed open) is left to the
    // claims, to be published once rather than by both.
    const auto publishableUntil =
        std::chrono::steady_clock::now() + m_options.confirmTimeout + m_options.deleteLinger;
    const auto late = std::partition(rows.begin(), rows.end(), [&](const HandedRow& row) {
        return row.claimableAt > publishableUntil;
    });
    m_stats.leftToClaims += static_cast<std::uint64_t>(rows.end() - late);
    rows.erase(late, rows.end());
    if (rows.empty()) {
        return;
    }
    PublishedRows refs;
    std::vector<amqp::Outgoing> batch;
    batch.reserve(rows.size());
    for (auto& row : rows) {
        refs.append(row.seq, row.message.id);
        amqp::Outgoing out;
        out.routingKey = std::move(row.message.routingKey);
        out.message.messageId = std::move(row.message.id);
        out.message.type = std::move(row.message.eventType);
        out.message.correlationId = std::move(row.message.correlationId);
        out.message.body = std::move(row.message.payload);
        if (!row.message.requestId.empty()) {
            out.message.headers.emplace_back("x-request-id", std::move(row.message.requestId));
        }
        batch.push_back(std::move(out));
    }
    Outcome outcome;
    try {
        outcome = publish(publisher, batch, refs);
    } catch (const amqp::Error&) {
        // The broker went before anything was settled: the rows are claimable at once rather
        // than after their grace (if this fails too, the grace still brings them back).
        try {
            pg::Transaction tx(m_pool);
            tx.commitWith(kReleaseRows, refs.seqs, refs.ids);
        } catch (const pg::Error&) {
        }
        throw;
    }
    // The writers delete them; the database is needed only for the failures.
    m_handoff.published(outcome.published);
    m_stats.handed += outcome.published.size();
    if (!outcome.failed.empty()) {
        pg::Transaction tx(m_pool);
        tx.commitWith(kRescheduleRows, outcome.failed.seqs, outcome.failed.ids, outcome.lastError);
    }
    report(outcome);
}

Relay::Outcome Relay::publish(amqp::Publisher& publisher, const std::vector<amqp::Outgoing>& batch,
                              const PublishedRows& refs) {
    const auto started = std::chrono::steady_clock::now();
    const auto outcomes =
        publisher.publishBatch(m_options.exchange, batch, m_options.confirmTimeout);
    Outcome outcome;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto result = outcomes[i];
        const bool optionalRoute = m_options.optionalRouteKeys.contains(batch[i].routingKey);
        if (result == amqp::PublishOutcome::Confirmed ||
            (result == amqp::PublishOutcome::Returned && optionalRoute)) {
            outcome.published.append(refs.seqs[i], refs.ids[i]);
            continue;
        }
        outcome.failed.append(refs.seqs[i], refs.ids[i]);
        switch (result) {
            case amqp::PublishOutcome::Returned:
                outcome.lastError = "unroutable: no queue bound for " + batch[i].routingKey;
                break;
            case amqp::PublishOutcome::Nacked:
                outcome.lastError = "nacked by the broker";
                break;
            default:
                outcome.lastError = "no confirm before the timeout";
                outcome.timedOut = true;
                break;
        }
    }
    if (core::logEnabled(core::LogLevel::Debug)) {
        const auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count();
        core::logDebug("relay published", {{"relay", m_options.name},
                                           {"rows", std::to_string(batch.size())},
                                           {"publish_ms", std::to_string(ms)}});
    }
    return outcome;
}

void Relay::report(const Outcome& outcome) {
    m_stats.published += outcome.published.size();
    m_stats.failed += outcome.failed.size();
    if (!outcome.failed.empty()) {
        core::logWarn("relay could not publish", {{"relay", m_options.name},
                                                  {"rows", std::to_string(outcome.failed.size())},
                                                  {"error", outcome.lastError}});
    }
    if (outcome.timedOut) {
        // A missing confirm usually means a dead connection: reconnect before the next round.
        throw amqp::ConnectionError("publisher confirms timed out");
    }
}

std::optional<std::chrono::steady_clock::time_point> Relay::deleteLeftovers(bool all) {
    while (const auto since = m_handoff.publishedSince()) {
        const auto due = *since + m_options.deleteLinger;
        if (!all && std::chrono::steady_clock::now() < due) {
            return due;
        }
        const auto rows =
            m_handoff.takePublished(static_cast<std::size_t>(m_options.batchSize) * 10);
        if (rows.empty()) {
            break;
        }
        try {
            pg::Transaction tx(m_pool);
            tx.commitWith(kDeleteRows, rows.seqs, rows.ids);
        } catch (...) {
            m_handoff.published(rows);
            throw;
        }
    }
    return std::nullopt;
}

Relay::Wake Relay::waitForWork(pg::Connection& listener, std::chrono::milliseconds interval,
                               const std::stop_token& stop) {
    if (stop.stop_requested()) {
        return Wake::Timeout;
    }
    // One wait: the doorbell also rings when a stop is requested (see loop()).
    const bool notified =
        !listener.waitForNotifications(interval, m_handoff.doorbell().fd()).empty();
    // Drained before the next round: every ring consumed here was for rows handed over before it,
    // which that round takes.
    const bool rung = m_handoff.doorbell().drain();
    if (notified) {
        return Wake::Notified;
    }
    if (rung && !stop.stop_requested()) {
        return Wake::Rung;
    }
    return Wake::Timeout;
}

}  // namespace shop::outbox
