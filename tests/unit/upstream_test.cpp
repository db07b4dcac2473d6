// The gateway's pool of connections to an upstream, against a real HTTP server (shop_http) that
// is stopped and started again on the same port, as a service is when it restarts.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "proxy/upstream.hpp"
#include "shop/http/server.hpp"

namespace shop::gateway {
namespace {

using namespace std::chrono_literals;

/// An upstream that answers POST /orders with 201 and counts what it served.
class Service final {
  public:
    explicit Service(std::uint16_t port) {
        http::Router router;
        router.add("POST", "/orders", [this](const http::Request&) {
            ++m_served;
            return http::Response::data(201, R"({"ok":true})");
        });
        http::ServerOptions options;
        options.port = port;
        options.threads = 4;
        m_server = std::make_unique<http::Server>(options, std::move(router));
        m_server->start();
    }
    ~Service() { m_server->stop(); }
    std::uint16_t port() const { return m_server->port(); }
    int served() const { return m_served.load(); }

  private:
    std::atomic<int> m_served{0};
    std::unique_ptr<http::Server> m_server;
};

http::Request post() {
    http::Request request;
    request.method = "POST";
    request.path = request.target = "/orders";
    request.requestId = "upstream-test";
    request.clientAddress = "127.0.0.1";
    request.headers.emplace_back("content-type", "application/json");
    request.body = R"({"amount":"1.00"})";
    return request;
}

TEST(Upstream, APostAfterTheUpstreamRestartedGoesOutOnAFreshConnection) {
    auto first = std::make_unique<Service>(0);
    const std::uint16_t port = first->port();
    UpstreamOptions options;
    options.name = "orders";
    options.host = "127.0.0.1";
    options.port = port;
    Upstream upstream(options);

    ASSERT_EQ(upstream.forward(post()).status, 201);  // its connection goes back to the pool
    const auto pooled = std::chrono::steady_clock::now();
    first.reset();  // closes the pooled connection from its side
    const Service second(port);
    // A restart takes at least this long; the pool checks a connection idle that long.
    std::this_thread::sleep_until(pooled + options.staleCheckAfter);

    // Without the check the POST went out on the closed connection, failed, and could not be
    // sent again (it is not a GET): 503.
    const http::Response answer = upstream.forward(post());
    EXPECT_EQ(answer.status, 201) << answer.body;
    EXPECT_EQ(second.served(), 1);
    EXPECT_EQ(upstream.forward(post()).status, 201);
    EXPECT_EQ(second.served(), 2);
}

TEST(Upstream, ABusyConnectionIsReusedWithoutACheckAndKeepsWorking) {
    const Service service(0);
    UpstreamOptions options;
    options.name = "orders";
    options.host = "127.0.0.1";
    options.port = service.port();
    options.staleCheckAfter = 1h;  // never checked: each request reuses the pooled connection
    Upstream upstream(options);
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(upstream.forward(post()).status, 201) << i;
    }
    EXPECT_EQ(service.served(), 20);
}

}  // namespace
}  // namespace shop::gateway
