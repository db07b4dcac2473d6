#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "shop/core/config.hpp"
#include "shop/core/errors.hpp"
#include "shop/http/router.hpp"

namespace Poco::Net {
class StreamSocket;
}

namespace shop::http {

/// Open HTTP connections a server holds unless told otherwise (each costs a descriptor).
inline constexpr int kDefaultMaxConnections = 15000;

/// How a Server listens and what it tolerates from clients. Every limit is enforced before a
/// handler runs; a violation is answered in the error envelope with the status and code that
/// name the limit (408 REQUEST_TIMEOUT, 414 URI_TOO_LONG, 431 HEADERS_TOO_LARGE) and the
/// connection is closed.
struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 picks a free port; see Server::port()
    /// Threads that serve requests, started as they are needed. They wait together on one epoll
    /// set for the connections waiting for their next head (new, idle between requests, or slow
    /// to send it), and the one woken for a complete head serves it: an idle client costs memory
    /// and a descriptor, not a thread, and a request is not handed from thread to thread.
    int threads = 64;
    /// The listen backlog: connections the kernel holds until they are accepted.
    int maxQueued = 512;
    /// Concurrently open HTTP connections, idle ones included (a WebSocket stops counting once
    /// it is handed to the upgrade handler). One more is answered at once with 503
    /// UPSTREAM_UNAVAILABLE and closed. 0 means kDefaultMaxConnections.
    int maxConnections = 0;
    std::size_t bodyLimit = 64 * 1024;
    std::chrono::milliseconds keepAlive{10000};  ///< idle time allowed between requests
    std::size_t maxUriBytes = 8 * 1024;          ///< request-target; more is 414 (at most 16 KiB)
    std::size_t maxHeaderFields = 100;           ///< more is 431
    /// One header field, `name: value`; more is 431.
    std::size_t maxHeaderLineBytes = 8 * 1024;
    std::size_t maxHeaderBytes = 32 * 1024;  ///< all header fields together; more is 431
    /// The whole request head (request line and headers) must arrive within this time, counted
    /// from its first byte (from the accept for a connection's first request); else 408.
    std::chrono::milliseconds headerTimeout{10000};
    /// The whole body must arrive within this time after the head; else 408.
    std::chrono::milliseconds bodyTimeout{15000};
    /// Bound on each write of a response to a client that does not read it.
    std::chrono::milliseconds writeTimeout{15000};
};

/// Reads the SHOP_HTTP_* limits into `options` (defaults as in ServerOptions;
/// SHOP_HTTP_MAX_CONNECTIONS defaults to kDefaultMaxConnections); problems are recorded in
/// `env`. The variables: SHOP_HTTP_MAX_CONNECTIONS, SHOP_HTTP_MAX_URI_BYTES,
/// SHOP_HTTP_MAX_HEADER_FIELDS, SHOP_HTTP_MAX_HEADER_LINE_BYTES, SHOP_HTTP_MAX_HEADER_BYTES,
/// SHOP_HTTP_HEADER_TIMEOUT_MS, SHOP_HTTP_BODY_TIMEOUT_MS, SHOP_HTTP_WRITE_TIMEOUT_MS,
/// SHOP_HTTP_KEEPALIVE_TIMEOUT_MS.
void readServerLimits(core::EnvReader& env, ServerOptions& options);

/// Called once per request after the response is sent (for metrics). `routePattern` is the
/// matched pattern (`/orders/{order_id}`) or "unmatched"; an accepted upgrade reports 101.
using RequestObserver = std::function<void(std::string_view method, std::string_view routePattern,
                                           int status, double seconds)>;

/// Completes a WebSocket handshake (101 Switching Protocols, with the request's X-Request-Id)
/// and returns the socket, which from then on belongs to the caller (it speaks WebSocket frames
/// from now on: see shop/websocket): the HTTP worker thread is free again as soon as the
/// upgrade handler returns. Call it at most once. Throws ApiError 400 when the request is not
/// a valid handshake (no Connection: Upgrade, wrong version, no key), before anything is sent.
using AcceptWebSocket = std::function<Poco::Net::StreamSocket()>;

/// Takes over GET requests that ask for `Upgrade: websocket`. They are parsed and routed like
/// any other (unknown path 404, request id, query, path parameters and `route` filled in from
/// the matching GET route) and then handed here instead of to the route's handler. Throw
/// ApiError before calling `accept` to refuse with the error envelope. Runs on an HTTP worker
/// thread, so hand the socket over and return promptly.
using UpgradeHandler = std::function<void(const Request&, const AcceptWebSocket& accept)>;

/// Runs for every request (upgrades included) after the body is read and before routing, so
/// `route` and `params` are still empty: decide on `method`, `path` and the headers. Throws
/// ApiError to refuse it (e.g. 401 without the right credentials); a refused caller cannot tell
/// an unknown path (404) or method (405) from a known one.
using RequestGuard = std::function<void(const Request&)>;

/// Turns an exception a handler let through into an API error (e.g. a lost database connection
/// into 503); nullopt leaves it a 500.
using ErrorTranslator = std::function<std::optional<core::ApiError>(const std::exception&)>;

/// An HTTP/1.1 server (its own head parser, body reader and response writer, on Poco's sockets;
/// a response goes out in one send) that applies the API rules to every request before a handler
/// runs: X-Request-Id taken or generated and echoed; bodies over the limit get 413, bodies that are
/// not application/json get 415; unknown paths 404 and wrong methods 405, in the error envelope;
/// ApiError becomes its status, any other exception a 500 without details. One log line per
/// request. WebSocket upgrades go to the upgrade handler, if one is set.
///
/// Before any of that, the limits of ServerOptions protect the worker threads: a head over a size
/// limit gets 414 URI_TOO_LONG or 431 HEADERS_TOO_LARGE, a head or body that does not arrive in
/// time gets 408 REQUEST_TIMEOUT (then the connection is closed), a body cut short never reaches
/// a handler, and a connection over the cap gets 503 UPSTREAM_UNAVAILABLE from the accepting
/// thread at once.
class Server final {
  public:
    Server(ServerOptions options, Router router);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void setObserver(RequestObserver observer);
    void setErrorTranslator(ErrorTranslator translator);
    /// Set before start().
    void setGuard(RequestGuard guard);
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
