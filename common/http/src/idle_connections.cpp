#include "idle_connections.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "shop/core/log.hpp"

namespace shop::http::detail {
namespace {

/// After a sweep, the next comes at least this much later: deadlines close together are checked
/// together, so a connection may be dropped up to this long past its own.
constexpr auto kSweepEvery = std::chrono::milliseconds(100);

/// A connection waits for one event at a time: the thread woken for it owns it until it is
/// watched again, so no two threads ever read one connection.
constexpr std::uint32_t kWatch = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;

}  // namespace

IdleConnections::IdleConnections(HeadLimits limits, std::size_t ceiling,
                                 std::chrono::milliseconds headerTimeout, int maxThreads,
                                 Ready ready)
    : m_limits(limits),
      m_ceiling(ceiling),
      m_headerTimeout(headerTimeout),
      m_maxThreads(static_cast<std::size_t>(std::max(maxThreads, 1))),
      m_ready(std::move(ready)) {}

IdleConnections::~IdleConnections() {
    stop();
    join();
    if (m_timer >= 0) {
        ::close(m_timer);
    }
    if (m_wake >= 0) {
        ::close(m_wake);
    }
    if (m_epoll >= 0) {
        ::close(m_epoll);
    }
}

void IdleConnections::start() {
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_timer = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (m_epoll < 0 || m_wake < 0 || m_timer < 0) {
        throw std::runtime_error("cannot create the idle connections' epoll");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wake;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
    // One thread at a time sweeps: the timer is watched again once its sweep is done.
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.fd = m_timer;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_timer, &event);
    std::lock_guard lock(m_threadsMutex);
    m_threads.emplace_back([this] { run(); });
}

void IdleConnections::stop() {
    if (m_stopping.exchange(true)) {
        return;
    }
    if (m_wake >= 0) {
        const std::uint64_t one = 1;
        (void)::write(m_wake, &one, sizeof one);  // never read: it stays ready for every thread
    }
    m_stopped.store(true);
    for (Shard& shard : m_shards) {
        std::unordered_map<int, Entry> closing;
        {
            std::lock_guard lock(shard.mutex);
            closing.swap(shard.entries);
        }
        for (auto& [fd, entry] : closing) {
            entry.guarded->doneWith();
        }
        // The sockets close as `closing` goes.
    }
}

void IdleConnections::join() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_threadsMutex);
        threads.swap(m_threads);
    }
    for (auto& thread : threads) {
        thread.join();
    }
}

void IdleConnections::add(Poco::Net::StreamSocket socket, Clock::time_point deadline, bool fresh) {
    auto* guarded = dynamic_cast<GuardedSocketImpl*>(socket.impl());
    const int fd = socket.impl()->sockfd();
    Shard& shard = shardOf(fd);
    std::lock_guard lock(shard.mutex);
    if (m_stopped.load() || guarded == nullptr) {
        return;  // closed as `socket` goes
    }
    Entry& entry = shard.entries[fd];
    entry = Entry{std::move(socket), guarded, deadline, fresh, !guarded->pending().empty()};
    epoll_event event{};
    event.events = kWatch;
    event.data.fd = fd;
    // A connection served before is still in the set, disarmed since its last event.
    int rc = ::epoll_ctl(m_epoll, fresh ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
    if (rc != 0 && !fresh && errno == ENOENT) {
        rc = ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    }
    if (rc != 0) {
        core::logWarn("idle connection not watched", {{"error", std::strerror(errno)}});
        entry.guarded->doneWith();
        shard.entries.erase(fd);
        return;
    }
    armSweep(deadline);
}

bool IdleConnections::receive(int fd, Entry& entry, bool& handOn) {
    std::string& pending = entry.guarded->pending();
    bool closed = false;
    char buffer[4096];
    while (pending.size() <= m_ceiling) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            pending.append(buffer, static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < sizeof buffer) {
                break;  // drained, most likely: a read more would only say EAGAIN (if not, the
                        // connection is watched again and its event comes back at once)
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        closed = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        break;
    }
    if (pending.empty()) {
        handOn = false;
        return closed;  // a silent close: drop it
    }
    if (!entry.begun) {
        entry.begun = true;
        if (!entry.fresh) {
            entry.deadline = Clock::now() + m_headerTimeout;  // a head's time starts now
        }
    }
    const HeadParse parse = parseRequestHead(pending, m_limits);
    // A complete or refused head is served; so is one the client stopped sending (closed) or
    // that outgrew every limit, to be answered.
    handOn = parse.state != HeadParse::State::Incomplete || pending.size() > m_ceiling;
    if (closed && !handOn) {
        return true;  // gone half-way through a head: nothing to answer
    }
    return handOn;
}

void IdleConnections::take(int fd, ReadyList& ready) {
    Shard& shard = shardOf(fd);
    Entry entry;
    {
        std::lock_guard lock(shard.mutex);
        const auto it = shard.entries.find(fd);
        if (it == shard.entries.end()) {
            return;  // dropped by a sweep or by stop() meanwhile
        }
        entry = std::move(it->second);
        shard.entries.erase(it);
    }
    // Out of the set, this thread alone reads it (the sweep cannot see it).
    bool handOn = false;
    if (receive(fd, entry, handOn)) {
        entry.guarded->doneWith();
        if (handOn) {
            ready.emplace_back(std::move(entry.socket), entry.deadline);
        }
        return;  // else it closes as `entry` goes (which also takes it out of the epoll set)
    }
    std::lock_guard lock(shard.mutex);
    if (m_stopped.load()) {
        entry.guarded->doneWith();
        return;
    }
    epoll_event event{};
    event.events = kWatch;
    event.data.fd = fd;
    GuardedSocketImpl* guarded = entry.guarded;
    const Clock::time_point deadline = entry.deadline;  // earlier, when a head has begun
    shard.entries[fd] = std::move(entry);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) != 0) {
        core::logWarn("idle connection not watched", {{"error", std::strerror(errno)}});
        guarded->doneWith();
        shard.entries.erase(fd);
        return;
    }
    armSweep(deadline);
}

