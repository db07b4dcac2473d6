// The gateway's pool of connections to an upstream, against a real HTTP server (shop_http) that
// is stopped and started again on the same port, as a service is when it restarts; and its
// reading of answers framed every way HTTP/1.1 allows, or broken, from a scripted upstream.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
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

/// An upstream on loopback that answers each request it reads (head and Content-Length body)
/// with the next scripted reply, as raw bytes: a reply "close" closes the connection instead,
/// "silence" answers nothing. Counts the connections it accepted.
class ScriptedUpstream final {
  public:
    explicit ScriptedUpstream(std::deque<std::string> replies) : m_replies(std::move(replies)) {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (::bind(m_listener, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
            ::listen(m_listener, 8) != 0 ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
            throw std::runtime_error("cannot listen");
        }
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { run(); });
    }
    ~ScriptedUpstream() {
        ::shutdown(m_listener, SHUT_RDWR);
        m_thread.join();
        ::close(m_listener);
    }
    std::uint16_t port() const { return m_port; }
    int accepted() const { return m_accepted.load(); }

  private:
    void run() {
        while (true) {
            const int fd = ::accept(m_listener, nullptr, nullptr);
            if (fd < 0) {
                return;
            }
            ++m_accepted;
            serve(fd);
            ::close(fd);
        }
    }

    /// Answers the requests of one connection; returns when the script says close or the
    /// client does.
    void serve(int fd) {
        std::string buffer;
        char chunk[4096];
        while (true) {
            std::size_t end = std::string::npos;
            while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
                const auto n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) {
                    return;
                }
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            buffer.erase(0, end + 4);  // the requests of these tests have no body
            std::string reply;
            {
                std::lock_guard lock(m_mutex);
                if (m_replies.empty()) {
                    return;
                }
                reply = std::move(m_replies.front());
                m_replies.pop_front();
            }
            if (reply == "close") {
                return;
            }
            if (reply == "silence") {
                while (::recv(fd, chunk, sizeof chunk, 0) > 0) {
                }
                return;
            }
            if (::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) {
                return;
            }
            if (reply.find("Connection: close") != std::string::npos ||
                reply.rfind("HTTP/1.0", 0) == 0) {
                return;
            }
        }
    }

    int m_listener = -1;
    std::uint16_t m_port = 0;
    std::mutex m_mutex;
    std::deque<std::string> m_replies;
    std::atomic<int> m_accepted{0};
    std::thread m_thread;
};

http::Request get(const std::string& target) {
    http::Request request;
    request.method = "GET";
    request.path = request.target = target;
    request.requestId = "upstream-test";
    request.clientAddress = "127.0.0.1";
    return request;
}

UpstreamOptions optionsFor(std::uint16_t port) {
    UpstreamOptions options;
    options.name = "orders";
    options.host = "127.0.0.1";
    options.port = port;
    options.timeout = 300ms;
    return options;
}

TEST(Upstream, AChunkedAnswerIsReadWholeWithItsHeadersAndTheConnectionIsReused) {
    const std::string chunked =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nretry-after: 3\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
        "5;ext=1\r\n{\"a\":\r\n2\r\n1}\r\n0\r\nX-Trailer: t\r\n\r\n";
    const ScriptedUpstream service({"HTTP/1.1 100 Continue\r\n\r\n" + chunked, chunked});
    Upstream upstream(optionsFor(service.port()));
    for (int i = 0; i < 2; ++i) {
        const http::Response answer = upstream.forward(get("/orders/1"));
        EXPECT_EQ(answer.status, 200) << answer.body;
        EXPECT_EQ(answer.body, R"({"a":1})");
        EXPECT_EQ(answer.contentType, "application/json");
        ASSERT_EQ(answer.headers.size(), 1u);
        EXPECT_EQ(answer.headers[0].first, "Retry-After");
        EXPECT_EQ(answer.headers[0].second, "3");
    }
    EXPECT_EQ(service.accepted(), 1);
}

TEST(Upstream, AnAnswerFramedByTheEndOfTheConnectionIsReadToTheEndAndNotReused) {
    const ScriptedUpstream service({"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it",
                                    "HTTP/1.1 204 No Content\r\n\r\n"});
    Upstream upstream(optionsFor(service.port()));
    const http::Response first = upstream.forward(get("/a"));
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body, "all of it");
    const http::Response second = upstream.forward(get("/b"));
    EXPECT_EQ(second.status, 204);
    EXPECT_EQ(second.body, "");
    EXPECT_EQ(service.accepted(), 2);
}

TEST(Upstream, AnUpstreamThatDoesNotAnswerInTimeIs504) {
    const ScriptedUpstream service({"silence"});
    Upstream upstream(optionsFor(service.port()));
    const auto started = std::chrono::steady_clock::now();
    const http::Response answer = upstream.forward(get("/orders/1"));
    EXPECT_EQ(answer.status, 504);
    EXPECT_NE(answer.body.find(R"("code":"UPSTREAM_TIMEOUT")"), std::string::npos) << answer.body;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(Upstream, AnAnswerThatIsNotHttpOrIsCutShortIs503) {
    const std::string answers[] = {
        "SSH-2.0-OpenSSH\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 11\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort",
        "HTTP/1.1 201 Created\r\nLocation: /orders/1\nSet-Cookie: x\r\nContent-Length: 0\r\n\r\n",
        "close",
    };
    for (const std::string& reply : answers) {
        SCOPED_TRACE(reply);
        const ScriptedUpstream service({reply});
        Upstream upstream(optionsFor(service.port()));
        // A GET on a fresh connection is not sent twice: one reply is enough.
        const http::Response answer = upstream.forward(get("/orders/1"));
        EXPECT_EQ(answer.status, 503) << answer.body;
        EXPECT_NE(answer.body.find(R"("code":"UPSTREAM_UNAVAILABLE")"), std::string::npos);
    }
}

TEST(Upstream, AnUpstreamThatIsNotListeningIs503) {
    std::uint16_t port = 0;
    {
        const ScriptedUpstream gone({});
        port = gone.port();
    }
    Upstream upstream(optionsFor(port));
    const http::Response answer = upstream.forward(get("/orders/1"));
    EXPECT_EQ(answer.status, 503);
    EXPECT_NE(answer.body.find(R"("code":"UPSTREAM_UNAVAILABLE")"), std::string::npos);
}

}  // namespace
}  // namespace shop::gateway
