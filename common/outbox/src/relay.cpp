#include "shop/outbox/relay.hpp"

#include <memory>
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

}  // namespace

Relay::Relay(RelayOptions options, pg::Pool& pool)
    : m_options(std::move(options)), m_endpoints(m_options.amqpUrl), m_pool(pool) {}

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
    const std::stop_callback ringOnStop(stop, [this] { m_doorbell.ring(); });
    amqp::Backoff backoff;
    std::unique_ptr<amqp::Connection> broker;
    std::unique_ptr<amqp::Publisher> publisher;
    std::unique_ptr<pg::Connection> listener;
    std::unique_ptr<DoorbellRegistration> registration;
    auto lastBrokerUse = std::chrono::steady_clock::now();
    auto hotUntil = lastBrokerUse;
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
                registration.reset();
                listener = std::make_unique<pg::Connection>(m_options.dbUrl, m_options.name);
                listener->listen(kNotifyChannel);
                // Writers of this process ring instead of notifying from now on.
                registration =
                    std::make_unique<DoorbellRegistration>(databaseKey(*listener), m_doorbell);
            }
            const auto roundStarted = std::chrono::steady_clock::now();
            const int claimed = publishBatch(*publisher);
            backoff.reset();
            const auto now = std::chrono::steady_clock::now();
            if (claimed > 0) {
                lastBrokerUse = now;
            } else if (now - lastBrokerUse > kKeepAliveEvery) {
                // rabbitmq-c serves heartbeats only inside library calls: an idle relay makes a
                // cheap idempotent call now and then so the broker does not drop it.
                amqp::declareExchange(*broker, m_options.exchange);
                lastBrokerUse = now;
            }
            if (claimed < m_options.batchSize) {
                const bool hot = now < hotUntil;
                const Wake wake =
                    waitForWork(*listener, hot ? m_options.hotPoll : m_options.pollInterval, stop);
                if (wake == Wake::Notified) {
                    hotUntil = std::chrono::steady_clock::now() + m_options.hotWindow;
                }
                if (claimed > 0 && wake != Wake::Timeout) {
                    // Busy: let the next commits gather before claiming them.
                    std::this_thread::sleep_until(roundStarted + m_options.roundGap);
                }
            }
        } catch (const amqp::Error& error) {
            core::logWarn("relay lost the broker",
                          {{"relay", m_options.name}, {"error", error.what()}});
            m_stats.brokerConnected = false;
            publisher.reset();
            broker.reset();
            amqp::sleepFor(backoff.next(), stop);
        } catch (const pg::Error& error) {
            core::logWarn("relay lost the database",
                          {{"relay", m_options.name}, {"error", error.what()}});
            registration.reset();
            listener.reset();
            amqp::sleepFor(backoff.next(), stop);
        } catch (const std::exception& error) {
            core::logError("relay failed", {{"relay", m_options.name}, {"error", error.what()}});
            amqp::sleepFor(backoff.next(), stop);
        }
    }
    m_stats.brokerConnected = false;
}

int Relay::publishBatch(amqp::Publisher& publisher) {
    const auto started = std::chrono::steady_clock::now();
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

    std::vector<std::int64_t> seqs;
    std::vector<amqp::Outgoing> batch;
    seqs.reserve(static_cast<std::size_t>(count));
    batch.reserve(static_cast<std::size_t>(count));
    for (int row = 0; row < count; ++row) {
        seqs.push_back(rows.int64(row, 0));
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

    const auto claimedAt = std::chrono::steady_clock::now();
    const auto outcomes =
        publisher.publishBatch(m_options.exchange, batch, m_options.confirmTimeout);
    const auto confirmedAt = std::chrono::steady_clock::now();

    std::vector<std::int64_t> published;
    std::vector<std::int64_t> failed;
    std::string lastError;
    bool timedOut = false;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto outcome = outcomes[i];
        const bool optionalRoute = m_options.optionalRouteKeys.contains(batch[i].routingKey);
        if (outcome == amqp::PublishOutcome::Confirmed ||
            (outcome == amqp::PublishOutcome::Returned && optionalRoute)) {
            published.push_back(seqs[i]);
            continue;
        }
        failed.push_back(seqs[i]);
        switch (outcome) {
            case amqp::PublishOutcome::Returned:
                lastError = "unroutable: no queue bound for " + batch[i].routingKey;
                break;
            case amqp::PublishOutcome::Nacked:
                lastError = "nacked by the broker";
                break;
            default:
                lastError = "no confirm before the timeout";
                timedOut = true;
                break;
        }
    }
    if (!failed.empty()) {
        // Retry after 0.2 s, 0.4 s, ... capped at a minute.
        tx.exec(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
            "next_attempt_at = clock_timestamp() + "
            "make_interval(secs => least(60, 0.2 * power(2, least(attempts, 12)))) "
            "WHERE seq = ANY($1::bigint[])",
            failed, lastError);
    }
    if (published.empty()) {
        tx.commit();
    } else {
        // Published rows leave the table (it holds only what is still to be sent), in the same
        // round trip as the COMMIT.
        tx.commitWith("DELETE FROM outbox WHERE seq = ANY($1::bigint[])", published);
    }
    if (core::logEnabled(core::LogLevel::Debug)) {
        const auto ms = [](auto from, auto to) {
            return std::to_string(std::chrono::duration<double, std::milli>(to - from).count());
        };
        const auto now = std::chrono::steady_clock::now();
        core::logDebug("relay round", {{"relay", m_options.name},
                                       {"rows", std::to_string(count)},
                                       {"claim_ms", ms(started, claimedAt)},
                                       {"publish_ms", ms(claimedAt, confirmedAt)},
                                       {"mark_ms", ms(confirmedAt, now)}});
    }
    m_stats.published += published.size();
    m_stats.failed += failed.size();
    if (!failed.empty()) {
        core::logWarn("relay could not publish", {{"relay", m_options.name},
                                                  {"rows", std::to_string(failed.size())},
                                                  {"error", lastError}});
    }
    if (timedOut) {
        // A missing confirm usually means a dead connection: reconnect before the next round.
        throw amqp::ConnectionError("publisher confirms timed out");
    }
    return count;
}

Relay::Wake Relay::waitForWork(pg::Connection& listener, std::chrono::milliseconds interval,
                               const std::stop_token& stop) {
    if (stop.stop_requested()) {
        return Wake::Timeout;
    }
    // One wait: the doorbell also rings when a stop is requested (see loop()).
    const bool notified = !listener.waitForNotifications(interval, m_doorbell.fd()).empty();
    // Drained before the next claim: every ring consumed here was for a commit that the claim's
    // snapshot then sees.
    const bool rung = m_doorbell.drain();
    if (notified) {
        return Wake::Notified;
    }
    if (rung && !stop.stop_requested()) {
        return Wake::Rung;
    }
    return Wake::Timeout;
}

}  // namespace shop::outbox
