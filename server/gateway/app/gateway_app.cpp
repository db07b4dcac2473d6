#include "app/gateway_app.hpp"

#include <future>

#include "app/gateway_metrics.hpp"
#include "shop/amqp/endpoints.hpp"
#include "shop/auth/internal_secret.hpp"
#include "shop/core/log.hpp"
#include "shop/core/nodes.hpp"
#include "shop/domain/json.hpp"

namespace shop::gateway {

GatewayConfig readGatewayConfig(core::EnvReader& env) {
    GatewayConfig config;
    env.applyLogLevel();
    auto [host, port] = env.address("SHOP_HTTP_ADDR", "127.0.0.1:8080");
    config.http.host = host;
    config.http.port = port;
    config.http.threads = static_cast<int>(env.integer("SHOP_HTTP_THREADS", 128, 1, 4096));
    config.ordersUrl = env.string("SHOP_ORDERS_URL", "http://127.0.0.1:8081");
    config.paymentsUrl = env.string("SHOP_PAYMENTS_URL", "http://127.0.0.1:8082");
    config.upstreamTimeout =
        std::chrono::milliseconds(env.integer("SHOP_UPSTREAM_TIMEOUT_MS", 5000, 100, 600000));
    config.amqpUrl = amqp::readUrls(env, "SHOP_AMQP_URL");
    config.websocket.maxConnections =
        static_cast<std::size_t>(env.integer("SHOP_WS_MAX_CONNECTIONS", 10000, 1, 1000000));
    config.websocket.pingInterval =
        std::chrono::milliseconds(env.integer("SHOP_WS_PING_INTERVAL_MS", 25000, 100, 3600000));
    config.websocket.pongTimeout =
        std::chrono::milliseconds(env.integer("SHOP_WS_PONG_TIMEOUT_MS", 10000, 100, 600000));
    config.websocket.maxQueuedBytes = static_cast<std::size_t>(
        env.integer("SHOP_WS_SEND_QUEUE_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024));
    config.swaggerUiDir = env.string("SHOP_SWAGGER_UI_DIR", SHOP_DEFAULT_SWAGGER_UI_DIR);
    config.internalSecret = env.required("SHOP_INTERNAL_SECRET");
    if (!config.internalSecret.empty() &&
        config.internalSecret.size() < auth::kMinInternalSecretBytes) {
        env.addProblem("SHOP_INTERNAL_SECRET must be at least " +
                       std::to_string(auth::kMinInternalSecretBytes) + " bytes");
    }
    config.auth = readAuthConfig(env);
    for (const auto* url : {&config.ordersUrl, &config.paymentsUrl}) {
        try {
            upstreamFromUrl("upstream", *url);
        } catch (const std::exception& error) {
            env.addProblem(error.what());
        }
    }
    env.finish();
    return config;
}

namespace {

UpstreamOptions upstreamOptions(const GatewayConfig& config, std::string name,
                                const std::string& url) {
    UpstreamOptions options = upstreamFromUrl(std::move(name), url);
    options.timeout = config.upstreamTimeout;
    options.internalSecret = config.internalSecret;
    return options;
}

}  // namespace

Gateway::Gateway(GatewayConfig config)
    : m_config(std::move(config)),
      m_orders(upstreamOptions(m_config, "orders", m_config.ordersUrl)),
      m_payments(upstreamOptions(m_config, "payments", m_config.paymentsUrl)),
      m_auth(m_config.auth, m_payments),
      m_hub(m_config.websocket),
      m_feed(
          StatusFeedOptions{.amqpUrl = m_config.amqpUrl},
          [this](const events::OrderStatusChanged& event, const std::string& requestId) {
              m_refunds.observeStatus(event);
              const std::size_t sockets = m_streams.publish(event);
              core::logDebug("order status pushed", {{"order_id", event.orderId},
                                                     {"status", domain::toString(event.status)},
                                                     {"version", std::to_string(event.version)},
                                                     {"sockets", std::to_string(sockets)},
                                                     {"request_id", requestId}});
          },
          [this] { closeSubscribersToResync(); }),
      m_docs(m_config.swaggerUiDir) {}

Gateway::~Gateway() {
    stop();
}

void Gateway::closeSubscribersToResync() {
    // 1012 (service restart): the client reconnects and re-reads state over REST (CONTRACT 3).
    const auto ids = m_streams.subscriberIds();
    for (const auto id : ids) {
        m_hub.close(id, 1012,
                    "order events may have been missed: re-read state and subscribe again");
    }
    core::logWarn(
        "status feed resumed after losing the broker: closed every subscriber so it "
        "re-reads state",
        {{"sockets", std::to_string(ids.size())}});
}

http::Router Gateway::makeRouter() {
    http::Router router;
    auto live = [](const http::Request&) {
        return http::Response::data(200, R"({"status":"ok"})");
    };
    router.add("GET", "/health/live", live);
    router.add("GET", "/health", live);
    router.add("GET", "/health/ready", [this](const http::Request& r) { return ready(r); });

    router.add("POST", "/auth/token", [this](const http::Request& r) { return m_auth.signIn(r); });

    auto to = [this](Upstream& upstream, Access access) {
        return m_auth.guard(access,
                            [&upstream](const http::Request& r) { return upstream.forward(r); });
    };
    router.add("POST", "/accounts", to(m_payments, Access::Operator));
    router.add("GET", "/accounts", to(m_payments, Access::Operator));
    router.add("GET", "/accounts/{user_id}", to(m_payments, Access::OwnUserInPath));
    router.add("GET", "/accounts/{user_id}/ledger", to(m_payments, Access::OwnUserInPath));
    router.add("POST", "/accounts/topup", to(m_payments, Access::OwnUserInBody));
    router.add("POST", "/accounts/{user_id}/api-keys", to(m_payments, Access::Operator));
    router.add("GET", "/accounts/{user_id}/api-keys", to(m_payments, Access::Operator));
    router.add("DELETE", "/accounts/{user_id}/api-keys/{key_id}", to(m_payments, Access::Operator));

    router.add("POST", "/orders", to(m_orders, Access::OwnUserInBody));
    router.add("GET", "/orders", to(m_orders, Access::OwnUserInQuery));
    router.add("GET", "/orders/{order_id}", to(m_orders, Access::OwnOrderInResponse));
    // Refunds are asked for by the operator only. Their list holds the order's user_id, so an
    // account reads only its own orders' refunds, as it does the orders.
    router.add("POST", kRefundsRoute, to(m_orders, Access::Operator));
    router.add("GET", kRefundsRoute, to(m_orders, Access::OwnOrderInResponse));

    WsEndpoint::addRoutes(router);
    m_docs.addRoutes(router);
    router.add("GET", "/metrics", m_auth.guard(Access::Operator, [this](const http::Request&) {
        http::Response response;
        response.body = m_metrics.render();
        response.contentType = std::string(metrics::kContentType);
        return response;
    }));
    return router;
}

http::Response Gateway::ready(const http::Request&) {
    const auto timeout = std::chrono::milliseconds(2000);
    auto orders = std::async(std::launch::async,
                             [this, timeout] { return m_orders.probe("/health/ready", timeout); });
    auto payments = std::async(
        std::launch::async, [this, timeout] { return m_payments.probe("/health/ready", timeout); });
    const auto ordersResult = orders.get();
    const auto paymentsResult = payments.get();

    domain::JsonWriter out;
    bool ok = true;
    out.beginObject();
    auto check = [&out, &ok](std::string_view name, const auto& result) {
        out.key(name).beginObject();
        if (!result) {
            ok = false;
            out.field("status", "unreachable");
        } else {
            ok = ok && result->first == 200;
            out.field("status", result->first == 200 ? "ok" : "unavailable");
            // The service's own checks (database, broker), taken from its envelope.
            std::string error;
            auto json = domain::parseJson(result->second, error);
            const domain::Json* data = json ? json->find("data") : nullptr;
            const domain::Json* checks = data ? data->find("checks") : nullptr;
            if (checks != nullptr) {
                out.key("checks").value(*checks);
            }
        }
        out.endObject();
    };
    // The gateway itself is ready when its status feed is connected (pushes would stall) and,
    // with a cluster, a majority of the broker's nodes is up (the report names the missing).
    const auto brokerNodes =
        amqp::probeNodes(amqp::parseUrls(m_config.amqpUrl), std::chrono::milliseconds(300));
    const bool feed =
        m_feed.stats().connected && core::nodesUp(brokerNodes) * 2 > brokerNodes.size();
    ok = ok && feed;
    out.key("checks").beginObject().key("gateway").beginObject();
    out.field("status", feed ? "ok" : "unavailable");
    out.key("checks").beginObject().field("broker", feed ? "ok" : "down");
    if (brokerNodes.size() > 1) {
        core::writeNodes(out.key("broker_nodes"), brokerNodes);
    }
    out.endObject();
    out.endObject();
    check("orders", ordersResult);
    check("payments", paymentsResult);
    out.endObject();
    out.field("status", ok ? "ok" : "unavailable").endObject();
    return http::Response::data(ok ? 200 : 503, out.take());
}

void Gateway::start() {
    registerGatewayMetrics(m_metrics, m_hub, m_streams, m_feed);
    m_hub.start();
    m_feed.start();
    m_server = std::make_unique<http::Server>(m_config.http, makeRouter());
    m_server->setObserver(
        [this](std::string_view method, std::string_view route, int status, double seconds) {
            m_httpMetrics.observe(method, route, status, seconds);
            m_refunds.observeResponse(method, route, status);
        });
    m_server->setUpgradeHandler(
        [this](const http::Request& request, const http::AcceptWebSocket& accept) {
            m_endpoint.handle(request, accept);
        });
    m_server->start();
    core::logInfo(
        "started",
        {{"http_port", std::to_string(m_server->port())},
         {"orders", m_config.ordersUrl},
         {"payments", m_config.paymentsUrl},
         {"amqp", core::maskSecrets(m_config.amqpUrl)},
         {"ws_max_connections", std::to_string(m_config.websocket.maxConnections)},
         {"swagger_ui", m_docs.swaggerUiAvailable() ? m_config.swaggerUiDir : "missing"}});
}

void Gateway::stop() {
    if (m_server) {
        m_server->stop();
        m_server.reset();
    }
    m_feed.stop();
    m_hub.stop();
}

}  // namespace shop::gateway
