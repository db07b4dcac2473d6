#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "shop/core/errors.hpp"
#include "shop/http/router.hpp"

namespace shop::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 picks a free port; see Server::port()
    /// Poco serves a connection on one worker thread for as long as it stays open, idle
    /// keep-alive time included: size this above the number of keep-alive clients.
    int threads = 64;
    int maxQueued = 512;
    std::size_t bodyLimit = 64 * 1024;
    std::chrono::seconds keepAlive{10};
};

/// Called once per request after the response is sent (for metrics).
using RequestObserver =
    std::function<void(std::string_view routePattern, int status, double seconds)>;

/// Turns an exception a handler let through into an API error (e.g. a lost database connection
/// into 503); nullopt leaves it a 500.
using ErrorTranslator = std::function<std::optional<core::ApiError>(const std::exception&)>;

/// An HTTP/1.1 server on Poco that applies the API rules to every request before a handler runs:
/// X-Request-Id taken or generated and echoed; bodies over the limit get 413, bodies that are not
/// application/json get 415; unknown paths 404 and wrong methods 405, in the error envelope;
/// ApiError becomes its status, any other exception a 500 without details. One log line per request.
class Server final {
public:
    Server(ServerOptions options, Router router);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void setObserver(RequestObserver observer);
    void setErrorTranslator(ErrorTranslator translator);
    /// Binds and starts accepting; throws on a bind failure.
    void start();
    /// Stops accepting and waits for in-flight requests (bounded).
    void stop();
    std::uint16_t port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// True for a client-supplied X-Request-Id we are willing to echo and log (1..128 of [A-Za-z0-9._:-]).
bool isAcceptableRequestId(std::string_view id);

}  // namespace shop::http
