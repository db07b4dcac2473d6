#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/api_docs.hpp"
#include "app/gateway_metrics.hpp"
#include "auth/authenticator.hpp"
#include "proxy/upstream.hpp"
#include "shop/core/config.hpp"
#include "shop/http/server.hpp"
#include "shop/metrics/http_metrics.hpp"
#include "shop/metrics/registry.hpp"
#include "shop/websocket/hub.hpp"
#include "ws/hub_sink.hpp"
#include "ws/order_streams.hpp"
#include "ws/status_feed.hpp"
#include "ws/ws_endpoint.hpp"

namespace shop::gateway {

struct GatewayConfig {
    http::ServerOptions http;
    std::string ordersUrl;
    std::string paymentsUrl;
    std::chrono::milliseconds upstreamTimeout{5000};
    std::string amqpUrl;
    websocket::HubOptions websocket;
    std::string swaggerUiDir;
    AuthConfig auth;
    std::string internalSecret;  ///< sent to orders and payments with every request
};

/// Reads SHOP_HTTP_ADDR, SHOP_HTTP_THREADS, SHOP_ORDERS_URL, SHOP_PAYMENTS_URL,
/// SHOP_UPSTREAM_TIMEOUT_MS, SHOP_AMQP_URL (required: the order status feed),
/// SHOP_WS_MAX_CONNECTIONS, SHOP_WS_PING_INTERVAL_MS, SHOP_WS_PONG_TIMEOUT_MS,
/// SHOP_WS_SEND_QUEUE_BYTES, SHOP_SWAGGER_UI_DIR, SHOP_INTERNAL_SECRET (required) and the
/// sign-in settings of readAuthConfig; throws core::ConfigError listing every problem.
GatewayConfig readGatewayConfig(core::EnvReader& env);

/// The API gateway: the only entry point. Signs callers in (POST /auth/token) and checks their
/// token and role on every other route but /health*, /openapi.yaml and /docs; proxies
/// /accounts* to payments and /orders* to orders over keep-alive pools with the internal
/// secret; answers /health*, /metrics, /openapi.yaml and /docs; and pushes order status changes
/// to WebSocket subscribers (/ws/orders...), fed by its own queue on the broker.
class Gateway final {
  public:
    explicit Gateway(GatewayConfig config);
    ~Gateway();
    void start();
    /// Stops accepting requests, stops the status feed, then closes every WebSocket (1001).
    void stop();
    std::uint16_t port() const { return m_server ? m_server->port() : 0; }

  private:
    http::Router makeRouter();
    http::Response ready(const http::Request& request);
    /// After the status feed lost the broker and came back: closes every WebSocket (1012) so
    /// clients re-read what they may have missed.
    void closeSubscribersToResync();

    GatewayConfig m_config;
    metrics::Registry m_metrics;  // first in, last out: everything below may feed it
    metrics::HttpMetrics m_httpMetrics{m_metrics};
    RefundMetrics m_refunds{m_metrics};
    Upstream m_orders;
    Upstream m_payments;
    Authenticator m_auth;
    websocket::Hub m_hub;
    HubSink m_sink{m_hub};
    OrderStreams m_streams{m_sink};
    StatusFeed m_feed;
    WsEndpoint m_endpoint{m_hub, m_streams, m_orders, m_auth};
    ApiDocs m_docs;
    std::unique_ptr<http::Server> m_server;
};

}  // namespace shop::gateway
