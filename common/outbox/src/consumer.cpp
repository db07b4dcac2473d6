#include "shop/outbox/consumer.hpp"

#include <algorithm>
#include <stdexcept>

#include "shop/amqp/backoff.hpp"
#include "shop/amqp/connection.hpp"
#include "shop/amqp/consumer.hpp"
#include "shop/amqp/endpoints.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/core/log.hpp"
#include "shop/outbox/delivery_transaction.hpp"
#include "shop/pg/errors.hpp"

namespace shop::outbox {
namespace {

/// How often a consumer waiting for the database tells the broker that it lives.
constexpr auto kHeartbeatEvery = std::chrono::milliseconds(1000);

/// Waits `duration` (false when stopped first), sending a heartbeat on `connection` now and then
/// every kHeartbeatEvery.
bool waitWithHeartbeats(amqp::Connection& connection, std::chrono::milliseconds duration,
                        const std::stop_token& stop) {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (true) {
        connection.sendHeartbeat();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return true;
        }
        if (!amqp::sleepFor(std::min(left, kHeartbeatEvery), stop)) {
            return false;
        }
    }
}

void settle(amqp::Consumer& consumer, const amqp::Delivery& delivery, Disposition disposition,
            ConsumerStats& stats) {
    switch (disposition) {
        case Disposition::Ack:
            consumer.ack(delivery.deliveryTag);
            break;
        case Disposition::Duplicate:
            ++stats.duplicates;
            consumer.ack(delivery.deliveryTag);
            break;
        case Disposition::DeadLetter:
            ++stats.deadLettered;
            consumer.reject(delivery.deliveryTag, false);
            break;
        case Disposition::Retry:
            ++stats.retried;
            consumer.nack(delivery.deliveryTag, true);
            break;
    }
}

/// How often a busy consumer logs what it did (the detail of each message is at DEBUG).
constexpr auto kSummaryEvery = std::chrono::seconds(10);

/// Logs, at most every kSummaryEvery and only when something was consumed, the counters' growth.
class Summary final {
  public:
    explicit Summary(const ConsumerStats& stats) : m_stats(stats) { take(m_last); }

    void maybeLog(std::string_view queue) {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_since < kSummaryEvery) {
            return;
        }
        Counts current;
        take(current);
        if (current.consumed != m_last.consumed) {
            const double seconds = std::chrono::duration<double>(now - m_since).count();
            core::logInfo(
                "consumer summary",
                {{"queue", queue},
                 {"seconds", std::to_string(static_cast<int>(seconds + 0.5))},
                 {"consumed", std::to_string(current.consumed - m_last.consumed)},
                 {"duplicates", std::to_string(current.duplicates - m_last.duplicates)},
                 {"dead_lettered", std::to_string(current.deadLettered - m_last.deadLettered)},
                 {"retried", std::to_string(current.retried - m_last.retried)},
                 {"batches", std::to_string(current.batches - m_last.batches)}});
        }
        m_last = current;
        m_since = now;
    }

  private:
    struct Counts {
        std::uint64_t consumed = 0, duplicates = 0, deadLettered = 0, retried = 0, batches = 0;
    };
    void take(Counts& counts) const {
        counts = Counts{m_stats.consumed, m_stats.duplicates, m_stats.deadLettered, m_stats.retried,
                        m_stats.batches};
    }

    const ConsumerStats& m_stats;
    Counts m_last;
    std::chrono::steady_clock::time_point m_since = std::chrono::steady_clock::now();
};

}  // namespace

int readConsumerBatch(core::EnvReader& env) {
    return static_cast<int>(env.integer("SHOP_CONSUMER_BATCH", kDefaultConsumerBatch, 1, 1000));
}

ConsumerWorker::ConsumerWorker(ConsumerOptions options, DeliveryHandler handler,
                               BatchHandler batchHandler)
    : m_options(std::move(options)),
      m_endpoints(m_options.amqpUrl),
      m_handler(std::move(handler)),
      m_batchHandler(std::move(batchHandler)) {
    if (m_options.batch <= 0) {
        core::EnvReader env;
        m_options.batch = readConsumerBatch(env);
        env.finish();
    }
    m_options.prefetch = std::max(m_options.prefetch, m_options.batch);
}

ConsumerWorker::~ConsumerWorker() {
    stop();
}

