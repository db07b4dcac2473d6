#include "proxy/upstream.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

#include "shop/auth/internal_secret.hpp"
#include "shop/core/errors.hpp"
#include "shop/core/log.hpp"

namespace shop::gateway {
namespace {

using core::ErrorCode;

Poco::Timespan span(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

/// End-to-end request headers worth passing on; hop-by-hop ones stay here.
constexpr std::string_view kForwardedRequestHeaders[] = {"content-type", "idempotency-key",
                                                         "accept", "traceparent"};
constexpr std::string_view kForwardedResponseHeaders[] = {"Idempotent-Replayed", "Retry-After",
                                                          "Location"};

http::Response failure(ErrorCode code, const std::string& message, const std::string& requestId) {
    http::Response response;
    response.status = core::httpStatus(code);
    response.body = core::errorEnvelope(code, message, requestId);
    return response;
}

/// Whether the other end closed a pooled connection (or sent something unasked, which leaves it
/// unusable too): one non-blocking peek, which takes nothing from the socket.
bool closedByPeer(Poco::Net::HTTPClientSession& session) {
    if (!session.connected()) {
        return false;  // not connected yet: the session connects when it sends
    }
    char byte = 0;
    const auto n = ::recv(session.socket().impl()->sockfd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

}  // namespace

UpstreamOptions upstreamFromUrl(std::string name, const std::string& url) {
    Poco::URI uri(url);
    if (uri.getScheme() != "http" || uri.getHost().empty()) {
        throw std::invalid_argument(name + " URL must look like http://host:port, got " + url);
    }
    UpstreamOptions options;
    options.name = std::move(name);
    options.host = uri.getHost();
    options.port = uri.getPort();
    return options;
}

Upstream::Upstream(UpstreamOptions options) : m_options(std::move(options)) {}

Upstream::~Upstream() = default;

void Upstream::pruneLocked(std::chrono::steady_clock::time_point now) {
    // Oldest first: drop every idle connection the upstream may be about to close.
    std::size_t stale = 0;
    while (stale < m_idle.size() && now - m_idle[stale].since >= m_options.maxIdleAge) {
        ++stale;
    }
    if (stale > 0) {
        m_idle.erase(m_idle.begin(), m_idle.begin() + static_cast<std::ptrdiff_t>(stale));
        m_open -= stale;
        m_released.notify_all();
    }
}

std::unique_ptr<Poco::Net::HTTPClientSession> Upstream::take(bool& reused) {
    std::unique_lock lock(m_mutex);
    const auto deadline = std::chrono::steady_clock::now() + m_options.timeout;
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        pruneLocked(now);
        if (!m_idle.empty()) {
            Idle idle = std::move(m_idle.back());
            m_idle.pop_back();
            lock.unlock();
            if (now - idle.since < m_options.staleCheckAfter || !closedByPeer(*idle.session)) {
                reused = true;
                return std::move(idle.session);
            }
            // Closed while it waited (the upstream restarted): a request sent on it would fail,
            // and one that is not a GET could not safely go again.
            discard(std::move(idle.session));
            lock.lock();
            continue;
        }
        if (m_open < m_options.maxConnections) {
            ++m_open;
            break;
        }
        if (m_released.wait_until(lock, deadline) == std::cv_status::timeout) {
            return nullptr;
        }
    }
    lock.unlock();
    reused = false;
    auto session = std::make_unique<Poco::Net::HTTPClientSession>(m_options.host, m_options.port);
    session->setKeepAlive(true);
    session->setTimeout(span(m_options.connectTimeout), span(m_options.timeout),
                        span(m_options.timeout));
    return session;
}

void Upstream::giveBack(std::unique_ptr<Poco::Net::HTTPClientSession> session) {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    pruneLocked(now);
    m_idle.push_back(Idle{std::move(session), now});
    m_released.notify_one();
}

void Upstream::discard(std::unique_ptr<Poco::Net::HTTPClientSession> session) {
    session.reset();
    std::lock_guard lock(m_mutex);
    --m_open;
    m_released.notify_one();
}

http::Response Upstream::exchange(Poco::Net::HTTPClientSession& session,
                                  const http::Request& request) {
    Poco::Net::HTTPRequest out(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
    out.setKeepAlive(true);
    for (auto name : kForwardedRequestHeaders) {
        if (auto value = request.header(name)) {
            out.set(std::string(name), *value);
        }
    }
    out.set("X-Request-Id", request.requestId);
    out.set("X-Forwarded-For", request.clientAddress);
    out.set(std::string(auth::kInternalSecretHeader), m_options.internalSecret);
    if (!request.body.empty() || request.method == "POST") {
        out.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    std::ostream& body = session.sendRequest(out);
    body.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));

    Poco::Net::HTTPResponse in;
    std::istream& stream = session.receiveResponse(in);
    http::Response response;
    response.status = static_cast<int>(in.getStatus());
    response.contentType = in.getContentType();
    Poco::StreamCopier::copyToString(stream, response.body);
    for (auto name : kForwardedResponseHeaders) {
        if (in.has(std::string(name))) {
            response.headers.emplace_back(std::string(name), in.get(std::string(name)));
        }
    }
    return response;
}

http::Response Upstream::forward(const http::Request& request) {
    // A pooled connection the upstream has just closed fails before any answer arrives; a GET can
    // safely go again on a fresh connection, anything else reports the failure.
    const bool safeToRepeat = request.method == "GET" || request.method == "HEAD";
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool reused = false;
        auto session = take(reused);
        if (!session) {
            core::logWarn("upstream saturated",
                          {{"upstream", m_options.name}, {"request_id", request.requestId}});
            return failure(ErrorCode::UpstreamUnavailable,
                           m_options.name + " is overloaded, try again", request.requestId);
        }
        try {
            http::Response response = exchange(*session, request);
            if (session->getKeepAlive()) {
                giveBack(std::move(session));
            } else {
                discard(std::move(session));
            }
            return response;
        } catch (const Poco::TimeoutException&) {
            discard(std::move(session));
            core::logWarn("upstream timed out",
                          {{"upstream", m_options.name}, {"request_id", request.requestId}});
            return failure(ErrorCode::UpstreamTimeout, m_options.name + " did not answer in time",
                           request.requestId);
        } catch (const Poco::Exception& error) {
            discard(std::move(session));
            if (reused && safeToRepeat) {
                continue;
            }
            core::logWarn("upstream unavailable", {{"upstream", m_options.name},
                                                   {"request_id", request.requestId},
                                                   {"error", error.displayText()}});
            return failure(ErrorCode::UpstreamUnavailable, m_options.name + " is unavailable",
                           request.requestId);
        } catch (const std::exception& error) {
            discard(std::move(session));
            core::logWarn("upstream failed", {{"upstream", m_options.name},
                                              {"request_id", request.requestId},
                                              {"error", error.what()}});
            return failure(ErrorCode::UpstreamUnavailable, m_options.name + " is unavailable",
                           request.requestId);
        }
    }
    return failure(ErrorCode::UpstreamUnavailable, m_options.name + " is unavailable",
                   request.requestId);
}

std::optional<std::pair<int, std::string>> Upstream::probe(const std::string& path,
                                                           std::chrono::milliseconds timeout) {
    try {
        Poco::Net::HTTPClientSession session(m_options.host, m_options.port);
        session.setTimeout(span(timeout), span(timeout), span(timeout));
        Poco::Net::HTTPRequest out(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(out);
        Poco::Net::HTTPResponse in;
        std::istream& stream = session.receiveResponse(in);
        std::string body;
        Poco::StreamCopier::copyToString(stream, body);
        return std::make_pair(static_cast<int>(in.getStatus()), std::move(body));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace shop::gateway
