#include "shop/http/server.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "guarded_socket.hpp"
#include "idle_connections.hpp"
#include "shop/core/errors.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/http/request_head.hpp"
#include "shop/http/text.hpp"
#include "wire.hpp"

namespace shop::http {

using core::ApiError;
using core::ErrorCode;

bool isAcceptableRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

namespace {

using detail::BodyRead;
using detail::Clock;
using detail::GuardedServerSocket;
using detail::GuardedSocketImpl;
using detail::IdleConnections;
using detail::SlotCounter;
using detail::timespan;

/// Bytes of a request head worth reading: past this, even empty lines before the request line
/// are refused.
std::size_t headCeiling(const ServerOptions& options) {
    return options.maxUriBytes + options.maxHeaderBytes + 2 * 1024;
}

constexpr std::uint64_t kDrainLimit = 1024 * 1024;
/// After refusing a request, read what the client still sends for at most this long (or this
/// many bytes) before closing: closing with unread data makes the kernel send a reset, which
/// can destroy the error response before the client reads it.
constexpr auto kLingerTime = std::chrono::milliseconds(1000);
constexpr std::size_t kLingerBytes = 256 * 1024;

/// A complete response written by hand, for a request refused before its head could be read
/// (or a connection over the cap): the connection is closed after it.
std::string closingResponse(ErrorCode code, std::string_view message, std::string_view requestId) {
    const int status = core::httpStatus(code);
    const std::string body = core::errorEnvelope(code, message, requestId);
    std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
    out.append(detail::reasonPhrase(status));
    out.append("\r\nContent-Type: application/json\r\nContent-Length: ");
    out.append(std::to_string(body.size()));
    out.append("\r\nConnection: close\r\nX-Request-Id: ");
    out.append(requestId);
    if (status == 503) {
        out.append("\r\nRetry-After: 1");
    }
    out.append("\r\n\r\n");
    out.append(body);
    return out;
}

/// Stops sending, then reads and drops what the client still sends, within kLingerTime and
/// kLingerBytes, so that closing does not reset the connection under the answer just sent.
void lingerClose(Poco::Net::StreamSocket& socket) {
    try {
        socket.shutdownSend();
        const auto until = Clock::now() + kLingerTime;
        char buffer[4096];
        std::size_t drained = 0;
        while (drained < kLingerBytes) {
            const auto remaining =
                std::chrono::duration_cast<std::chrono::microseconds>(until - Clock::now());
            if (remaining.count() <= 0 ||
                !socket.poll(timespan(remaining), Poco::Net::Socket::SELECT_READ)) {
                break;
            }
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) {
                break;
            }
            drained += static_cast<std::size_t>(n);
        }
    } catch (const std::exception&) {
        // The client is gone: nothing left to protect.
    }
}

struct Shared {
    Router router;
    ServerOptions options;
    HeadLimits limits;
    std::mutex observerMutex;
    RequestObserver observer;
    ErrorTranslator translator;
    UpgradeHandler upgradeHandler;
    RequestGuard guard;
    std::shared_ptr<SlotCounter> slots;
    std::unique_ptr<IdleConnections> idle;
    std::atomic<bool> stopping{false};
    /// Connections a worker is serving, so that stop() can cut their reads short.
    std::mutex activeMutex;
    std::unordered_map<const void*, Poco::Net::StreamSocket> active;

    void observe(std::string_view method, std::string_view route, int status, double seconds) {
        RequestObserver copy;
        {
            std::lock_guard lock(observerMutex);
            copy = observer;
        }
        if (copy) {
            copy(method, route, status, seconds);
        }
    }
};

/// Registers a connection as being served for its scope.
class ActiveConnection final {
  public:
    ActiveConnection(Shared& shared, const Poco::Net::StreamSocket& socket)
        : m_shared(shared), m_key(socket.impl()) {
        std::lock_guard lock(m_shared.activeMutex);
        m_shared.active.emplace(m_key, socket);
    }
    ~ActiveConnection() {
        std::lock_guard lock(m_shared.activeMutex);
        m_shared.active.erase(m_key);
    }
    ActiveConnection(const ActiveConnection&) = delete;
    ActiveConnection& operator=(const ActiveConnection&) = delete;

