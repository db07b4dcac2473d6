#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "shop/core/errors.hpp"
#include "shop/http/router.hpp"

namespace Poco::Net {
class WebSocket;
}

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

/// Called once per request after the response is sent (for metrics). `routePattern` is the
/// matched pattern (`/orders/{order_id}`) or "unmatched"; an accepted upgrade reports 101.
using RequestObserver = std::function<void(std::string_view method, std::string_view routePattern,
                                           int status, double seconds)>;

/// Completes a WebSocket handshake (101 Switching Protocols, with the request's X-Request-Id)
/// and returns the socket, which from then on belongs to the caller: the HTTP worker thread is
/// free again as soon as the upgrade handler returns. Call it at most once. Throws ApiError 400
/// when the request is not a valid handshake (wrong version, no key), before anything is sent.
using AcceptWebSocket = std::function<Poco::Net::WebSocket()>;

/// Takes over GET requests that ask for `Upgrade: websocket`. They are parsed and routed like
/// any other (unknown path 404, request id, query, path parameters and `route` filled in from
/// the matching GET route) and then handed here instead of to the route's handler. Throw
/// ApiError before calling `accept` to refuse with the error envelope. Runs on an HTTP worker
/// thread, so hand the socket over and return promptly.
using UpgradeHandler = std::function<void(const Request&, const AcceptWebSocket& accept)>;

/// Turns an exception a handler let through into an API error (e.g. a lost database connection
/// into 503); nullopt leaves it a 500.
using ErrorTranslator = std::function<std::optional<core::ApiError>(const std::exception&)>;

/// An HTTP/1.1 server on Poco that applies the API rules to every request before a handler runs:
/// X-Request-Id taken or generated and echoed; bodies over the limit get 413, bodies that are not
/// application/json get 415; unknown paths 404 and wrong methods 405, in the error envelope;
/// ApiError becomes its status, any other exception a 500 without details. One log line per
/// request. WebSocket upgrades go to the upgrade handler, if one is set.
class Server final {
  public:
    Server(ServerOptions options, Router router);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void setObserver(RequestObserver observer);
    void setErrorTranslator(ErrorTranslator translator);
    /// Without one, upgrade requests are ordinary requests. Set before start().
    void setUpgradeHandler(UpgradeHandler handler);
    /// Binds and starts accepting; throws on a bind failure.
    void start();
    /// Stops accepting and waits for in-flight requests (bounded).
    void stop();
    std::uint16_t port() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// True for a client-supplied X-Request-Id we are willing to echo and log (1..128 of
/// [A-Za-z0-9._:-]).
bool isAcceptableRequestId(std::string_view id);

}  // namespace shop::http
