#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace Poco::Net {
class StreamSocket;
}

namespace shop::websocket {

/// Limits and timers of a Hub; the defaults suit the gateway.
struct HubOptions {
    /// Sockets held at once; adopt() refuses more.
    std::size_t maxConnections = 10000;
    /// Bytes that may wait to be written to one socket. A reader that falls this far behind is
    /// dropped (closed) instead of slowing everyone else or growing memory.
    std::size_t maxQueuedBytes = 256 * 1024;
    /// A socket nothing was heard from for this long gets a ping...
    std::chrono::milliseconds pingInterval{25000};
    /// ...and is closed as dead when nothing (no pong) comes back within this.
    std::chrono::milliseconds pongTimeout{10000};
    /// After the server sends a close frame, how long it waits for the client's.
    std::chrono::milliseconds closeTimeout{2000};
    /// Largest frame accepted from a client (clients only send control frames here).
    std::size_t maxIncomingFrame = 16 * 1024;
};

/// Counters of a Hub (for metrics). Monotonic except `open`.
struct HubStats {
    std::atomic<std::uint64_t> open{0};
    std::atomic<std::uint64_t> opened{0};
    std::atomic<std::uint64_t> closed{0};
    std::atomic<std::uint64_t> refused{0};      ///< adopt() over maxConnections
    std::atomic<std::uint64_t> textFrames{0};   ///< messages queued to a socket
    std::atomic<std::uint64_t> droppedSlow{0};  ///< closed because their send queue overflowed
    std::atomic<std::uint64_t> reapedDead{0};   ///< closed because a ping went unanswered
    std::atomic<std::uint64_t> pings{0};
};

/// Serves any number of server-side WebSocket connections on one thread (epoll), after the
/// HTTP handshake is done elsewhere. It owns the sockets it adopts: writes queued messages
/// without ever blocking (each socket has a bounded send queue; overflowing it closes that
/// socket only), answers pings and close frames, pings idle sockets and closes those that stop
/// answering, and closes everything with 1001 on stop(). Messages from clients other than
/// control frames are read and ignored.
///
/// Thread-safe: adopt(), send() and close() may be called from any thread. Callbacks run on the
/// hub's thread, never under its lock. One log line per connection opened and closed.
class Hub final {
  public:
    using ConnectionId = std::uint64_t;
    /// Called once when a connection is gone, whatever the reason.
    using ClosedCallback = std::function<void(ConnectionId)>;
    /// A frame encoded once and shared by every socket it is sent to.
    using SharedFrame = std::shared_ptr<const std::string>;

    explicit Hub(HubOptions options = {});
    ~Hub();
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    /// Starts the I/O thread. Throws std::system_error when epoll cannot be set up.
    void start();
    /// Sends every connection a close frame (1001), closes them and stops the thread.
    void stop();

    /// What the connection's two log lines say about it.
    struct Peer {
        std::string path;       ///< the request target of the upgrade
        std::string requestId;  ///< the upgrade request's X-Request-Id
        std::string address;    ///< the client's IP address
    };

    /// A fresh id for a connection about to be adopted, so that what will be sent to it can be
    /// arranged before the handshake completes.
    ConnectionId reserveId() noexcept { return m_nextId.fetch_add(1); }

    /// Takes over `socket`, on which the WebSocket handshake has completed, under `id` (from
    /// reserveId()) or a new id. Returns nullopt when the hub is full or stopped; the socket is
    /// then closed with 1013 (try again later).
    std::optional<ConnectionId> adopt(const Poco::Net::StreamSocket& socket, Peer peer,
                                      ClosedCallback onClosed = {},
                                      std::optional<ConnectionId> id = std::nullopt);

    /// An encoded text frame to pass to send().
    static SharedFrame textFrame(std::string_view text);

    /// Queues one frame for `id`. Returns false when the connection is gone, closing, or has
    /// just been dropped because its queue would overflow.
    bool send(ConnectionId id, const SharedFrame& frame);
    /// send(id, textFrame(text)).
    bool sendText(ConnectionId id, std::string_view text);

    /// Writes what is queued, then a close frame with `code` and `reason`, then closes.
    void close(ConnectionId id, std::uint16_t code, std::string_view reason);

    /// True while `id` is adopted and not yet closed.
    bool isOpen(ConnectionId id) const;
    std::size_t connections() const;
    const HubStats& stats() const noexcept { return m_stats; }
    const HubOptions& options() const noexcept { return m_options; }

  private:
    struct Connection;
    using Clock = std::chrono::steady_clock;

    void run();
    void wake();
    void takeQueued(std::vector<Connection*>& ready);
    void onReadable(Connection& connection);
    bool flush(Connection& connection);
    void checkTimers(Clock::time_point now);
    void queueClose(Connection& connection, std::uint16_t code, std::string_view reason);
    void destroy(Connection& connection, std::string_view reason);
    Connection* find(ConnectionId id);

    HubOptions m_options;
    HubStats m_stats;
    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_running{false};
    std::thread m_thread;

    mutable std::mutex m_mutex;
    std::unordered_map<ConnectionId, std::unique_ptr<Connection>> m_connections;
    std::vector<ConnectionId> m_dirty;  // connections with queued frames or a close request
    std::atomic<ConnectionId> m_nextId{1};
    bool m_accepting = false;
};

}  // namespace shop::websocket
