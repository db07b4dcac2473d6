#include "idle_connections.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "shop/core/log.hpp"

namespace shop::http::detail {
namespace {

/// How often deadlines are checked (and so how late past one a connection may be dropped).
constexpr auto kSweepEvery = std::chrono::milliseconds(100);

}  // namespace

IdleConnections::IdleConnections(HeadLimits limits, std::size_t ceiling,
                                 std::chrono::milliseconds headerTimeout, Ready ready)
    : m_limits(limits),
      m_ceiling(ceiling),
      m_headerTimeout(headerTimeout),
      m_ready(std::move(ready)) {}

IdleConnections::~IdleConnections() {
    stop();
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
    if (m_epoll < 0 || m_wake < 0) {
        throw std::runtime_error("cannot create the idle connections' epoll");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wake;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
    m_thread = std::thread([this] { run(); });
}

void IdleConnections::stop() {
    if (m_stopping.exchange(true)) {
        return;
    }
    if (m_thread.joinable()) {
        const std::uint64_t one = 1;
        (void)::write(m_wake, &one, sizeof one);
        m_thread.join();
    }
    std::unordered_map<int, Entry> closing;
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        closing.swap(m_entries);
    }
    for (auto& [fd, entry] : closing) {
        entry.guarded->doneWith();
    }
    // The sockets close as `closing` goes.
}

void IdleConnections::add(Poco::Net::StreamSocket socket, Clock::time_point deadline, bool fresh) {
    auto* guarded = dynamic_cast<GuardedSocketImpl*>(socket.impl());
    const int fd = socket.impl()->sockfd();
    std::lock_guard lock(m_mutex);
    if (m_stopped || guarded == nullptr) {
        return;  // closed as `socket` goes
    }
    Entry& entry = m_entries[fd];
    entry = Entry{std::move(socket), guarded, deadline, fresh, !guarded->pending().empty()};
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = fd;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
        core::logWarn("idle connection not watched", {{"error", std::strerror(errno)}});
        m_entries.erase(fd);
    }
}

void IdleConnections::remove(int fd) {
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    const auto it = m_entries.find(fd);
    if (it != m_entries.end()) {
        it->second.guarded->doneWith();
        m_entries.erase(it);
    }
}

bool IdleConnections::receive(int fd, Entry& entry, bool& handOn) {
    std::string& pending = entry.guarded->pending();
    bool closed = false;
    char buffer[4096];
    while (pending.size() <= m_ceiling) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            pending.append(buffer, static_cast<std::size_t>(n));
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
    // A complete or refused head goes to a worker; so does one the client stopped sending
    // (closed) or that outgrew every limit, to be answered there.
    handOn = parse.state != HeadParse::State::Incomplete || pending.size() > m_ceiling;
    if (closed && !handOn) {
        return true;  // gone half-way through a head: nothing to answer
    }
    return handOn;
}

void IdleConnections::run() {
    std::vector<epoll_event> events(256);
    auto lastSweep = Clock::now();
    while (!m_stopping.load()) {
        const int n = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                                   static_cast<int>(kSweepEvery.count()));
        std::vector<std::pair<Poco::Net::StreamSocket, Clock::time_point>> ready;
        {
            std::lock_guard lock(m_mutex);
            for (int i = 0; i < n; ++i) {
                const int fd = events[static_cast<std::size_t>(i)].data.fd;
                if (fd == m_wake) {
                    continue;
                }
                const auto it = m_entries.find(fd);
                if (it == m_entries.end()) {
                    continue;
                }
                bool handOn = false;
                if (!receive(fd, it->second, handOn)) {
                    continue;
                }
                if (handOn) {
                    ready.emplace_back(std::move(it->second.socket), it->second.deadline);
                }
                remove(fd);
            }
            const auto now = Clock::now();
            if (now - lastSweep >= kSweepEvery) {
                lastSweep = now;
                for (auto it = m_entries.begin(); it != m_entries.end();) {
                    if (it->second.deadline > now) {
                        ++it;
                        continue;
                    }
                    if (it->second.begun) {
                        ready.emplace_back(std::move(it->second.socket), it->second.deadline);
                    }
                    it->second.guarded->doneWith();
                    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, it->first, nullptr);
                    it = m_entries.erase(it);
                }
            }
        }
        // Outside the lock: a worker may hand a connection back (add) at once.
        for (auto& [socket, deadline] : ready) {
            m_ready(std::move(socket), deadline);
        }
    }
}

}  // namespace shop::http::detail
