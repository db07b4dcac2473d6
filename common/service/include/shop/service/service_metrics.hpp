#pragma once

#include <memory>
#include <string>
#include <vector>

#include "shop/metrics/registry.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/outbox/relay.hpp"
#include "shop/pg/pool.hpp"

namespace shop::service {

/// A consumer and the work queue it reads.
struct QueueConsumer {
    std::string queue;
    std::unique_ptr<outbox::ConsumerWorker> worker;
};

/// The parts of a service whose state /metrics reports; null pointers (and no consumers) are
/// roles switched off.
struct MetricSources {
    pg::Pool* pool = nullptr;
    const outbox::Relay* relay = nullptr;
    const std::vector<QueueConsumer>* consumers = nullptr;
};

/// Registers what every service exposes besides its HTTP metrics:
/// - `shop_messages_consumed_total`, `shop_inbox_duplicates_total`,
///   `shop_messages_dead_lettered_total`, `shop_messages_retried_total` (label `queue`);
/// - `shop_outbox_published_total`, `shop_outbox_publish_failures_total`;
/// - `shop_broker_connected{component}` (relay, consumer: 1 while every consumer is connected)
///   and `shop_database_up`;
/// - `shop_outbox_backlog` (rows not yet deleted: unpublished, or published within about a
///   second) and `shop_outbox_oldest_unpublished_age_seconds`,
///   read with one indexed query per scrape (bounded by a 1 s wait for a pooled connection);
/// - `shop_db_pool_connections{state}` (in_use, idle) and `shop_db_pool_waiting`.
/// The sources must outlive `registry`'s last render.
void registerServiceMetrics(metrics::Registry& registry, const MetricSources& sources);

}  // namespace shop::service
