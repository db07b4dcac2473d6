#pragma once
// Connections between requests, watched by one thread with epoll. Internal to shop_http.

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "guarded_socket.hpp"
#include "shop/http/request_head.hpp"

namespace shop::http::detail {

/// Holds every connection that is waiting for its next request head (a new one, or a kept-alive
/// one between requests) on one thread, so that an idle or slow client costs a file descriptor
/// and a buffer, never a worker thread. Bytes that arrive are added to the socket's pending()
/// bytes and checked with parseRequestHead; once a head is complete or refused, or a head begun
/// is not finished by its deadline, the connection is handed to `ready` (the workers), which
/// answers it. A connection that closes, or stays silent past its deadline, is dropped.
class IdleConnections final {
  public:
    /// Called on the loop's thread, with the deadline of the head at hand.
    using Ready = std::function<void(Poco::Net::StreamSocket, Clock::time_point)>;

    IdleConnections(HeadLimits limits, std::size_t ceiling, std::chrono::milliseconds headerTimeout,
                    Ready ready);
    ~IdleConnections();
    IdleConnections(const IdleConnections&) = delete;
    IdleConnections& operator=(const IdleConnections&) = delete;

    void start();
    /// Stops watching and closes every idle connection; later add() calls close theirs.
    void stop();

    /// Watches `socket` (a GuardedSocketImpl's) until its next head. `fresh`: no request yet, so
    /// `deadline` (the accept's header deadline) also bounds the head; otherwise `deadline` is
    /// the keep-alive limit, and the head gets the header timeout from its first byte.
    void add(Poco::Net::StreamSocket socket, Clock::time_point deadline, bool fresh);

  private:
    struct Entry {
        Poco::Net::StreamSocket socket;
        GuardedSocketImpl* guarded = nullptr;
        Clock::time_point deadline;
        bool fresh = false;
        bool begun = false;  ///< bytes of a head have arrived
    };

    void run();
    /// Reads what `entry` has to give; true when it is to be handed on or dropped (`handOn`).
    bool receive(int fd, Entry& entry, bool& handOn);
    void remove(int fd);

    const HeadLimits m_limits;
    const std::size_t m_ceiling;
    const std::chrono::milliseconds m_headerTimeout;
    const Ready m_ready;
    int m_epoll = -1;
    int m_wake = -1;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
    mutable std::mutex m_mutex;  ///< guards m_entries and m_stopped
    std::unordered_map<int, Entry> m_entries;
    bool m_stopped = false;
};

}  // namespace shop::http::detail
