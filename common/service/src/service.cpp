#include "shop/service/service.hpp"

#include "shop/amqp/endpoints.hpp"
#include "shop/core/log.hpp"
#include "shop/core/nodes.hpp"
#include "shop/domain/json.hpp"
#include "shop/pg/connection.hpp"
#include "shop/pg/errors.hpp"
#include "shop/service/internal_access.hpp"
#include "shop/service/service_metrics.hpp"

namespace shop::service {
namespace {

/// How long a readiness check waits for each broker node to accept a TCP connection.
constexpr std::chrono::milliseconds kNodeProbeTimeout{300};

std::chrono::seconds readDuration(core::EnvReader& env, std::string_view name,
                                  std::string_view fallback, std::chrono::seconds min) {
    const std::string text = env.string(name, fallback);
    const auto value = outbox::parseDuration(text);
    if (!value) {
        env.addProblem(std::string(name) + " must be a duration like 30s, 15m, 24h or 7d; got '" +
                       text + "'");
        return *outbox::parseDuration(fallback);
    }
    if (*value < min) {
        env.addProblem(std::string(name) + " must be at least " + std::to_string(min.count()) +
                       " s; got '" + text + "'");
    }
    return *value;
}

}  // namespace

ServiceConfig readServiceConfig(core::EnvReader& env, std::string name,
                                std::string_view defaultAddress) {
    ServiceConfig config;
    config.name = std::move(name);
    env.applyLogLevel();
    auto [host, port] = env.address("SHOP_HTTP_ADDR", defaultAddress);
    config.http.host = host;
    config.http.port = port;
    config.http.threads = static_cast<int>(env.integer("SHOP_HTTP_THREADS", 64, 1, 1024));
    http::readServerLimits(env, config.http);
    config.dbUrl = env.required("SHOP_DB_URL");
    config.amqpUrl = amqp::readUrls(env, "SHOP_AMQP_URL");
    config.internalSecret = env.required("SHOP_INTERNAL_SECRET");
    if (!config.internalSecret.empty() &&
        config.internalSecret.size() < auth::kMinInternalSecretBytes) {
        env.addProblem("SHOP_INTERNAL_SECRET must be at least " +
                       std::to_string(auth::kMinInternalSecretBytes) + " bytes");
    }
    config.dbPoolSize = static_cast<int>(env.integer("SHOP_DB_POOL_SIZE", 16, 1, 256));
    config.dbPoolWarm =
        static_cast<int>(env.integer("SHOP_DB_POOL_WARM", config.dbPoolSize, 0, 256));
    const std::string roles = env.string("SHOP_ROLES", "api,relay,consumer");
    config.runApi = config.runRelay = config.runConsumer = false;
    std::string_view rest = roles;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view role = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (role == "api") {
            config.runApi = true;
        } else if (role == "relay") {
            config.runRelay = true;
        } else if (role == "consumer") {
            config.runConsumer = true;
        } else if (!role.empty()) {
            env.addProblem("SHOP_ROLES must list only api, relay, consumer; got '" +
                           std::string(role) + "'");
        }
    }
    // The dedupe window must outlast any redelivery or republish, which takes minutes at most.
    config.retention.inboxAge =
        readDuration(env, "SHOP_INBOX_RETENTION", "7d", std::chrono::hours(1));
    // The contract keeps Idempotency-Keys at least 24 hours.
    config.retention.idempotencyAge =
        readDuration(env, "SHOP_IDEMPOTENCY_RETENTION", "24h", std::chrono::hours(24));
    config.retention.interval = std::chrono::duration_cast<std::chrono::milliseconds>(
        readDuration(env, "SHOP_RETENTION_INTERVAL", "10m", std::chrono::seconds(1)));
    config.retention.batchSize =
        static_cast<int>(env.integer("SHOP_RETENTION_BATCH", 1000, 1, 100000));
    config.retention.name = config.name + "-retention";
    return config;
}

ServiceHost::ServiceHost(ServiceConfig config) : m_config(std::move(config)) {
    m_pool = std::make_unique<pg::Pool>(
        m_config.dbUrl, static_cast<std::size_t>(m_config.dbPoolSize),
        std::chrono::milliseconds(5000), m_config.name, kDatabaseSessionOptions);
}

ServiceHost::~ServiceHost() {
    stop();
}

