#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "shop/core/config.hpp"
#include "shop/http/router.hpp"
#include "shop/http/server.hpp"
#include "shop/metrics/http_metrics.hpp"
#include "shop/metrics/registry.hpp"
#include "shop/outbox/consumer.hpp"
#include "shop/outbox/relay.hpp"
#include "shop/outbox/retention.hpp"
#include "shop/pg/pool.hpp"
#include "shop/service/service_metrics.hpp"

namespace shop::service {

/// The settings of every session of a service's pool (libpq `options`; SHOP_DB_URL's own
/// options come after them). Every statement a service runs is written for an index and runs
/// thousands of times a second on the same sessions, so each session plans it once, as a
/// generic plan, and no plan may read a whole table. Measured on fresh stacks:
/// - with PostgreSQL's defaults, the generic plans cached while the tables were nearly empty
///   kept full scans as they grew (orders read in full 759 times, 8 million rows, in a 30-second
///   run at 700 orders/s; the outbox too): a quarter of PostgreSQL's CPU;
/// - with enable_seqscan=off alone, such generic plans look dearer than custom ones, so the
///   batch statements were planned again at every execution: 15 % of all CPU at 900 orders/s.
/// With both: 1.2 → 0.66–0.69 ms of PostgreSQL CPU per order at 1,100 orders/s.
inline constexpr const char* kDatabaseSessionOptions =
    "-c plan_cache_mode=force_generic_plan -c enable_seqscan=off";

/// Settings shared by the orders and payments services, read from the environment.
struct ServiceConfig {
    std::string name;
    http::ServerOptions http;
    std::string dbUrl;
    std::string amqpUrl;
    /// Shared with the gateway; every request but the health checks and /metrics must carry it.
    std::string internalSecret;
    int dbPoolSize = 16;
    /// Connections opened in the background at start() (see pg::Pool::warm), at most the size;
    /// 0 opens each on demand.
    int dbPoolWarm = 16;
    bool runApi = true;
    bool runRelay = true;
    bool runConsumer = true;
    /// Cleanup of published outbox rows, old inbox rows and expired Idempotency-Keys; runs in
    /// every process with the relay role.
    outbox::RetentionOptions retention;
};

/// Reads SHOP_HTTP_ADDR, SHOP_HTTP_THREADS, SHOP_DB_URL, SHOP_DB_POOL_SIZE, SHOP_DB_POOL_WARM
/// (0..256, default the pool size), SHOP_AMQP_URL,
/// SHOP_INTERNAL_SECRET (required, at least 16 bytes) and SHOP_ROLES (comma list of api, relay,
/// consumer; default all), and the retention settings
/// SHOP_INBOX_RETENTION (7d, at least 1h), SHOP_IDEMPOTENCY_RETENTION (24h, at least 24h),
/// SHOP_RETENTION_INTERVAL (10m) and SHOP_RETENTION_BATCH (1000); durations are an integer with s,
/// m, h or d. Records problems in `env`.
ServiceConfig readServiceConfig(core::EnvReader& env, std::string name,
                                std::string_view defaultAddress);

/// The pieces of a service process: a pool, an HTTP server with health endpoints, an outbox relay
/// and a consumer, each switched on by its role. Shuts down in the order that loses nothing:
/// stop accepting HTTP, stop consuming (unacked deliveries return to the queue), stop the relay.
class ServiceHost final {
  public:
    explicit ServiceHost(ServiceConfig config);
    ~ServiceHost();

    pg::Pool& pool() { return *m_pool; }
    const ServiceConfig& config() const { return m_config; }

    /// Adds /health/live, /health, /health/ready (database ping and broker connection) and
    /// /metrics (Prometheus text: HTTP, consumer, relay, outbox backlog, connections).
    void addHealthRoutes(http::Router& router);
    /// The service's metrics; an app may register its own before start().
    metrics::Registry& metrics() { return m_metrics; }
    void setRouter(http::Router router) { m_router = std::move(router); }
    /// Adds a consumer of one work queue (when the consumer role is on).
    void addConsumer(outbox::ConsumerOptions options, outbox::DeliveryHandler handler,
                     outbox::BatchHandler batchHandler = {});
    void setRelay(outbox::RelayOptions options);

    /// Starts the enabled roles; throws if the HTTP port cannot be bound.
    void start();
    void stop();
    std::uint16_t httpPort() const;

  private:
    bool brokerConnected() const;

    ServiceConfig m_config;
    metrics::Registry m_metrics;  // first in, last out: everything below may feed it
    metrics::HttpMetrics m_httpMetrics{m_metrics};
    std::unique_ptr<pg::Pool> m_pool;
    http::Router m_router;
    std::unique_ptr<http::Server> m_server;
    std::unique_ptr<outbox::Relay> m_relay;
    std::vector<QueueConsumer> m_consumers;
    std::unique_ptr<outbox::RetentionJob> m_retention;
    std::jthread m_warmer;  ///< opens the pool's connections after start(); last out, first joined
};

}  // namespace shop::service
