#include "shop/http/server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <istream>
#include <mutex>

#include "shop/core/errors.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/uuid.hpp"

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

constexpr Poco::Int64 kDrainLimit = 1024 * 1024;

struct Shared {
    Router router;
    std::size_t bodyLimit;
    std::mutex observerMutex;
    RequestObserver observer;
    ErrorTranslator translator;
    UpgradeHandler upgradeHandler;
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

bool containsToken(std::string_view value, std::string_view token) {
    return lower(value).find(token) != std::string::npos;
}

bool isJsonContentType(std::string_view value) {
    const auto semicolon = value.find(';');
    std::string media = lower(value.substr(0, semicolon));
    while (!media.empty() && media.back() == ' ') {
        media.pop_back();
    }
    return media == "application/json";
}

/// Reads at most limit+1 bytes so an oversized chunked body is detected without buffering it all.
bool readBody(std::istream& in, std::size_t limit, std::string& out) {
    out.clear();
    char buffer[8192];
    while (in) {
        in.read(buffer, sizeof buffer);
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) {
            break;
        }
        if (out.size() + n > limit) {
            return false;
        }
        out.append(buffer, n);
    }
    return true;
}

class DispatchHandler final : public Poco::Net::HTTPRequestHandler {
  public:
    explicit DispatchHandler(Shared& shared) : m_shared(shared) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in,
                       Poco::Net::HTTPServerResponse& out) override {
        const auto started = std::chrono::steady_clock::now();
        Request request;
        const std::string incomingId = in.get("X-Request-Id", "");
        request.requestId = isAcceptableRequestId(incomingId) ? incomingId : domain::newUuid();
        request.method = in.getMethod();
        request.clientAddress = in.clientAddress().host().toString();

        std::string pattern = "unmatched";
        Response response;
        bool upgraded = false;
        // Until the body has been read, it is still on the connection: an answer sent before then
        // must close the connection, or the next request would be parsed from the body's bytes.
        bool bodyRead = false;
        try {
            response = dispatch(in, out, request, pattern, upgraded, bodyRead);
        } catch (const ApiError& error) {
            response = errorResponse(error.code(), error.what(), request.requestId);
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

        if (upgraded) {
            response.status = 101;
        } else {
            if (!bodyRead) {
                out.setKeepAlive(false);
            }
            send(out, response, request.requestId);
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
        RequestObserver observer;
        {
            std::lock_guard lock(m_shared.observerMutex);
            observer = m_shared.observer;
        }
        if (observer) {
            observer(request.method, pattern, response.status, seconds);
        }
    }

  private:
    static void send(Poco::Net::HTTPServerResponse& out, const Response& response,
                     const std::string& requestId) {
        out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
        out.setContentType(response.contentType);
        out.set("X-Request-Id", requestId);
        for (const auto& [name, value] : response.headers) {
            out.set(name, value);
        }
        out.setContentLength(static_cast<std::streamsize>(response.body.size()));
        try {
            out.sendBuffer(response.body.data(), response.body.size());
        } catch (const std::exception& error) {
            core::logWarn("client went away", {{"request_id", requestId}, {"error", error.what()}});
        }
    }

    static Response errorResponse(ErrorCode code, std::string_view message,
                                  std::string_view requestId) {
        Response response;
        response.status = core::httpStatus(code);
        response.body = core::errorEnvelope(code, message, requestId);
        return response;
    }

    /// Hands a WebSocket upgrade to the upgrade handler; `upgraded` is set once the handshake
    /// went out (the socket is no longer the server's).
    void upgrade(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                 const Request& request, bool& upgraded) {
        const AcceptWebSocket accept = [&]() {
            if (upgraded) {
                throw std::logic_error("a WebSocket upgrade can be accepted only once");
            }
            out.set("X-Request-Id", request.requestId);
            try {
                Poco::Net::WebSocket socket(in, out);
                upgraded = true;
                return socket;
            } catch (const Poco::Net::WebSocketException& error) {
                throw ApiError(ErrorCode::BadRequest,
                               "invalid WebSocket handshake: " + error.message());
            }
        };
        m_shared.upgradeHandler(request, accept);
        if (!upgraded) {
            throw std::logic_error("the upgrade handler neither accepted nor refused");
        }
    }

    Response dispatch(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                      Request& request, std::string& pattern, bool& upgraded, bool& bodyRead) {
        const std::string& uri = in.getURI();
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
        for (const auto& [name, value] : in) {
            request.headers.emplace_back(lower(name), value);
        }

        // The body is read before routing, so that every answer, an early 404 included, leaves
        // the connection at the start of the next request.
        const bool hasLength = in.hasContentLength();
        const auto length = hasLength ? in.getContentLength64() : 0;
        const bool chunked = in.getChunkedTransferEncoding();
        if (hasLength && length > static_cast<Poco::Int64>(m_shared.bodyLimit)) {
            // Read a moderately oversized body before answering: a client that sends its whole
            // body before reading would otherwise see a broken pipe instead of the 413.
            if (length <= kDrainLimit) {
                in.stream().ignore(static_cast<std::streamsize>(length));
                bodyRead = true;
            }
            throw ApiError(ErrorCode::PayloadTooLarge,
                           "request body is larger than " +
                               std::to_string(m_shared.bodyLimit / 1024) + " KiB");
        }
        if (length > 0 || chunked) {
            if (!readBody(in.stream(), m_shared.bodyLimit, request.body)) {
                throw ApiError(ErrorCode::PayloadTooLarge,
                               "request body is larger than " +
                                   std::to_string(m_shared.bodyLimit / 1024) + " KiB");
            }
        }
        bodyRead = true;

        auto match = m_shared.router.match(request.method, request.path);
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
            containsToken(in.get("Upgrade", ""), "websocket")) {
            upgrade(in, out, request, upgraded);
            return {};
        }

        if (!request.body.empty() && !isJsonContentType(in.getContentType())) {
            throw ApiError(ErrorCode::UnsupportedMediaType,
                           "request body must be application/json");
        }
        return (*match.handler)(request);
    }

    Shared& m_shared;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(Shared& shared) : m_shared(shared) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new DispatchHandler(m_shared);
    }

  private:
    Shared& m_shared;
};

}  // namespace

