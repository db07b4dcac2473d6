#include <Poco/Net/StreamSocket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "hub_connection.hpp"
#include "shop/core/log.hpp"
#include "shop/websocket/frame.hpp"
#include "shop/websocket/hub.hpp"

// The hub's life cycle and the API other threads call; the I/O thread is in hub_io.cpp.
namespace shop::websocket {

using detail::kWakeToken;
using detail::millisSince;

namespace detail {

std::uint32_t readEvents() {
    return EPOLLIN | EPOLLRDHUP;
}

std::string millisSince(std::chrono::steady_clock::time_point start) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - start)
                              .count());
}

}  // namespace detail

Hub::Hub(HubOptions options) : m_options(options) {}

Hub::~Hub() {
    stop();
    // Closed only here, not in stop(): send() and close() may still call wake() from other
    // threads after stop(), and must never write into a descriptor number reused meanwhile.
    if (m_wakeFd >= 0) {
        ::close(m_wakeFd);
    }
    if (m_epoll >= 0) {
        ::close(m_epoll);
    }
}

void Hub::start() {
    if (m_running) {
        return;
    }
    if (m_epoll < 0) {
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll < 0) {
            throw std::system_error(errno, std::generic_category(), "epoll_create1");
        }
    }
    if (m_wakeFd < 0) {
        m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (m_wakeFd < 0) {
            throw std::system_error(errno, std::generic_category(), "eventfd");
        }
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = kWakeToken;
        if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0) {
            throw std::system_error(errno, std::generic_category(), "epoll_ctl");
        }
    }
    {
        std::lock_guard lock(m_mutex);
        m_accepting = true;
    }
    m_running = true;
    m_thread = std::thread([this] { run(); });
}

void Hub::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_accepting = false;
    }
    if (m_thread.joinable()) {
        m_running = false;
        wake();
        m_thread.join();
    }
    std::unordered_map<ConnectionId, std::unique_ptr<Connection>> remaining;
    {
        std::lock_guard lock(m_mutex);
        remaining.swap(m_connections);
        m_dirty.clear();
    }
    for (auto& [id, connection] : remaining) {
        // One best-effort, non-blocking attempt: what is queued, then "going away".
        std::string last = connection->out.substr(connection->outOffset);
        for (const auto& frame : connection->queue) {
            last += *frame;
        }
        if (!connection->closeSent) {
            last += encodeClose(kCloseGoingAway, "server shutting down");
        }
        [[maybe_unused]] auto sent =
            ::send(connection->fd, last.data(), last.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        try {
            connection->socket.close();
        } catch (...) {
        }
        --m_stats.open;
        ++m_stats.closed;
        core::logInfo("ws closed", {{"conn", std::to_string(id)},
                                    {"path", connection->peer.path},
                                    {"request_id", connection->peer.requestId},
                                    {"reason", "server shutting down"},
                                    {"frames", std::to_string(connection->frames)},
                                    {"ms", millisSince(connection->openedAt)}});
        if (connection->onClosed) {
            connection->onClosed(id);
        }
    }
}

std::optional<Hub::ConnectionId> Hub::adopt(const Poco::Net::StreamSocket& socket, Peer peer,
                                            ClosedCallback onClosed,
                                            std::optional<ConnectionId> reserved) {
    auto connection = std::make_unique<Connection>(socket, m_options.maxIncomingFrame);
    connection->fd = static_cast<int>(connection->socket.impl()->sockfd());
    connection->peer = std::move(peer);
    connection->onClosed = std::move(onClosed);
    try {
        connection->socket.setBlocking(false);
        connection->socket.setNoDelay(true);
    } catch (const std::exception&) {
        // A socket that died during the handshake; the first read will notice.
    }

    std::unique_lock lock(m_mutex);
    const bool accepting = m_accepting;  // read under the lock: stop() may be clearing it
    if (!accepting || m_connections.size() >= m_options.maxConnections) {
        lock.unlock();
        ++m_stats.refused;
        const std::string refusal = encodeClose(kCloseTryAgainLater, "too many connections");
        [[maybe_unused]] auto sent =
            ::send(connection->fd, refusal.data(), refusal.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        try {
            connection->socket.close();
        } catch (...) {
        }
        core::logWarn("ws refused", {{"path", connection->peer.path},
                                     {"request_id", connection->peer.requestId},
                                     {"reason", accepting ? "too many connections" : "stopped"}});
        return std::nullopt;
    }
    const ConnectionId id = reserved ? *reserved : reserveId();
    connection->id = id;
    epoll_event event{};
    event.events = detail::readEvents();
    event.data.u64 = id;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, connection->fd, &event) != 0) {
        lock.unlock();
        const int error = errno;
        try {
            connection->socket.close();
        } catch (...) {
        }
        core::logWarn("ws refused", {{"path", connection->peer.path},
                                     {"request_id", connection->peer.requestId},
                                     {"reason", std::generic_category().message(error)}});
        return std::nullopt;
    }
    const Peer& logged = connection->peer;
    core::logInfo("ws open", {{"conn", std::to_string(id)},
                              {"path", logged.path},
                              {"request_id", logged.requestId},
                              {"client", logged.address}});
    m_connections.emplace(id, std::move(connection));
    ++m_stats.open;
    ++m_stats.opened;
    return id;
}

Hub::SharedFrame Hub::textFrame(std::string_view text) {
    return std::make_shared<const std::string>(encodeFrame(Opcode::Text, text));
}

bool Hub::send(ConnectionId id, const SharedFrame& frame) {
    bool wakeUp = false;
    bool queued = false;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_connections.find(id);
        if (it == m_connections.end() || it->second->closing) {
            return false;
        }
        Connection& connection = *it->second;
        if (connection.queuedBytes + connection.unsent.load() + frame->size() >
            m_options.maxQueuedBytes) {
            // Too far behind: drop this reader rather than buffer without bound.
            connection.closing = true;
            connection.dropRequested = true;
            connection.queue.clear();
            connection.queuedBytes = 0;
            wakeUp = true;
        } else {
            connection.queue.push_back(frame);
            connection.queuedBytes += frame->size();
            ++m_stats.textFrames;
            queued = true;
        }
        if (!connection.inDirty) {
            connection.inDirty = true;
            // One wake-up per batch: the I/O thread takes the whole dirty list at once.
            wakeUp = wakeUp || m_dirty.empty();
            m_dirty.push_back(id);
        }
    }
    if (wakeUp) {
        wake();
    }
    return queued;
}

bool Hub::sendText(ConnectionId id, std::string_view text) {
    return send(id, textFrame(text));
}

void Hub::close(ConnectionId id, std::uint16_t code, std::string_view reason) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_connections.find(id);
        if (it == m_connections.end() || it->second->closing) {
            return;
        }
        Connection& connection = *it->second;
        connection.closing = true;
        connection.closeRequested = true;
        connection.closeCode = code;
        connection.closeReason = std::string(reason);
        if (!connection.inDirty) {
            connection.inDirty = true;
            m_dirty.push_back(id);
        }
    }
    wake();
}

bool Hub::isOpen(ConnectionId id) const {
    std::lock_guard lock(m_mutex);
    return m_connections.contains(id);
}

std::size_t Hub::connections() const {
    std::lock_guard lock(m_mutex);
    return m_connections.size();
}

void Hub::wake() {
    if (m_wakeFd < 0) {
        return;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(m_wakeFd, &one, sizeof one);
}

Hub::Connection* Hub::find(ConnectionId id) {
    std::lock_guard lock(m_mutex);
    auto it = m_connections.find(id);
    return it == m_connections.end() ? nullptr : it->second.get();
}

}  // namespace shop::websocket
