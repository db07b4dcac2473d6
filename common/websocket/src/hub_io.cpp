#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "hub_connection.hpp"
#include "shop/core/log.hpp"
#include "shop/websocket/frame.hpp"
#include "shop/websocket/hub.hpp"

// The hub's I/O thread: epoll wake-ups, non-blocking reads and writes, control frames, timers.
namespace shop::websocket {
namespace {

constexpr auto kTimerTick = std::chrono::milliseconds(500);
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr int kReadRoundsPerWakeup = 4;  // a chatty client cannot starve the others
// A write buffer that grew in a burst is given back rather than kept per socket.
constexpr std::size_t kKeptBufferCapacity = 64 * 1024;

}  // namespace

using detail::kWakeToken;
using detail::millisSince;

void Hub::run() {
    std::vector<epoll_event> events(512);
    std::vector<Connection*> ready;
    auto nextTimers = Clock::now() + kTimerTick;
    while (m_running) {
        const int count = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                                       static_cast<int>(kTimerTick.count()));
        if (count < 0 && errno != EINTR) {
            core::logError("ws hub epoll_wait failed",
                           {{"error", std::generic_category().message(errno)}});
            break;
        }
        for (int i = 0; i < count; ++i) {
            const epoll_event& event = events[static_cast<std::size_t>(i)];
            if (event.data.u64 == kWakeToken) {
                std::uint64_t drained = 0;
                [[maybe_unused]] auto read = ::read(m_wakeFd, &drained, sizeof drained);
                continue;
            }
            Connection* connection = find(event.data.u64);
            if (connection == nullptr) {
                continue;  // closed earlier in this round
            }
            if ((event.events & EPOLLERR) != 0) {
                destroy(*connection, "socket error");
                continue;
            }
            if ((event.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) != 0) {
                onReadable(*connection);
                connection = find(event.data.u64);
            }
            if (connection != nullptr && (event.events & EPOLLOUT) != 0) {
                flush(*connection);
            }
        }
        takeQueued(ready);
        for (Connection* connection : ready) {
            flush(*connection);
        }
        const auto now = Clock::now();
        if (now >= nextTimers) {
            checkTimers(now);
            nextTimers = now + kTimerTick;
        }
    }
}

void Hub::takeQueued(std::vector<Connection*>& ready) {
    ready.clear();
    std::vector<Connection*> dropped;
    {
        std::lock_guard lock(m_mutex);
        for (ConnectionId id : m_dirty) {
            auto it = m_connections.find(id);
            if (it == m_connections.end()) {
                continue;
            }
            Connection& connection = *it->second;
            connection.inDirty = false;
            if (connection.dropRequested) {
                dropped.push_back(&connection);
                continue;
            }
            for (const auto& frame : connection.queue) {
                connection.out += *frame;
                ++connection.frames;
            }
            connection.queue.clear();
            connection.queuedBytes = 0;
            if (connection.closeRequested && !connection.closeSent) {
                connection.out += encodeClose(connection.closeCode, connection.closeReason);
                connection.closeSent = true;
                connection.closeDeadline = Clock::now() + m_options.closeTimeout;
            }
            connection.unsent = connection.out.size() - connection.outOffset;
            ready.push_back(&connection);
        }
        m_dirty.clear();
    }
    for (Connection* connection : dropped) {
        ++m_stats.droppedSlow;
        destroy(*connection, "slow reader: send queue full");
    }
}