struct Server::Impl {
    ServerOptions options;
    Shared shared;
    std::unique_ptr<Poco::ThreadPool> pool;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    std::uint16_t boundPort = 0;
};

Server::Server(ServerOptions options, Router router) : m_impl(std::make_unique<Impl>()) {
    m_impl->options = std::move(options);
    m_impl->shared.router = std::move(router);
    m_impl->shared.bodyLimit = m_impl->options.bodyLimit;
}

Server::~Server() {
    stop();
}

void Server::setObserver(RequestObserver observer) {
    std::lock_guard lock(m_impl->shared.observerMutex);
    m_impl->shared.observer = std::move(observer);
}

void Server::start() {
    const auto& options = m_impl->options;
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(options.host, options.port), true);
    socket.listen(options.maxQueued);
    m_impl->boundPort = socket.address().port();

    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options.threads);
    params->setMaxQueued(options.maxQueued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(options.keepAlive.count(), 0));
    params->setMaxKeepAliveRequests(0);
    params->setTimeout(Poco::Timespan(30, 0));
    m_impl->pool = std::make_unique<Poco::ThreadPool>(2, options.threads);
    m_impl->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(m_impl->shared),
                                                             *m_impl->pool, socket, params);
    m_impl->server->start();
}

void Server::stop() {
    if (m_impl->server) {
        m_impl->server->stopAll(false);
        m_impl->server.reset();
    }
    if (m_impl->pool) {
        m_impl->pool->joinAll();
        m_impl->pool.reset();
    }
}

void Server::setUpgradeHandler(UpgradeHandler handler) {
    m_impl->shared.upgradeHandler = std::move(handler);
}

void Server::setErrorTranslator(ErrorTranslator translator) {
    m_impl->shared.translator = std::move(translator);
}

std::uint16_t Server::port() const {
    return m_impl->boundPort;
}

}  // namespace shop::http
