#pragma once

#include <amqp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "shop/amqp/error.hpp"
#include "shop/amqp/url.hpp"

namespace shop::amqp {

/// Tunables of a Connection; the defaults suit the services.
struct ConnectionOptions {
    /// TCP connect and login handshake limit (host name resolution is not bounded by it).
    std::chrono::milliseconds connectTimeout{5000};
    /// Negotiated heartbeat (the broker may lower it). See Connection about when it is served.
    std::chrono::seconds heartbeat{30};
    /// Limit on each synchronous broker call (declare, bind, qos, get, ...). When it passes the
    /// connection is closed and ConnectionError is thrown.
    std::chrono::milliseconds rpcTimeout{30000};
    /// Shown in the broker's connection list (client property `connection_name`); optional.
    std::string connectionName;
};

/// One AMQP connection with one channel (channel 1), logged in with PLAIN.
///
/// Not thread-safe: give each worker thread its own Connection, and use one Connection either
/// for publishing (a Publisher puts the channel in confirm mode) or for consuming, not both.
///
/// Heartbeats: rabbitmq-c sends and checks heartbeats only while the thread is inside a library
/// call (publish, waiting for confirms, Consumer::next, a declare, ...); there is no background
/// thread. Waiting inside Consumer::next for any length of time is fine, but keep the time spent
/// outside the library between two calls (e.g. handling a delivery, a slow database transaction,
/// an idle publisher) well under the heartbeat: after about two missed heartbeats the broker
/// closes the connection, which shows up as ConnectionError on the next call. An idle relay can
/// simply reconnect when that happens.
///
/// Failure model: every failure throws ConnectionError and leaves the Connection closed
/// (isOpen() is false), including a channel closed by the broker (e.g. 404 on an unknown
/// exchange, 406 PRECONDITION_FAILED). Recover by destroying it and opening a new one, e.g.
/// held in a std::optional<Connection> (the type is neither copyable nor movable, because
/// Publisher and Consumer keep references to it).
class Connection final {
  public:
    static constexpr amqp_channel_t kChannel = 1;

    /// Connects, logs in, opens channel 1. Throws ConnectionError (nothing leaks).
    explicit Connection(const Url& url, ConnectionOptions options = {});
    /// Parses `url` first (std::invalid_argument when malformed), then connects.
    explicit Connection(std::string_view url, ConnectionOptions options = {});

    /// Closes the channel and the connection cleanly if they are still open; never throws.
    ~Connection();

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&&) = delete;
    Connection& operator=(Connection&&) = delete;

    /// True while the socket and channel 1 are usable.
    bool isOpen() const noexcept { return m_socketOpen && m_channelOpen; }

    /// Closes cleanly now (idempotent, never throws); afterwards isOpen() is false.
    void close() noexcept;

    /// The one call that may come from another thread: makes the owner's wait for frames (e.g.
    /// Consumer::next) end at once with ConnectionError, by shutting the socket for reading.
    /// What the owner sends meanwhile (an ack) still leaves, and close() still sends
    /// connection.close (best effort: it cannot read the answer). For stopping a thread that waits
    /// for deliveries without a timeout, from a std::stop_callback. Never throws.
    void stopReading() noexcept;

    /// Sends one heartbeat frame, so that the broker keeps a connection whose thread is busy
    /// outside the library (e.g. waiting for the database) for longer than the heartbeat. Reads
    /// nothing. Throws ConnectionError when it cannot be sent.
    void sendHeartbeat();

    /// The rabbitmq-c connection, for calls this library does not wrap. Null after close().
    amqp_connection_state_t raw() const noexcept { return m_state; }

    /// The URL this connection was opened with, password masked.
    const std::string& url() const noexcept { return m_maskedUrl; }

    // Helpers for code that drives raw() directly. Each throws ConnectionError naming `what`
    // and leaves the connection closed; a channel.close or connection.close from the broker is
    // answered with close-ok first so the broker sees a clean protocol exchange.

    /// Throws unless isOpen().
    void ensureOpen(std::string_view what) const;
    /// Throws unless `reply` (an RPC result) is AMQP_RESPONSE_NORMAL.
    void checkReply(const amqp_rpc_reply_t& reply, std::string_view what);
    /// checkReply(amqp_get_rpc_reply(raw())), for the amqp_*_declare style calls.
    void checkLastReply(std::string_view what);
    /// Throws when `status` (a rabbitmq-c status code) is negative.
    void checkStatus(int status, std::string_view what);
    /// For a frame read outside an RPC: throws on channel.close / connection.close, returns for
    /// anything else (the caller decides whether to ignore it).
    void handleAsyncFrame(const amqp_frame_t& frame, std::string_view what);
    /// Marks the connection broken and throws ConnectionError(`what`: `reason`).
    [[noreturn]] void fail(std::string_view what, std::string_view reason, int replyCode = 0);

  private:
    friend class Publisher;
    friend class Consumer;

    [[noreturn]] void handleServerClose(const amqp_method_t& method, std::string_view what);
    void open(const Url& url);

    ConnectionOptions m_options;
    amqp_connection_state_t m_state = nullptr;
    std::string m_maskedUrl;
    bool m_socketOpen = false;
    bool m_channelOpen = false;
    std::mutex m_destroyMutex;  ///< stopReading() against close() closing m_stopFd
    int m_stopFd = -1;          ///< the socket, as a descriptor of stopReading()'s own
    std::atomic<bool> m_readingStopped{false};
    // Publisher confirms are per channel: the channel numbers published messages 1, 2, ...
    // from confirm.select on, so the counter lives here rather than in a Publisher.
    bool m_confirmMode = false;
    std::uint64_t m_lastPublishTag = 0;
};

}  // namespace shop::amqp