  private:
    Shared& m_shared;
    const void* m_key;
};

/// A request that cannot be served because of how it arrived (too slow, cut short): answered
/// with `code` (REQUEST_TIMEOUT or BAD_REQUEST), and the connection is closed.
struct RequestFault {
    ErrorCode code;
    std::string message;
};

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool isJsonContentType(std::string_view value) {
    const auto semicolon = value.find(';');
    std::string media = lower(value.substr(0, semicolon));
    while (!media.empty() && media.back() == ' ') {
        media.pop_back();
    }
    return media == "application/json";
}

/// Writes all of `bytes` to the client (the socket's send timeout bounds each write); false when
/// the client went away or stopped reading.
bool sendAll(const Poco::Net::StreamSocket& socket, std::string_view bytes) {
    const int fd = static_cast<int>(socket.impl()->sockfd());
    while (!bytes.empty()) {
        const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// Serves one request whose head has been checked and taken off the connection: body, routing,
/// guard, handler or upgrade, response, log line.
class DispatchHandler final {
  public:
    /// `drainOversized`: read a body over the limit (up to kDrainLimit) before answering 413,
    /// so that a client sending it before reading sees the answer; false when the client waits
    /// to be invited to send it.
    DispatchHandler(Shared& shared, GuardedSocketImpl& guarded, Poco::Net::StreamSocket& socket,
                    bool drainOversized)
        : m_shared(shared),
          m_guarded(guarded),
          m_socket(socket),
          m_drainOversized(drainOversized) {}

    /// The socket now belongs to the upgrade handler.
    bool upgraded() const { return m_upgraded; }
    /// The answer went out before the whole body was read: close, after lingering.
    bool mustClose() const { return m_mustClose; }
    /// The answer left the connection open for the next request.
    bool keptAlive() const { return m_keptAlive; }

    /// `keepAlive`: whether the client and the server want the connection kept after this
    /// request; the answer closes it anyway when the body was not read.
    void handle(const RequestHead& head, bool keepAlive) {
        const auto started = std::chrono::steady_clock::now();
        Request request;
        const std::string_view incomingId = detail::headerOf(head, "x-request-id");
        request.requestId =
            isAcceptableRequestId(incomingId) ? std::string(incomingId) : domain::newUuid();
        request.method = head.method;
        request.clientAddress = m_guarded.peerHost();

        std::string pattern = "unmatched";
        Response response;
        bool upgraded = false;
        // Until the body has been read, it is still on the connection: an answer sent before then
        // must close the connection, or the next request would be parsed from the body's bytes.
        bool bodyRead = false;
        try {
            response = dispatch(head, request, pattern, upgraded, bodyRead);
        } catch (const RequestFault& fault) {
            response.status = core::httpStatus(fault.code);
            response.body = core::errorEnvelope(fault.code, fault.message, request.requestId);
        } catch (const ApiError& error) {
            response = errorResponse(error.code(), error.what(), request.requestId);
            if (error.retryAfter().count() > 0) {
                response.headers.emplace_back("Retry-After",
                                              std::to_string(error.retryAfter().count()));
            }
        } catch (const std::exception& error) {
            // After an upgrade the socket belongs to the upgrade handler: only the log remains.
            std::optional<ApiError> translated;
            if (m_shared.translator) {
                translated = m_shared.translator(error);
            }
            core::logError(
                "request failed",
                {{"request_id", request.requestId}, {"route", pattern}, {"error", error.what()}});
            response =
                translated
                    ? errorResponse(translated->code(), translated->what(), request.requestId)
                    : errorResponse(ErrorCode::Internal, "internal error", request.requestId);
        }

        m_upgraded = upgraded;
        m_mustClose = !upgraded && !bodyRead;
        if (upgraded) {
            response.status = 101;
        } else {
            m_keptAlive = keepAlive && bodyRead;
            // HEAD is a GET whose answer goes without its body.
            const std::string text = detail::serializeResponse(
                response, request.requestId, head.version, m_keptAlive, head.method == "HEAD");
            if (!sendAll(m_socket, text)) {
                m_keptAlive = false;
                core::logWarn("client went away",
                              {{"request_id", request.requestId}, {"error", std::strerror(errno)}});
            }
        }

        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const std::string status = std::to_string(response.status);
        const std::string millis = std::to_string(static_cast<long long>(seconds * 1000.0));
        core::log(response.status >= 500 ? core::LogLevel::Warn : core::LogLevel::Info, "http",
                  {{"request_id", request.requestId},
                   {"method", request.method},
                   {"route", pattern},
                   {"status", status},
                   {"ms", millis}});
        m_shared.observe(request.method, pattern, response.status, seconds);
    }

  private:
    static Response errorResponse(ErrorCode code, std::string_view message,
                                  std::string_view requestId) {
        Response response;
        response.status = core::httpStatus(code);
        response.body = core::errorEnvelope(code, message, requestId);
        return response;
    }

    /// Hands a WebSocket upgrade to the upgrade handler; `upgraded` is set once the handshake
    /// went out (the socket is no longer the server's).
    void upgrade(const Request& request, bool& upgraded) {
        const AcceptWebSocket accept = [&]() {
            if (upgraded) {
                throw std::logic_error("a WebSocket upgrade can be accepted only once");
            }
            const auto invalid = [](const std::string& why) {
                return ApiError(ErrorCode::BadRequest, "invalid WebSocket handshake: " + why);
            };
            if (!hasToken(request.header("connection").value_or(""), "upgrade") ||
                !hasToken(request.header("upgrade").value_or(""), "websocket")) {
                throw invalid("no Connection: Upgrade with Upgrade: websocket");
            }
            if (request.header("sec-websocket-version").value_or("") != "13") {
                throw invalid("unsupported WebSocket version (13 is required)");
            }
            const std::string key = request.header("sec-websocket-key").value_or("");
            if (key.empty()) {
                throw invalid("missing Sec-WebSocket-Key");
            }
            const std::string answer =
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                "Upgrade\r\nSec-WebSocket-Accept: " +
                detail::webSocketAccept(key) + "\r\nX-Request-Id: " + request.requestId +
                "\r\n\r\n";
            if (!sendAll(m_socket, answer)) {
                throw std::runtime_error("the client went away during the WebSocket handshake");
            }
            upgraded = true;
            return m_socket;
        };
        m_shared.upgradeHandler(request, accept);
        if (!upgraded) {
            throw std::logic_error("the upgrade handler neither accepted nor refused");
        }
    }

    Response dispatch(const RequestHead& head, Request& request, std::string& pattern,
                      bool& upgraded, bool& bodyRead) {
        const std::string& uri = head.target;
        request.target = uri;
        const auto questionMark = uri.find('?');
        const std::string_view rawPath = std::string_view(uri).substr(0, questionMark);
        auto path = percentDecode(rawPath, false);
        if (!path || path->empty() || path->front() != '/') {
            throw ApiError(ErrorCode::BadRequest, "malformed request path");
        }
        request.path = std::move(*path);
        if (questionMark != std::string::npos) {
            request.rawQuery = uri.substr(questionMark + 1);
            auto query = parseQuery(request.rawQuery);
            if (!query) {
                throw ApiError(ErrorCode::BadRequest, "malformed query string");
            }
            request.query = std::move(*query);
        }
        request.headers.reserve(head.headers.size());
        for (const auto& [name, value] : head.headers) {
            request.headers.emplace_back(lower(name), value);
        }

        // The body is read before routing, so that every answer, an early 404 included, leaves
        // the connection at the start of the next request.
        const std::size_t limit = m_shared.options.bodyLimit;
        const std::string tooLarge =
            "request body is larger than " + std::to_string(limit / 1024) + " KiB";
        if (head.body == RequestHead::Body::Length && head.contentLength > limit) {
            // Read a moderately oversized body before answering: a client that sends its whole
            // body before reading would otherwise see a broken pipe instead of the 413.
            if (m_drainOversized && head.contentLength <= kDrainLimit) {
                bodyRead =
                    detail::skipBody(m_guarded, static_cast<std::size_t>(head.contentLength));
            }
            throw ApiError(ErrorCode::PayloadTooLarge, tooLarge);
        }
        switch (detail::readBody(m_guarded, head, limit, request.body)) {
            case BodyRead::Complete:
                break;
            case BodyRead::TooLarge:
                throw ApiError(ErrorCode::PayloadTooLarge, tooLarge);
            case BodyRead::Incomplete:
                if (m_guarded.fault() == GuardedSocketImpl::Fault::Timeout) {
                    throw RequestFault{ErrorCode::RequestTimeout,
                                       "request body not received within " +
                                           std::to_string(m_shared.options.bodyTimeout.count()) +
                                           " ms"};
                }
                throw RequestFault{ErrorCode::BadRequest,
                                   "request body ended early or is malformed"};
        }
        bodyRead = true;

        // Before routing: a caller the guard refuses learns nothing of which routes exist.
        if (m_shared.guard) {
            m_shared.guard(request);
        }
        auto match =
            m_shared.router.match(request.method == "HEAD" ? "GET" : request.method, request.path);
        if (match.handler == nullptr) {
            if (match.pathMatched) {
                throw ApiError(ErrorCode::MethodNotAllowed,
                               "method " + request.method + " is not allowed on this path");
            }
            throw ApiError(ErrorCode::NotFound, "no such endpoint");
        }
        pattern = match.pattern;
        request.route = match.pattern;
        request.params = std::move(match.params);
        if (m_shared.upgradeHandler && request.method == "GET" &&
            hasToken(request.header("upgrade").value_or(""), "websocket")) {
            upgrade(request, upgraded);
            return {};
        }

        if (!request.body.empty() &&
            !isJsonContentType(request.header("content-type").value_or(""))) {
            throw ApiError(ErrorCode::UnsupportedMediaType,
                           "request body must be application/json");
        }
        return (*match.handler)(request);
    }

    Shared& m_shared;
    GuardedSocketImpl& m_guarded;
    Poco::Net::StreamSocket& m_socket;
    const bool m_drainOversized;
    bool m_upgraded = false;
    bool m_mustClose = false;
    bool m_keptAlive = false;
};

/// Why a request head was refused.
struct Rejection {
    ErrorCode code;
    std::string message;
    int status() const { return core::httpStatus(code); }
};

/// One HTTP connection's requests in sequence (keep-alive), each head within the header deadline
/// and size limits, each body within the body deadline. Serves the requests of one connection whose
/// next head is in hand (complete, refused, or past its deadline), on the thread that found it, for
/// as long as the next head is already there too (pipelining); then hands the connection back to
/// the idle set, or closes it. A thread never waits for a client that has not sent a head.
class RequestCycle final {
  public:
    RequestCycle(Shared& shared, Poco::Net::StreamSocket socket)
        : m_shared(shared), m_socket(std::move(socket)) {}
    RequestCycle(const RequestCycle&) = delete;
    RequestCycle& operator=(const RequestCycle&) = delete;

    void run(Clock::time_point headDeadline) {
        auto* guarded = dynamic_cast<GuardedSocketImpl*>(m_socket.impl());
        if (guarded == nullptr) {
            return;  // not from our listening socket; cannot happen
        }
        const bool idle = serve(*guarded, headDeadline);
        guarded->doneWith();
        if (idle) {
            // Until its next head arrives, the loop holds the connection, not this thread.
            m_shared.idle->add(std::move(m_socket), Clock::now() + m_shared.options.keepAlive,
                               false);
        }
    }

  private:
    enum class Outcome { KeepAlive, Close, Linger, Detached };

    /// Serves requests while their heads are in hand; true when the connection stays open and
    /// goes back to the idle loop.
    bool serve(GuardedSocketImpl& guarded, Clock::time_point headDeadline) {
        const ActiveConnection active(m_shared, m_socket);
        bool linger = false;
        try {
            while (!m_shared.stopping.load()) {
                const Outcome outcome = serveOne(guarded, headDeadline);
                if (outcome == Outcome::Detached) {
                    // A WebSocket now: the hub counts it, the HTTP cap no longer does.
                    guarded.releaseSlot();
                    return false;
                }
                if (outcome != Outcome::KeepAlive) {
                    linger = outcome == Outcome::Linger;
                    break;
                }
                if (parseRequestHead(guarded.pending(), m_shared.limits).state ==
                    HeadParse::State::Incomplete) {
                    return true;
                }
                headDeadline = Clock::now() + m_shared.options.headerTimeout;  // pipelined
            }
            if (linger) {
                lingerClose(m_socket);
            }
        } catch (const std::exception& error) {
            core::logDebug("http connection ended", {{"error", error.what()}});
        } catch (...) {
            core::logDebug("http connection ended", {{"error", "unknown"}});
        }
        return false;
    }

    Outcome serveOne(GuardedSocketImpl& guarded, Clock::time_point headDeadline) {
        const ServerOptions& options = m_shared.options;
        const auto started = Clock::now();
        guarded.arm(headDeadline);
        // The head is at the start of the socket's pending bytes (or still arriving).
        const HeadParse checked = readHead(guarded);
        if (checked.state != HeadParse::State::Complete) {
            if (checked.state == HeadParse::State::Invalid) {
                return reject(Rejection{checked.error, checked.message}, started,
                              detail::headerOf(checked.head, "x-request-id"), checked.head.method);
            }
            // A head begun but not finished in time gets an answer; silence gets none.
            if (guarded.fault() == GuardedSocketImpl::Fault::Timeout &&
                !guarded.pending().empty()) {
                return reject(Rejection{ErrorCode::RequestTimeout,
                                        "request head not received within " +
                                            std::to_string(options.headerTimeout.count()) + " ms"},
                              started, "", "");
            }
            return Outcome::Close;  // the client went away, or connected and sent nothing
        }
        const RequestHead& head = checked.head;
        guarded.pending().erase(0, head.size);
        guarded.arm(Clock::now() + options.bodyTimeout);
        // A body over the limit is not invited: it gets its 413 without being sent, and is not
        // waited for either.
        const bool oversized =
            head.body == RequestHead::Body::Length && head.contentLength > options.bodyLimit;
        // An HTTP/1.0 client knows no 100 Continue: its expectation is ignored (RFC 9110 10.1.1).
        const bool waitsForInvitation = head.version == "HTTP/1.1" &&
                                        hasToken(detail::headerOf(head, "expect"), "100-continue");
        if (waitsForInvitation && !oversized) {
            (void)sendAll(m_socket, "HTTP/1.1 100 Continue\r\n\r\n");
        }
        DispatchHandler handler(m_shared, guarded, m_socket, !waitsForInvitation);
        handler.handle(head, detail::wantsKeepAlive(head) && !m_shared.stopping.load());
        if (handler.upgraded()) {
            return Outcome::Detached;
        }
        if (handler.mustClose()) {
            // A client too slow to send its body is not worth waiting for any longer.
            return guarded.fault() == GuardedSocketImpl::Fault::Timeout ? Outcome::Close
                                                                        : Outcome::Linger;
        }
        return handler.keptAlive() && !m_shared.stopping.load() ? Outcome::KeepAlive
                                                                : Outcome::Close;
    }

    /// Reads until the head at the start of the socket's pending bytes is complete, refused, or
    /// no more comes in time (Incomplete). Junk is refused as soon as it arrives.
    HeadParse readHead(GuardedSocketImpl& guarded) const {
        const ServerOptions& options = m_shared.options;
        const HeadLimits limits{options.maxUriBytes, options.maxHeaderFields,
                                options.maxHeaderLineBytes, options.maxHeaderBytes};
        const std::size_t ceiling = headCeiling(options);
        while (true) {
            if (!guarded.pending().empty()) {
                HeadParse parse = parseRequestHead(guarded.pending(), limits);
                if (parse.state != HeadParse::State::Incomplete) {
                    return parse;
                }
                if (guarded.pending().size() > ceiling) {
                    parse.state = HeadParse::State::Invalid;
                    parse.error = ErrorCode::HeadersTooLarge;
                    parse.message =
                        "request head is larger than " + std::to_string(ceiling) + " bytes";
                    return parse;
                }
            }
            if (!guarded.readMore()) {
                return HeadParse{};
            }
        }
    }

    /// Answers a refused head in the envelope, logs it and closes (lingering, unless the
    /// client was merely slow).
    Outcome reject(const Rejection& rejection, Clock::time_point started,
                   std::string_view incomingId, const std::string& method) {
        const std::string requestId =
            isAcceptableRequestId(incomingId) ? std::string(incomingId) : domain::newUuid();
        const std::string text = closingResponse(rejection.code, rejection.message, requestId);
        try {
            m_socket.sendBytes(text.data(), static_cast<int>(text.size()));
        } catch (const std::exception& error) {
            core::logDebug("client went away",
                           {{"request_id", requestId}, {"error", error.what()}});
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        const std::string status = std::to_string(rejection.status());
        const std::string millis = std::to_string(static_cast<long long>(seconds * 1000.0));
        // run() made sure the socket is a GuardedSocketImpl.
        const std::string& client = static_cast<GuardedSocketImpl*>(m_socket.impl())->peerHost();
        core::logWarn("http", {{"request_id", requestId},
                               {"method", method.empty() ? "-" : method},
                               {"route", "rejected"},
                               {"status", status},
                               {"ms", millis},
                               {"client", client},
                               {"reason", rejection.message}});
        m_shared.observe(method.empty() ? "unknown" : method, "rejected", rejection.status(),
                         seconds);
        return rejection.code == ErrorCode::RequestTimeout ? Outcome::Close : Outcome::Linger;
    }

    Shared& m_shared;
    Poco::Net::StreamSocket m_socket;
};

/// Accepts connections on its own thread and hands each to the idle loop, while a slot under
/// the cap is free; past the cap, answers 503 at once (without blocking: the answer fits the
/// empty send buffer) and closes.
class Acceptor final {
  public:
    Acceptor(Shared& shared, GuardedServerSocket socket)
        : m_shared(shared), m_socket(std::move(socket)) {}

    ~Acceptor() {
        if (m_wake >= 0) {
            ::close(m_wake);
        }
    }
    Acceptor(const Acceptor&) = delete;
    Acceptor& operator=(const Acceptor&) = delete;

    void start() {
        m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (m_wake < 0) {
            throw std::runtime_error("cannot create the acceptor's eventfd");
        }
        m_thread = std::thread([this] { run(); });
    }
    void stop() {
        m_stopping = true;
        if (m_wake >= 0) {
            const std::uint64_t one = 1;
            (void)::write(m_wake, &one, sizeof one);
        }
        if (m_thread.joinable()) {
            m_thread.join();
        }
        m_socket.close();
    }

  private:
    /// Waits, without a timeout, for a connection to accept or for stop(): an idle server's
    /// acceptor never wakes.
    bool awaitConnection() {
        std::array<pollfd, 2> fds{pollfd{m_socket.impl()->sockfd(), POLLIN, 0},
                                  pollfd{m_wake, POLLIN, 0}};
        const int ready = ::poll(fds.data(), fds.size(), -1);
        if (ready > 0 && (fds[0].revents & (POLLERR | POLLNVAL)) != 0 && !m_stopping.load()) {
            throw std::runtime_error("the listening socket reports an error");  // retried soon
        }
        return ready > 0 && !m_stopping.load() && (fds[0].revents & POLLIN) != 0;
    }

    void run() {
        while (!m_stopping.load()) {
            try {
                if (!awaitConnection()) {
                    continue;
                }
                Poco::Net::StreamSocket socket = m_socket.acceptConnection();
                auto* guarded = dynamic_cast<GuardedSocketImpl*>(socket.impl());
                if (guarded == nullptr) {
                    continue;
                }
                if (!m_shared.slots->tryAcquire()) {
                    refuse(socket.impl()->sockfd());
                    continue;
                }
                guarded->holdSlot(m_shared.slots);
                socket.setSendTimeout(timespan(m_shared.options.writeTimeout));
                m_shared.idle->add(std::move(socket), Clock::now() + m_shared.options.headerTimeout,
                                   true);
            } catch (const std::exception& error) {
                // Out of descriptors, or a connection reset before it was accepted: go on.
                core::logWarn("http accept failed", {{"error", error.what()}});
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    }

    void refuse(poco_socket_t fd) {
        const std::string requestId = domain::newUuid();
        const std::string text = closingResponse(
            ErrorCode::UpstreamUnavailable, "too many open connections; retry shortly", requestId);
        (void)::send(fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        ::shutdown(fd, SHUT_WR);
        // Drop what already arrived, so that the close is a FIN rather than a reset.
        char buffer[4096];
        for (int i = 0; i < 16 && ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0; ++i) {
        }
        const auto refused = ++m_refused;
        const auto now = Clock::now();
        if (now - m_lastLog >= std::chrono::seconds(1)) {
            m_lastLog = now;
            const std::string max = std::to_string(m_shared.slots->max());
            const std::string total = std::to_string(refused);
            core::logWarn("http connection refused", {{"request_id", requestId},
                                                      {"status", "503"},
                                                      {"max_connections", max},
                                                      {"refused_total", total}});
        }
    }

    Shared& m_shared;
    GuardedServerSocket m_socket;
    std::atomic<bool> m_stopping{false};
    int m_wake = -1;  ///< an eventfd that stop() makes readable
    std::thread m_thread;
    // Only the accepting thread touches these.
    std::uint64_t m_refused = 0;
    Clock::time_point m_lastLog{};
};

}  // namespace

struct Server::Impl {
    Shared shared;
    std::unique_ptr<Acceptor> acceptor;
    std::uint16_t boundPort = 0;
};

Server::Server(ServerOptions options, Router router) : m_impl(std::make_unique<Impl>()) {
    m_impl->shared.options = std::move(options);
    m_impl->shared.router = std::move(router);
}

Server::~Server() {
    stop();
}

void Server::setObserver(RequestObserver observer) {
    std::lock_guard lock(m_impl->shared.observerMutex);
    m_impl->shared.observer = std::move(observer);
}

void Server::start() {
    Shared& shared = m_impl->shared;
    const ServerOptions& options = shared.options;
    GuardedServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(options.host, options.port), true);
    socket.listen(options.maxQueued);
    m_impl->boundPort = socket.address().port();

    const int threads = std::max(options.threads, 1);
    shared.slots = std::make_shared<SlotCounter>(
        options.maxConnections > 0 ? options.maxConnections : kDefaultMaxConnections);
    shared.limits = HeadLimits{options.maxUriBytes, options.maxHeaderFields,
                               options.maxHeaderLineBytes, options.maxHeaderBytes};
    // The thread that finds a head at hand serves it: no hand-off between threads.
    shared.idle = std::make_unique<IdleConnections>(
        shared.limits, headCeiling(options), options.headerTimeout, threads,
        [&shared](Poco::Net::StreamSocket ready, Clock::time_point deadline) {
            if (shared.stopping.load()) {
                return;  // closed as `ready` goes
            }
            RequestCycle(shared, std::move(ready)).run(deadline);
        });
    shared.idle->start();
    m_impl->acceptor = std::make_unique<Acceptor>(shared, std::move(socket));
    m_impl->acceptor->start();
}

void Server::stop() {
    if (!m_impl->acceptor) {
        return;
    }
    Shared& shared = m_impl->shared;
    m_impl->acceptor->stop();
    shared.stopping = true;
    shared.idle->stop();
    {
        // A worker in the middle of a request finishes it; one waiting on its client stops now.
        std::lock_guard lock(shared.activeMutex);
        for (auto& [key, socket] : shared.active) {
            try {
                socket.shutdownReceive();
            } catch (const std::exception&) {
                // Already closed by the client.
            }
        }
    }
    shared.idle->join();
    m_impl->acceptor.reset();
}

void Server::setUpgradeHandler(UpgradeHandler handler) {
    m_impl->shared.upgradeHandler = std::move(handler);
}

void Server::setGuard(RequestGuard guard) {
    m_impl->shared.guard = std::move(guard);
}

void Server::setErrorTranslator(ErrorTranslator translator) {
    m_impl->shared.translator = std::move(translator);
}

std::uint16_t Server::port() const {
    return m_impl->boundPort;
}

}  // namespace shop::http