void Hub::onReadable(Connection& connection) {
    char buffer[kReadChunk];
    bool gotData = false;
    for (int round = 0; round < kReadRoundsPerWakeup; ++round) {
        const ssize_t n = ::recv(connection.fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            gotData = true;
            connection.decoder.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
            if (static_cast<std::size_t>(n) < sizeof buffer) {
                break;
            }
            continue;
        }
        if (n == 0) {
            destroy(connection, connection.closeSent ? "closed" : "connection dropped by client");
            return;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        }
        destroy(connection, "read failed");
        return;
    }
    if (!gotData) {
        return;
    }
    connection.lastHeard = Clock::now();
    connection.pingOutstanding = false;  // any sign of life counts as an answer
    Frame frame;
    while (true) {
        const auto status = connection.decoder.next(frame);
        if (status == FrameDecoder::Status::NeedMore) {
            break;
        }
        if (status == FrameDecoder::Status::Error) {
            if (!connection.closeSent) {
                queueClose(connection, connection.decoder.errorCode(),
                           connection.decoder.errorReason());
            }
            connection.peerClosed = true;  // nothing more will be read; close once flushed
            break;
        }
        if (frame.opcode == Opcode::Ping && !connection.closeSent) {
            connection.out += encodeFrame(Opcode::Pong, frame.payload);
        } else if (frame.opcode == Opcode::Close) {
            if (connection.closeSent) {
                destroy(connection, "closed");  // the answer to our close frame
                return;
            }
            const std::uint16_t code = closeCodeOf(frame.payload);
            queueClose(connection, code == 1005 ? kCloseNormal : code, "");
            connection.peerClosed = true;
            break;
        }
        // Pongs, text and binary messages need no answer.
    }
    if (connection.outOffset < connection.out.size() || connection.peerClosed) {
        flush(connection);
    }
}

void Hub::queueClose(Connection& connection, std::uint16_t code, std::string_view reason) {
    {
        std::lock_guard lock(m_mutex);
        connection.closing = true;
    }
    connection.out += encodeClose(code, reason);
    connection.closeSent = true;
    connection.closeDeadline = Clock::now() + m_options.closeTimeout;
}

bool Hub::flush(Connection& connection) {
    while (connection.outOffset < connection.out.size()) {
        const ssize_t n =
            ::send(connection.fd, connection.out.data() + connection.outOffset,
                   connection.out.size() - connection.outOffset, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            connection.outOffset += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!connection.wantWrite) {
                epoll_event event{};
                event.events = detail::readEvents() | EPOLLOUT;
                event.data.u64 = connection.id;
                ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, connection.fd, &event);
                connection.wantWrite = true;
            }
            connection.unsent = connection.out.size() - connection.outOffset;
            return true;
        }
        destroy(connection, "write failed");
        return false;
    }
    connection.out.clear();
    if (connection.out.capacity() > kKeptBufferCapacity) {
        connection.out.shrink_to_fit();
    }
    connection.outOffset = 0;
    connection.unsent = 0;
    if (connection.wantWrite) {
        epoll_event event{};
        event.events = detail::readEvents();
        event.data.u64 = connection.id;
        ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, connection.fd, &event);
        connection.wantWrite = false;
    }
    if (connection.closeSent && connection.peerClosed) {
        destroy(connection, "closed by client");
        return false;
    }
    return true;
}

void Hub::checkTimers(Clock::time_point now) {
    std::vector<Connection*> all;
    {
        std::lock_guard lock(m_mutex);
        all.reserve(m_connections.size());
        for (auto& [id, connection] : m_connections) {
            all.push_back(connection.get());
        }
    }
    for (Connection* connection : all) {
        if (connection->closeSent) {
            if (now >= connection->closeDeadline) {
                destroy(*connection, "closed (no close frame from the client in time)");
            }
        } else if (connection->pingOutstanding) {
            if (now - connection->pingSentAt >= m_options.pongTimeout) {
                ++m_stats.reapedDead;
                destroy(*connection, "dead: no answer to ping");
            }
        } else if (now - connection->lastHeard >= m_options.pingInterval) {
            connection->out += encodeFrame(Opcode::Ping, "");
            connection->pingOutstanding = true;
            connection->pingSentAt = now;
            ++m_stats.pings;
            flush(*connection);
        }
    }
}

void Hub::destroy(Connection& connection, std::string_view reason) {
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, connection.fd, nullptr);
    try {
        connection.socket.close();
    } catch (...) {
    }
    std::unique_ptr<Connection> owned;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_connections.find(connection.id);
        if (it == m_connections.end()) {
            return;
        }
        owned = std::move(it->second);
        m_connections.erase(it);
    }
    --m_stats.open;
    ++m_stats.closed;
    core::logInfo("ws closed", {{"conn", std::to_string(owned->id)},
                                {"path", owned->peer.path},
                                {"request_id", owned->peer.requestId},
                                {"reason", reason},
                                {"frames", std::to_string(owned->frames)},
                                {"ms", millisSince(owned->openedAt)}});
    if (owned->onClosed) {
        owned->onClosed(owned->id);
    }
}

}  // namespace shop::websocket
