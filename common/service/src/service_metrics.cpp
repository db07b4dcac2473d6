#include "shop/service/service_metrics.hpp"

#include <chrono>

namespace shop::service {
namespace {

using metrics::Sample;
using metrics::Type;

double asNumber(std::uint64_t value) {
    return static_cast<double>(value);
}

}  // namespace

void registerServiceMetrics(metrics::Registry& registry, const MetricSources& sources) {
    if (const std::vector<QueueConsumer>* consumers = sources.consumers) {
        auto perQueue = [consumers](auto read) {
            return [consumers, read] {
                std::vector<Sample> samples;
                for (const auto& consumer : *consumers) {
                    samples.push_back({{consumer.queue}, asNumber(read(consumer.worker->stats()))});
                }
                return samples;
            };
        };
        registry.callback(
            "shop_messages_consumed_total", "Deliveries taken from the work queue.", Type::Counter,
            {"queue"}, perQueue([](const outbox::ConsumerStats& s) { return s.consumed.load(); }));
        registry.callback(
            "shop_inbox_duplicates_total",
            "Deliveries recognised by the inbox as already handled, acknowledged with no effect.",
            Type::Counter, {"queue"},
            perQueue([](const outbox::ConsumerStats& s) { return s.duplicates.load(); }));
        registry.callback(
            "shop_messages_dead_lettered_total", "Deliveries rejected to the dead-letter queue.",
            Type::Counter, {"queue"},
            perQueue([](const outbox::ConsumerStats& s) { return s.deadLettered.load(); }));
        registry.callback(
            "shop_messages_retried_total", "Deliveries returned to the queue to be tried again.",
            Type::Counter, {"queue"},
            perQueue([](const outbox::ConsumerStats& s) { return s.retried.load(); }));
    }
    if (const outbox::Relay* relay = sources.relay) {
        registry.callback("shop_outbox_published_total",
                          "Outbox rows published and confirmed by the broker.", Type::Counter,
                          [relay] { return asNumber(relay->stats().published.load()); });
        registry.callback("shop_outbox_publish_failures_total",
                          "Outbox rows whose publish failed (retried later).", Type::Counter,
                          [relay] { return asNumber(relay->stats().failed.load()); });
        registry.callback("shop_outbox_left_to_claims_total",
                          "Rows handed to the relay in memory that it reached too near the end of "
                          "their grace, left for a claim query to publish (a backlog, or a "
                          "writer's transaction that stayed open).",
                          Type::Counter,
                          [relay] { return asNumber(relay->stats().leftToClaims.load()); });
    }
    const outbox::Relay* relay = sources.relay;
    const std::vector<QueueConsumer>* consumers = sources.consumers;
    registry.callback(
        "shop_broker_connected", "1 while the component's broker connection is up, else 0.",
        Type::Gauge, {"component"}, [relay, consumers] {
            std::vector<Sample> samples;
            if (relay != nullptr) {
                samples.push_back({{"relay"}, relay->stats().brokerConnected ? 1.0 : 0.0});
            }
            if (consumers != nullptr && !consumers->empty()) {
                bool connected = true;
                for (const auto& consumer : *consumers) {
                    connected = connected && consumer.worker->stats().connected;
                }
                samples.push_back({{"consumer"}, connected ? 1.0 : 0.0});
            }
            return samples;
        });
    pg::Pool* pool = sources.pool;
    if (pool == nullptr) {
        return;
    }
    auto& databaseUp =
        registry
            .gauge("shop_database_up", "1 when the last scrape could query the database, else 0.")
            .with();
    auto& backlog = registry
                        .gauge("shop_outbox_backlog",
                               "Outbox rows not yet deleted: unpublished, or published less than "
                               "about a second ago.")
                        .with();
    auto& oldest = registry
                       .gauge("shop_outbox_oldest_unpublished_age_seconds",
                              "Age of the oldest outbox row not yet deleted (0 when none).")
                       .with();
    registry.onScrape([pool, &databaseUp, &backlog, &oldest] {
        try {
            auto lease = pool->acquire(std::chrono::milliseconds(1000));
            // The outbox holds unpublished rows, and published ones until the next write of the
            // relay's process (or, without one, the relay after RelayOptions::deleteLinger).
            auto result = lease->exec(
                "SELECT count(*)::bigint, COALESCE((EXTRACT(EPOCH FROM clock_timestamp() - "
                "min(created_at)) * 1000)::bigint, 0) FROM outbox");
            backlog.set(static_cast<double>(result.int64(0, 0)));
            oldest.set(static_cast<double>(result.int64(0, 1)) / 1000.0);
            databaseUp.set(1);
        } catch (const std::exception&) {
            databaseUp.set(0);
        }
    });
    registry.callback("shop_db_pool_connections", "Pooled database connections by state.",
                      Type::Gauge, {"state"}, [pool] {
                          const auto stats = pool->stats();
                          return std::vector<Sample>{{{"in_use"}, static_cast<double>(stats.inUse)},
                                                     {{"idle"}, static_cast<double>(stats.idle)}};
                      });
    registry.callback("shop_db_pool_waiting", "Threads waiting for a pooled connection.",
                      Type::Gauge, [pool] { return static_cast<double>(pool->stats().waiting); });
}

}  // namespace shop::service
