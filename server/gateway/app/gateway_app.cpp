#include "app/gateway_app.hpp"

#include <future>

#include "shop/core/log.hpp"
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

UpstreamOptions withTimeout(UpstreamOptions options, std::chrono::milliseconds timeout) {
    options.timeout = timeout;
    return options;
}

}  // namespace

Gateway::Gateway(GatewayConfig config)
    : m_config(std::move(config)),
      m_orders(withTimeout(upstreamFromUrl("orders", m_config.ordersUrl), m_config.upstreamTimeout)),
      m_payments(withTimeout(upstreamFromUrl("payments", m_config.paymentsUrl),
                             m_config.upstreamTimeout)) {}

Gateway::~Gateway() { stop(); }

http::Router Gateway::makeRouter() {
    http::Router router;
    auto live = [](const http::Request&) { return http::Response::data(200, R"({"status":"ok"})"); };
    router.add("GET", "/health/live", live);
    router.add("GET", "/health", live);
    router.add("GET", "/health/ready", [this](const http::Request& r) { return ready(r); });

    auto toPayments = [this](const http::Request& r) { return m_payments.forward(r); };
    router.add("POST", "/accounts", toPayments);
    router.add("GET", "/accounts", toPayments);
    router.add("GET", "/accounts/{user_id}", toPayments);
    router.add("POST", "/accounts/topup", toPayments);

    auto toOrders = [this](const http::Request& r) { return m_orders.forward(r); };
    router.add("POST", "/orders", toOrders);
    router.add("GET", "/orders", toOrders);
    router.add("GET", "/orders/{order_id}", toOrders);
    return router;
}

http::Response Gateway::ready(const http::Request&) {
    const auto timeout = std::chrono::milliseconds(2000);
    auto orders = std::async(std::launch::async,
                             [this, timeout] { return m_orders.probe("/health/ready", timeout); });
    auto payments = std::async(std::launch::async,
                               [this, timeout] { return m_payments.probe("/health/ready", timeout); });
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
    out.key("checks").beginObject().key("gateway").beginObject().field("status", "ok").endObject();
    check("orders", ordersResult);
    check("payments", paymentsResult);
    out.endObject();
    out.field("status", ok ? "ok" : "unavailable").endObject();
    return http::Response::data(ok ? 200 : 503, out.take());
}

void Gateway::start() {
    m_server = std::make_unique<http::Server>(m_config.http, makeRouter());
    m_server->start();
    core::logInfo("started", {{"http_port", std::to_string(m_server->port())},
                              {"orders", m_config.ordersUrl},
                              {"payments", m_config.paymentsUrl}});
}

void Gateway::stop() {
    if (m_server) {
        m_server->stop();
        m_server.reset();
    }
}

}  // namespace shop::gateway
