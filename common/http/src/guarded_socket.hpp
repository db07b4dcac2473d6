#pragma once
// The server's sockets: a connected socket whose reads are held to a deadline and carry bytes
// read ahead, the listening socket that makes them, and the count of open connections against
// the cap. Internal to shop_http.

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/ServerSocketImpl.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timespan.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

namespace shop::http::detail {

using Clock = std::chrono::steady_clock;

inline Poco::Timespan timespan(std::chrono::microseconds duration) {
    return Poco::Timespan(
        static_cast<Poco::Timespan::TimeDiff>(std::max<std::int64_t>(duration.count(), 0)));
}

/// The number of HTTP connections being served or waiting for a worker, against the cap.
class SlotCounter final {
  public:
    explicit SlotCounter(int max) : m_max(max) {}
    bool tryAcquire() noexcept {
        int open = m_open.load();
        while (open < m_max) {
            if (m_open.compare_exchange_weak(open, open + 1)) {
                return true;
            }
        }
        return false;
    }
    void release() noexcept { m_open.fetch_sub(1); }
    int open() const noexcept { return m_open.load(); }
    int max() const noexcept { return m_max; }

  private:
    const int m_max;
    std::atomic<int> m_open{0};
};

/// A connected socket whose reads can be held to a deadline: a per-read timeout alone lets a
/// client that sends a byte now and then hold a worker thread for ever. It also carries the
/// connection's slot under the cap, the bytes read ahead and the client's address.
class GuardedSocketImpl final : public Poco::Net::StreamSocketImpl {
  public:
    enum class Fault { None, Timeout };

    GuardedSocketImpl(poco_socket_t fd, std::string peerHost)
        : Poco::Net::StreamSocketImpl(fd), m_peerHost(std::move(peerHost)) {}

    /// The client's address (without the port), as accepted.
    const std::string& peerHost() const noexcept { return m_peerHost; }

    /// Called on the accepting thread before the socket goes to the idle loop.
    void holdSlot(std::shared_ptr<SlotCounter> slots) {
        m_slots = std::move(slots);
        m_holdsSlot.store(true);
    }
    /// Idempotent; also done when the socket is destroyed.
    void releaseSlot() noexcept {
        if (m_holdsSlot.exchange(false)) {
            m_slots->release();
        }
    }

    /// Called by each thread (a worker, the idle loop) after its last use of this object before
    /// letting it go. The last reference may be dropped on another thread (the idle loop's, a
    /// worker's, a WebSocket's owner); the destructor synchronises with every such use
    /// explicitly, since Poco's reference count is invisible to TSan. A read-modify-write, so
    /// that uses by several threads all count.
    void doneWith() noexcept { m_uses.fetch_add(1, std::memory_order_acq_rel); }

    /// From now on readMore() gives up at `deadline`, and fault(), received() and sawEnd()
    /// start afresh. (How much a head may hold is the head parser's to say.)
    void arm(Clock::time_point deadline) {
        m_deadline = deadline;
        m_received = 0;
        m_sawEnd = false;
        m_fault = Fault::None;
    }

    Fault fault() const noexcept { return m_fault; }
    std::size_t received() const noexcept { return m_received; }
    /// Whether the client closed its side since arm().
    bool sawEnd() const noexcept { return m_sawEnd; }

    /// Bytes of the connection already read and not yet consumed: the head being checked, the
    /// body, and whatever the client pipelined after them.
    std::string& pending() noexcept { return m_pending; }

    /// Reads what the client sends next onto pending(), within the armed deadline. False when
    /// nothing more comes: the client closed (sawEnd()) or the deadline passed (fault()).
    bool readMore() {
        const auto remaining =
            std::chrono::duration_cast<std::chrono::microseconds>(m_deadline - Clock::now());
        char buffer[4096];
        int n = 0;
        try {
            if (remaining.count() <= 0 ||
                !poll(timespan(remaining), Poco::Net::Socket::SELECT_READ)) {
                m_fault = Fault::Timeout;
                return false;
            }
            n = Poco::Net::StreamSocketImpl::receiveBytes(buffer, sizeof buffer, 0);
        } catch (const Poco::Exception&) {
            n = 0;  // reset by the client: gone as surely as closed
        }
        if (n <= 0) {
            m_sawEnd = true;
            return false;
        }
        m_pending.append(buffer, static_cast<std::size_t>(n));
        m_received += static_cast<std::size_t>(n);
        return true;
    }

  private:
    ~GuardedSocketImpl() override {
        (void)m_uses.load(std::memory_order_acquire);
        releaseSlot();
    }

    const std::string m_peerHost;
    std::shared_ptr<SlotCounter> m_slots;
    std::atomic<bool> m_holdsSlot{false};
    std::atomic<unsigned> m_uses{0};
    // Used by the one thread serving the connection at a time (the idle set's locks order the
    // hand-overs between threads).
    Clock::time_point m_deadline;
    std::size_t m_received = 0;
    bool m_sawEnd = false;
    Fault m_fault = Fault::None;
    std::string m_pending;
};

/// A listening socket whose accepted connections are GuardedSocketImpls.
class GuardedServerSocketImpl final : public Poco::Net::ServerSocketImpl {
  public:
    Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& clientAddr) override {
        sockaddr_storage storage{};
        socklen_t size = sizeof storage;
        int fd = -1;
        do {
            fd = ::accept4(sockfd(), reinterpret_cast<sockaddr*>(&storage), &size, SOCK_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            error();
        }
        clientAddr = Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&storage), size);
        return new GuardedSocketImpl(fd, clientAddr.host().toString());
    }

  private:
    ~GuardedServerSocketImpl() override = default;
};

class GuardedServerSocket final : public Poco::Net::ServerSocket {
  public:
    GuardedServerSocket() : Poco::Net::ServerSocket(new GuardedServerSocketImpl, true) {}
};

}  // namespace shop::http::detail
