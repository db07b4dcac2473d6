#include "shop/pg/pool.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace shop::pg {

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        release();
        m_pool = std::exchange(other.m_pool, nullptr);
        m_conn = std::move(other.m_conn);
    }
    return *this;
}

Pool::Lease::~Lease() {
    release();
}

void Pool::Lease::release() noexcept {
    if (m_conn) {
        m_pool->giveBack(std::move(m_conn));
    }
}

Pool::Pool(std::string conninfo, std::size_t size, std::chrono::milliseconds acquireTimeout,
           std::string applicationName, std::string serverOptions)
    : m_conninfo(std::move(conninfo)),
      m_applicationName(std::move(applicationName)),
      m_serverOptions(std::move(serverOptions)),
      m_size(size),
      m_acquireTimeout(acquireTimeout) {
    if (size == 0) {
        throw std::invalid_argument("a connection pool needs a size of at least 1");
    }
    m_idle.reserve(size);  // so giving a connection back never allocates
}

Pool::~Pool() = default;

Pool::Lease Pool::acquire() {
    return acquire(m_acquireTimeout);
}

Pool::Lease Pool::acquire(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(m_mutex);
    while (true) {
        ++m_waiting;
        const bool available = m_freed.wait_until(
            lock, deadline, [this] { return !m_idle.empty() || m_open < m_size; });
        --m_waiting;
        if (!available) {
            throw PoolTimeout("no database connection became free within " +
                              std::to_string(timeout.count()) + " ms (all " +
                              std::to_string(m_size) + " in use)");
        }
        ++m_inUse;
        if (!m_idle.empty()) {
            std::unique_ptr<Connection> conn = std::move(m_idle.back());
            m_idle.pop_back();
            lock.unlock();
            if (conn->checkAlive()) {
                return Lease(this, std::move(conn));
            }
            conn.reset();  // died while idle (server restart, terminated): open a fresh one
            lock.lock();
            --m_inUse;
            --m_open;
            continue;
        }
        ++m_open;
        lock.unlock();
        try {
            // Connecting can take a while: never under the lock.
            return Lease(
                this, std::make_unique<Connection>(m_conninfo, m_applicationName, m_serverOptions));
        } catch (...) {
            lock.lock();
            --m_inUse;
            --m_open;
            m_freed.notify_one();
            throw;
        }
    }
}

void Pool::giveBack(std::unique_ptr<Connection> conn) noexcept {
    // A connection in an unknown state is closed rather than handed to the next user.
    const bool reusable = conn->healthy() && !conn->inTransaction() && !conn->listening();
    {
        const std::lock_guard lock(m_mutex);
        --m_inUse;
        if (reusable) {
            m_idle.push_back(std::move(conn));
        } else {
            --m_open;
        }
    }
    m_freed.notify_one();
    conn.reset();  // outside the lock: closing sends a Terminate message
}

Pool::Warmed Pool::warm(std::size_t count, const std::stop_token& stop) {
    Warmed warmed;
    const std::size_t target = std::min(count, m_size);
    while (!stop.stop_requested()) {
        {
            const std::lock_guard lock(m_mutex);
            if (m_open >= target) {
                break;
            }
            ++m_open;  // its slot is taken while it opens, as in acquire()
        }
        std::unique_ptr<Connection> conn;
        try {
            conn = std::make_unique<Connection>(m_conninfo, m_applicationName, m_serverOptions);
        } catch (const std::exception& error) {
            warmed.error = error.what();
        }
        {
            const std::lock_guard lock(m_mutex);
            if (conn) {
                m_idle.push_back(std::move(conn));
            } else {
                --m_open;
            }
        }
        m_freed.notify_one();
        if (!warmed.error.empty()) {
            break;
        }
        ++warmed.opened;
    }
    return warmed;
}

Pool::Stats Pool::stats() const {
    const std::lock_guard lock(m_mutex);
    return Stats{m_size, m_inUse, m_idle.size(), m_waiting};
}

bool Pool::ping() noexcept {
    try {
        Lease lease = acquire();
        lease->exec("SELECT 1");
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace shop::pg