void ConsumerWorker::start() {
    m_thread = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void ConsumerWorker::stop() {
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

void ConsumerWorker::loop(const std::stop_token& stop) {
    amqp::Backoff backoff;
    Summary summary(m_stats);
    while (!stop.stop_requested()) {
        try {
            const auto owned = m_endpoints.connect(amqp::ConnectionOptions{
                .heartbeat = m_options.heartbeat, .connectionName = m_options.name});
            amqp::Connection& connection = *owned;
            // The wait for deliveries has no timeout to check `stop`: a stop ends it.
            const std::stop_callback wake(stop, [&connection] { connection.stopReading(); });
            amqp::declareExchange(connection, m_options.exchange);
            amqp::declareWorkQueue(
                connection, amqp::WorkQueueSpec{m_options.queue, m_options.exchange,
                                                m_options.bindingKeys, m_options.deliveryLimit});
            amqp::Consumer consumer(connection, m_options.queue,
                                    static_cast<std::uint16_t>(m_options.prefetch));
            m_stats.connected = true;
            backoff.reset();
            core::logInfo("consuming", {{"queue", m_options.queue},
                                        {"batch", std::to_string(m_options.batch)},
                                        {"prefetch", std::to_string(m_options.prefetch)}});
            const auto limit = static_cast<std::size_t>(m_options.batch);
            std::vector<amqp::Delivery> batch;
            std::vector<Disposition> dispositions;
            batch.reserve(limit);
            while (!stop.stop_requested()) {
                summary.maybeLog(m_options.queue);
                auto delivery = consumer.next(kSummaryEvery);
                if (!delivery) {
                    continue;
                }
                batch.clear();
                batch.push_back(std::move(*delivery));
                // Only what is already here: a batch never waits for more deliveries.
                while (batch.size() < limit) {
                    auto more = consumer.next(std::chrono::milliseconds(0));
                    if (!more) {
                        break;
                    }
                    batch.push_back(std::move(*more));
                }
                m_stats.consumed += batch.size();
                const auto started = std::chrono::steady_clock::now();
                if (batch.size() > 1) {
                    if (handleBatch(batch, dispositions)) {
                        ++m_stats.batches;
                        const bool allAcked = std::all_of(
                            dispositions.begin(), dispositions.end(), [](Disposition d) {
                                return d == Disposition::Ack || d == Disposition::Duplicate;
                            });
                        if (allAcked) {
                            m_stats.duplicates += static_cast<std::uint64_t>(std::count(
                                dispositions.begin(), dispositions.end(), Disposition::Duplicate));
                            // One frame: a batch holds consecutive delivery tags and
                            // everything before it is already settled.
                            consumer.ackUpTo(batch.back().deliveryTag);
                        } else {
                            for (std::size_t i = 0; i < batch.size(); ++i) {
                                settle(consumer, batch[i], dispositions[i], m_stats);
                            }
                        }
                        if (core::logEnabled(core::LogLevel::Debug)) {
                            const std::chrono::duration<double, std::milli> took =
                                std::chrono::steady_clock::now() - started;
                            core::logDebug("batch handled",
                                           {{"queue", m_options.queue},
                                            {"messages", std::to_string(batch.size())},
                                            {"ms", std::to_string(took.count())}});
                        }
                        continue;
                    }
                    ++m_stats.fallbacks;
                }
                for (const auto& one : batch) {
                    const Disposition disposition = handleWithRetries(one, connection, stop);
                    if (stop.stop_requested() && disposition == Disposition::Retry) {
                        // Leave it and the rest unacked: they return to the queue when we
                        // disconnect.
                        break;
                    }
                    settle(consumer, one, disposition, m_stats);
                }
            }
        } catch (const std::exception& error) {
            m_stats.connected = false;
            if (stop.stop_requested()) {
                break;  // most likely the stop ended the wait
            }
            core::logWarn("consumer lost the broker",
                          {{"queue", m_options.queue}, {"error", error.what()}});
            amqp::sleepFor(backoff.next(), stop);
        }
    }
    m_stats.connected = false;
}

bool ConsumerWorker::handleBatch(const std::vector<amqp::Delivery>& batch,
                                 std::vector<Disposition>& dispositions) {
    dispositions.clear();
    const amqp::Delivery* current = nullptr;
    try {
        if (m_batchHandler) {
            dispositions = m_batchHandler(batch);
            if (dispositions.size() != batch.size()) {
                throw std::logic_error("a batch handler must answer once per delivery");
            }
            return true;
        }
        detail::BatchScope scope;
        for (const auto& delivery : batch) {
            current = &delivery;
            const Disposition disposition = m_handler(delivery);
            // A handler that asks for a retry, or did not finish its work in the shared
            // transaction, is redone alone, where its own outcome counts.
            if (disposition == Disposition::Retry || scope.broken()) {
                throw BatchAbandoned("a delivery could not be handled in the batch");
            }
            dispositions.push_back(disposition);
        }
        current = nullptr;
        scope.commit();
        return true;
    } catch (const std::exception& error) {
        // Everything is rolled back (the scope's transaction with it); each delivery is handled
        // again on its own, so only a poison message fails.
        core::logWarn("batch rolled back, handling its messages one by one",
                      {{"queue", m_options.queue},
                       {"messages", std::to_string(batch.size())},
                       {"message_id", current ? std::string_view(current->message.messageId)
                                              : std::string_view("(commit)")},
                       {"error", error.what()}});
        return false;
    }
}

Disposition ConsumerWorker::handleWithRetries(const amqp::Delivery& delivery,
                                              amqp::Connection& connection,
                                              const std::stop_token& stop) {
    amqp::Backoff backoff;
    const std::string& messageId = delivery.message.messageId;
    while (true) {
        try {
            return m_handler(delivery);
        } catch (const pg::Error& error) {
            if (!pg::isTransient(error) || stop.stop_requested()) {
                core::logError("message failed", {{"queue", m_options.queue},
                                                  {"message_id", messageId},
                                                  {"error", error.what()}});
                return Disposition::Retry;
            }
            core::logWarn(
                "database unavailable, retrying message",
                {{"queue", m_options.queue}, {"message_id", messageId}, {"error", error.what()}});
            // rabbitmq-c serves heartbeats only inside its calls: without these, an outage
            // longer than two heartbeats lost the connection, and the delivery came back
            // redelivered, one step nearer the dead-letter queue.
            waitWithHeartbeats(connection, backoff.next(), stop);
        } catch (const std::exception& error) {
            core::logError(
                "message failed",
                {{"queue", m_options.queue}, {"message_id", messageId}, {"error", error.what()}});
            return Disposition::Retry;
        }
    }
}

}  // namespace shop::outbox
