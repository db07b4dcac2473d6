#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proxy/upstream_connection.hpp"
#include "shop/http/message.hpp"

namespace shop::gateway {

struct UpstreamOptions {
    std::string name;  ///< "orders", "payments": for logs and error messages
    std::string host;
    std::uint16_t port = 0;
    std::chrono::milliseconds connectTimeout{1000};
    std::chrono::milliseconds timeout{5000};  ///< per send / receive
    /// Connections open at once (busy + idle). A busy one takes one of the upstream's
    /// SHOP_HTTP_THREADS workers while its request is served; an idle one costs it nothing but
    /// a descriptor.
    std::size_t maxConnections = 32;
    std::chrono::milliseconds maxIdleAge{4000};  ///< well below the upstream's keep-alive timeout
    /// A pooled connection idle this long is checked before it is used again (one peek): if the
    /// upstream closed it (it restarted), another one is taken. An upstream's restart takes far
    /// longer than this, so every connection it closed has waited at least as long; a connection
    /// in constant use costs no check.
    std::chrono::milliseconds staleCheckAfter{20};
    std::string internalSecret;  ///< sent as X-Internal-Secret with every forwarded request
};

/// Parses `http://host:port`; throws std::invalid_argument otherwise.
UpstreamOptions upstreamFromUrl(std::string name, const std::string& url);

/// One upstream service reached over a pool of keep-alive connections (UpstreamConnection).
/// forward() never throws: a refused connection becomes 503 UPSTREAM_UNAVAILABLE and a timeout
/// 504 UPSTREAM_TIMEOUT, in the error envelope. Thread-safe.
class Upstream final {
  public:
    explicit Upstream(UpstreamOptions options);
    ~Upstream();
    Upstream(const Upstream&) = delete;
    Upstream& operator=(const Upstream&) = delete;

    /// Sends the request (method, target, body and the end-to-end headers) and returns the answer.
    http::Response forward(const http::Request& request);

    /// GET `path` with a short timeout; the status and body, or nullopt when unreachable.
    std::optional<std::pair<int, std::string>> probe(const std::string& path,
                                                     std::chrono::milliseconds timeout);

    const UpstreamOptions& options() const { return m_options; }

  private:
    struct Idle {
        std::unique_ptr<UpstreamConnection> connection;
        std::chrono::steady_clock::time_point since;
    };
    /// A pooled or new connection, or null when all maxConnections stay busy for `timeout`.
    std::unique_ptr<UpstreamConnection> take(bool& reused);
    void giveBack(std::unique_ptr<UpstreamConnection> connection);
    /// Forgets a connection that failed (closing it frees its slot).
    void discard(std::unique_ptr<UpstreamConnection> connection);
    /// Closes idle connections past maxIdleAge; the caller holds m_mutex.
    void pruneLocked(std::chrono::steady_clock::time_point now);
    /// 504 for a timeout, else 503, logged.
    http::Response unreachable(const UpstreamError& error, const http::Request& request) const;
    /// The request as it goes to the upstream: head and body in one buffer.
    std::string serialize(const http::Request& request) const;

    UpstreamOptions m_options;
    std::mutex m_mutex;
    std::condition_variable m_released;
    std::vector<Idle> m_idle;  ///< most recently used last
    std::size_t m_open = 0;    ///< busy + idle
};

}  // namespace shop::gateway