void ServiceHost::addHealthRoutes(http::Router& router) {
    auto live = [](const http::Request&) {
        return http::Response::data(200, R"({"status":"ok"})");
    };
    router.add("GET", "/health/live", live);
    router.add("GET", "/health", live);
    router.add("GET", "/health/ready", [this](const http::Request&) {
        // With several nodes (a cluster, a primary and its standby) the report says which are
        // missing; the service stays ready while it reaches the primary and a majority of the
        // broker's nodes.
        const auto databaseNodes = pg::probeHosts(m_config.dbUrl);
        const auto brokerNodes =
            m_config.amqpUrl.empty()
                ? std::vector<core::NodeState>{}
                : amqp::probeNodes(amqp::parseUrls(m_config.amqpUrl), kNodeProbeTimeout);
        const bool database = m_pool->ping();
        const bool broker =
            brokerConnected() && core::nodesUp(brokerNodes) * 2 > brokerNodes.size();
        const bool ready = database && broker;
        domain::JsonWriter out;
        out.beginObject()
            .field("status", ready ? "ok" : "unavailable")
            .key("checks")
            .beginObject()
            .field("database", database ? "ok" : "down")
            .field("broker", broker ? "ok" : "down");
        if (databaseNodes.size() > 1) {
            core::writeNodes(out.key("database_nodes"), databaseNodes);
        }
        if (brokerNodes.size() > 1) {
            core::writeNodes(out.key("broker_nodes"), brokerNodes);
        }
        out.endObject().endObject();
        return http::Response::data(ready ? 200 : 503, out.take());
    });
    router.add("GET", "/metrics", [this](const http::Request&) {
        http::Response response;
        response.body = m_metrics.render();
        response.contentType = std::string(metrics::kContentType);
        return response;
    });
}

void ServiceHost::addConsumer(outbox::ConsumerOptions options, outbox::DeliveryHandler handler,
                              outbox::BatchHandler batchHandler) {
    if (m_config.runConsumer) {
        std::string queue = options.queue;
        m_consumers.push_back(
            QueueConsumer{std::move(queue),
                          std::make_unique<outbox::ConsumerWorker>(
                              std::move(options), std::move(handler), std::move(batchHandler))});
    }
}

void ServiceHost::setRelay(outbox::RelayOptions options) {
    if (m_config.runRelay) {
        m_relay = std::make_unique<outbox::Relay>(std::move(options), *m_pool);
    }
}

bool ServiceHost::brokerConnected() const {
    bool connected = true;
    if (m_relay) {
        connected = connected && m_relay->stats().brokerConnected;
    }
    for (const auto& consumer : m_consumers) {
        connected = connected && consumer.worker->stats().connected;
    }
    return connected;
}

void ServiceHost::start() {
    registerServiceMetrics(m_metrics, MetricSources{m_pool.get(), m_relay.get(), &m_consumers});
    // The pool's connections (all of them unless SHOP_DB_POOL_WARM says otherwise) are opened now
    // rather than by the first requests, which would each wait for a backend's start while the
    // machine is already busy with the load (issue 14: on a fresh stack, the first second of a
    // run at 500 orders/s completed 55-224 orders).
    if (m_config.dbPoolWarm > 0) {
        m_warmer = std::jthread([this](const std::stop_token& stop) {
            const auto warmed = m_pool->warm(static_cast<std::size_t>(m_config.dbPoolWarm), stop);
            if (warmed.error.empty()) {
                core::logInfo("database connections opened",
                              {{"opened", std::to_string(warmed.opened)}});
            } else {
                core::logWarn(
                    "database connections not all opened at start; the rest open on demand",
                    {{"opened", std::to_string(warmed.opened)}, {"error", warmed.error}});
            }
        });
    }
    if (m_config.runApi) {
        m_server = std::make_unique<http::Server>(m_config.http, std::move(m_router));
        m_server->setObserver(
            [this](std::string_view method, std::string_view route, int status, double seconds) {
                m_httpMetrics.observe(method, route, status, seconds);
            });
        m_server->setGuard(internalOnly(m_config.internalSecret));
        m_server->setErrorTranslator(
            [](const std::exception& error) -> std::optional<core::ApiError> {
                const auto* database = dynamic_cast<const pg::Error*>(&error);
                if (database != nullptr && pg::isTransient(*database)) {
                    return core::ApiError(core::ErrorCode::UpstreamUnavailable,
                                          "the database is unavailable, try again");
                }
                // A failover in the middle of COMMIT: the work may or may not be stored, so the
                // client retries with the same Idempotency-Key, which gives it one effect.
                if (dynamic_cast<const pg::CommitInDoubt*>(&error) != nullptr) {
                    return core::ApiError(core::ErrorCode::UpstreamUnavailable,
                                          "the database connection broke while committing: retry "
                                          "with the same Idempotency-Key");
                }
                return std::nullopt;
            });
        m_server->start();
    }
    if (m_relay) {
        m_relay->start();
        m_retention = std::make_unique<outbox::RetentionJob>(m_config.retention, *m_pool);
        m_retention->start();
    }
    for (auto& consumer : m_consumers) {
        consumer.worker->start();
    }
    core::logInfo("started", {{"http_port", m_server ? std::to_string(m_server->port()) : "off"},
                              {"relay", m_relay ? "on" : "off"},
                              {"consumers", std::to_string(m_consumers.size())},
                              {"db", core::maskSecrets(m_config.dbUrl)},
                              {"amqp", core::maskSecrets(m_config.amqpUrl)}});
}

void ServiceHost::stop() {
    if (m_warmer.joinable()) {
        m_warmer.request_stop();
        m_warmer.join();
    }
    if (m_server) {
        m_server->stop();
    }
    for (auto& consumer : m_consumers) {
        consumer.worker->stop();
    }
    if (m_retention) {
        m_retention->stop();
    }
    if (m_relay) {
        m_relay->stop();
    }
}

std::uint16_t ServiceHost::httpPort() const {
    return m_server ? m_server->port() : 0;
}

}  // namespace shop::service
