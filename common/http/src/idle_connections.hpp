#pragma once
// Connections between requests, watched with epoll by the threads that serve them. Internal to
// shop_http.

#include <Poco/Net/StreamSocket.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "guarded_socket.hpp"
#include "shop/http/request_head.hpp"

namespace shop::http::detail {

/// Holds every connection that is waiting for its next request head (a new one, or a kept-alive
/// one between requests), so that an idle or slow client costs a file descriptor and a buffer,
/// never a thread. The server's threads all wait on one epoll set (each connection armed for
/// one event at a time): the thread the kernel wakes for a connection reads what arrived onto
/// the socket's pending() bytes and checks it with parseRequestHead; once a head is complete or
/// refused, or a head begun is not finished by its deadline, that same thread serves it
/// (`ready`), with no hand-off to another thread. A connection that closes, or stays silent past
/// its deadline, is dropped; a timer set for the earliest deadline wakes one thread for that,
/// so an idle server's threads sleep until a deadline or a byte comes. Threads start as they are
/// needed (none left waiting), up to a maximum.
class IdleConnections final {
  public:
    /// Serves a connection whose head is at hand (the deadline of that head given), on the
    /// thread that found it; it may add() the connection back when done.
    using Ready = std::function<void(Poco::Net::StreamSocket, Clock::time_point)>;

    IdleConnections(HeadLimits limits, std::size_t ceiling, std::chrono::milliseconds headerTimeout,
                    int maxThreads, Ready ready);
    ~IdleConnections();
    IdleConnections(const IdleConnections&) = delete;
    IdleConnections& operator=(const IdleConnections&) = delete;

    void start();
    /// Stops watching and closes every idle connection; later add() calls close theirs. Threads
    /// in the middle of serving a request finish it: join() waits for them.
    void stop();
    /// After stop(): waits for every thread.
    void join();

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
    using ReadyList = std::vector<std::pair<Poco::Net::StreamSocket, Clock::time_point>>;
    /// The watched connections, split by descriptor so that threads taking and adding
    /// connections at once seldom wait for one another's lock.
    struct Shard {
        std::mutex mutex;
        std::unordered_map<int, Entry> entries;
    };
    static constexpr std::size_t kShards = 16;
    Shard& shardOf(int fd) { return m_shards[static_cast<std::size_t>(fd) % kShards]; }

    void run();
    /// Takes the connection of an event out of the watched set and reads what it has: into
    /// `ready` when its head is at hand; watched again when more is to come; else dropped.
    void take(int fd, ReadyList& ready);
    /// Reads what `entry` has to give; true when it is to be handed on or dropped (`handOn`).
    bool receive(int fd, Entry& entry, bool& handOn);
    /// When the timer fires, on the one thread it woke: drops the connections past their
    /// deadline, puts into `ready` those whose head had begun (to be answered 408), and sets the
    /// timer for the earliest deadline left (at least kSweepEvery away).
    void sweep(ReadyList& ready);
    /// Makes the timer fire by `at`: moves it earlier when it is set later, or not at all.
    void armSweep(Clock::time_point at);
    /// Starts another thread if none is left waiting, below the maximum.
    void growIfNeeded();

    const HeadLimits m_limits;
    const std::size_t m_ceiling;
    const std::chrono::milliseconds m_headerTimeout;
    const std::size_t m_maxThreads;
    const Ready m_ready;
    int m_epoll = -1;
    int m_wake = -1;
    int m_timer = -1;         ///< a timerfd, set for the earliest deadline in the set (see sweep())
    std::mutex m_timerMutex;  ///< guards m_sweepAt and the timer's setting
    Clock::time_point m_sweepAt = Clock::time_point::max();  ///< when the timer fires; max: never
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_waiting{0};  ///< threads in epoll_wait
    std::mutex m_threadsMutex;      ///< guards m_threads
    std::vector<std::thread> m_threads;
    std::array<Shard, kShards> m_shards;
    /// Set before stop() empties the shards; read under a shard's lock, so nothing is added to
    /// a shard after stop() emptied it.
    std::atomic<bool> m_stopped{false};
};

}  // namespace shop::http::detail