void IdleConnections::armSweep(Clock::time_point at) {
    std::lock_guard lock(m_timerMutex);
    if (at >= m_sweepAt) {
        return;  // the common case, a kept-alive connection back: no system call
    }
    m_sweepAt = at;
    const auto ns = std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count(), 1);
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    // steady_clock is CLOCK_MONOTONIC: `at` is an absolute time of the timer's clock.
    ::timerfd_settime(m_timer, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void IdleConnections::sweep(ReadyList& ready) {
    std::uint64_t expirations = 0;
    (void)::read(m_timer, &expirations, sizeof expirations);
    const auto now = Clock::now();
    {
        // From here, an add() with any deadline arms the timer again; what is already in the
        // set is seen below.
        std::lock_guard lock(m_timerMutex);
        m_sweepAt = Clock::time_point::max();
    }
    auto earliest = Clock::time_point::max();
    for (Shard& shard : m_shards) {
        std::lock_guard lock(shard.mutex);
        for (auto it = shard.entries.begin(); it != shard.entries.end();) {
            if (it->second.deadline > now) {
                earliest = std::min(earliest, it->second.deadline);
                ++it;
                continue;
            }
            if (it->second.begun) {
                ready.emplace_back(std::move(it->second.socket), it->second.deadline);
            }
            it->second.guarded->doneWith();
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, it->first, nullptr);
            it = shard.entries.erase(it);
        }
    }
    if (earliest != Clock::time_point::max()) {
        armSweep(std::max(earliest, now + kSweepEvery));
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.fd = m_timer;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, m_timer, &event);
}

void IdleConnections::growIfNeeded() {
    if (m_waiting.load() > 0) {
        return;
    }
    std::lock_guard lock(m_threadsMutex);
    if (!m_stopping.load() && m_threads.size() < m_maxThreads) {
        m_threads.emplace_back([this] { run(); });
    }
}

void IdleConnections::run() {
    epoll_event event{};
    ReadyList ready;
    while (!m_stopping.load()) {
        m_waiting.fetch_add(1);
        // No timeout: the timer wakes one thread when a deadline is due, stop() wakes all.
        const int n = ::epoll_wait(m_epoll, &event, 1, -1);
        m_waiting.fetch_sub(1);
        if (m_stopping.load()) {
            break;
        }
        if (n == 1 && event.data.fd == m_timer) {
            sweep(ready);
        } else if (n == 1 && event.data.fd != m_wake) {
            take(event.data.fd, ready);
        }
        if (ready.empty()) {
            continue;
        }
        // Someone must watch the other connections while this thread serves.
        growIfNeeded();
        for (auto& [socket, deadline] : ready) {
            m_ready(std::move(socket), deadline);
        }
        ready.clear();
    }
}

}  // namespace shop::http::detail
