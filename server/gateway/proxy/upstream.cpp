#include "proxy/upstream.hpp"

#include <Poco/URI.h>

#include <stdexcept>

#include "shop/auth/internal_secret.hpp"
#include "shop/core/errors.hpp"
#include "shop/core/log.hpp"

namespace shop::gateway {
namespace {

using core::ErrorCode;

/// End-to-end request headers worth passing on (as the server lowercased them, and as they are
/// sent on); hop-by-hop ones stay here.
constexpr std::pair<std::string_view, std::string_view> kForwardedRequestHeaders[] = {
    {"content-type", "Content-Type"},
    {"idempotency-key", "Idempotency-Key"},
    {"accept", "Accept"},
    {"traceparent", "traceparent"}};
constexpr std::string_view kForwardedResponseHeaders[] = {"Idempotent-Replayed", "Retry-After",
                                                          "Location"};

http::Response failure(ErrorCode code, const std::string& message, const std::string& requestId) {
    http::Response response;
    response.status = core::httpStatus(code);
    response.body = core::errorEnvelope(code, message, requestId);
    return response;
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

std::unique_ptr<UpstreamConnection> Upstream::take(bool& reused) {
    std::unique_lock lock(m_mutex);
    const auto deadline = std::chrono::steady_clock::now() + m_options.timeout;
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        pruneLocked(now);
        if (!m_idle.empty()) {
            Idle idle = std::move(m_idle.back());
            m_idle.pop_back();
            lock.unlock();
            if (now - idle.since < m_options.staleCheckAfter || !idle.connection->closedByPeer()) {
                reused = true;
                return std::move(idle.connection);
            }
            // Closed while it waited (the upstream restarted): a request sent on it would fail,
            // and one that is not a GET could not safely go again.
            discard(std::move(idle.connection));
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
    try {
        return UpstreamConnection::open(m_options.host, m_options.port, m_options.connectTimeout,
                                        m_options.timeout);
    } catch (...) {
        discard(nullptr);  // frees the slot taken above
        throw;
    }
}

void Upstream::giveBack(std::unique_ptr<UpstreamConnection> connection) {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    pruneLocked(now);
    m_idle.push_back(Idle{std::move(connection), now});
    m_released.notify_one();
}

void Upstream::discard(std::unique_ptr<UpstreamConnection> connection) {
    connection.reset();
    std::lock_guard lock(m_mutex);
    --m_open;
    m_released.notify_one();
}

std::string Upstream::serialize(const http::Request& request) const {
    std::string out;
    out.reserve(256 + request.target.size() + request.body.size());
    auto field = [&out](std::string_view name, std::string_view value) {
        out.append(name).append(": ").append(value).append("\r\n");
    };
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
    out.append("Host: ").append(m_options.host).append(":");
    out.append(std::to_string(m_options.port)).append("\r\n");
    for (const auto& [lowerName, name] : kForwardedRequestHeaders) {
        if (auto value = request.header(lowerName)) {
            field(name, *value);
        }
    }
    field("X-Request-Id", request.requestId);
    field("X-Forwarded-For", request.clientAddress);
    field(auth::kInternalSecretHeader, m_options.internalSecret);
    if (!request.body.empty() || request.method == "POST") {
        field("Content-Length", std::to_string(request.body.size()));
    }
    out.append("\r\n").append(request.body);
    return out;
}

http::Response Upstream::forward(const http::Request& request) {
    // A pooled connection the upstream has just closed fails before any answer arrives; a GET can
    // safely go again on a fresh connection, anything else reports the failure.
    const bool safeToRepeat = request.method == "GET" || request.method == "HEAD";
    const std::string message = serialize(request);
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool reused = false;
        std::unique_ptr<UpstreamConnection> connection;
        try {
            connection = take(reused);
        } catch (const UpstreamError& error) {
            return unreachable(error, request);
        }
        if (!connection) {
            core::logWarn("upstream saturated",
                          {{"upstream", m_options.name}, {"request_id", request.requestId}});
            return failure(ErrorCode::UpstreamUnavailable,
                           m_options.name + " is overloaded, try again", request.requestId);
        }
        try {
            UpstreamAnswer answer = connection->exchange(message, request.method == "HEAD");
            if (connection->reusable()) {
                giveBack(std::move(connection));
            } else {
                discard(std::move(connection));
            }
            http::Response response;
            response.status = answer.status;
            response.contentType = std::move(answer.contentType);
            response.body = std::move(answer.body);
            for (auto name : kForwardedResponseHeaders) {
                if (const std::string* value = answer.header(name)) {
                    response.headers.emplace_back(std::string(name), *value);
                }
            }
            return response;
        } catch (const UpstreamError& error) {
            discard(std::move(connection));
            if (error.kind() != UpstreamError::Kind::Timeout && reused && safeToRepeat) {
                continue;
            }
            return unreachable(error, request);
        } catch (...) {
            discard(std::move(connection));  // its slot, whatever went wrong (out of memory)
            throw;
        }
    }
    return failure(ErrorCode::UpstreamUnavailable, m_options.name + " is unavailable",
                   request.requestId);
}

http::Response Upstream::unreachable(const UpstreamError& error,
                                     const http::Request& request) const {
    if (error.kind() == UpstreamError::Kind::Timeout) {
        core::logWarn("upstream timed out", {{"upstream", m_options.name},
                                             {"request_id", request.requestId},
                                             {"error", error.what()}});
        return failure(ErrorCode::UpstreamTimeout, m_options.name + " did not answer in time",
                       request.requestId);
    }
    core::logWarn(
        "upstream unavailable",
        {{"upstream", m_options.name}, {"request_id", request.requestId}, {"error", error.what()}});
    return failure(ErrorCode::UpstreamUnavailable, m_options.name + " is unavailable",
                   request.requestId);
}

std::optional<std::pair<int, std::string>> Upstream::probe(const std::string& path,
                                                           std::chrono::milliseconds timeout) {
    try {
        auto connection =
            UpstreamConnection::open(m_options.host, m_options.port, timeout, timeout);
        const std::string message = "GET " + path + " HTTP/1.1\r\nHost: " + m_options.host + ":" +
                                    std::to_string(m_options.port) +
                                    "\r\nConnection: close\r\n\r\n";
        UpstreamAnswer answer = connection->exchange(message, false);
        return std::make_pair(answer.status, std::move(answer.body));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace shop::gateway
