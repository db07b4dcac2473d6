#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "proxy/upstream.hpp"
#include "shop/core/config.hpp"
#include "shop/http/server.hpp"

namespace shop::gateway {

struct GatewayConfig {
    http::ServerOptions http;
    std::string ordersUrl;
    std::string paymentsUrl;
    std::chrono::milliseconds upstreamTimeout{5000};
};

/// Reads SHOP_HTTP_ADDR, SHOP_HTTP_THREADS, SHOP_ORDERS_URL, SHOP_PAYMENTS_URL and
/// SHOP_UPSTREAM_TIMEOUT_MS; throws core::ConfigError listing every problem.
GatewayConfig readGatewayConfig(core::EnvReader& env);

/// The API gateway: the only entry point. Proxies /accounts* to payments and /orders* to orders
/// over keep-alive pools, and answers /health*.
class Gateway final {
public:
    explicit Gateway(GatewayConfig config);
    ~Gateway();
    void start();
    void stop();
    std::uint16_t port() const { return m_server ? m_server->port() : 0; }

private:
    http::Router makeRouter();
    http::Response ready(const http::Request& request);

    GatewayConfig m_config;
    Upstream m_orders;
    Upstream m_payments;
    std::unique_ptr<http::Server> m_server;
};

}  // namespace shop::gateway
