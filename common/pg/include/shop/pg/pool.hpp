#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "shop/pg/connection.hpp"

namespace shop::pg {

/// A fixed-size, thread-safe pool of connections to one database.
///
/// Connections open lazily on demand, so a service can start while the database is down; a
/// connection that comes back broken, inside a transaction, or LISTENing is closed instead of
/// reused, and an idle one found dead is replaced, so the next acquire reconnects.
/// The pool must outlive every Lease it hands out.
class Pool final {
  public:
    struct Stats {
        std::size_t size = 0;     ///< the configured maximum number of connections
        std::size_t inUse = 0;    ///< leased out (including ones being opened)
        std::size_t idle = 0;     ///< open and free
        std::size_t waiting = 0;  ///< threads blocked in acquire()
    };

    /// Exclusive use of one connection; gives it back to the pool when destroyed. Move-only.
    class Lease final {
      public:
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&& other) noexcept;
        ~Lease();

        Connection& connection() const noexcept { return *m_conn; }
        Connection& operator*() const noexcept { return *m_conn; }
        Connection* operator->() const noexcept { return m_conn.get(); }

      private:
        friend class Pool;
        Lease(Pool* pool, std::unique_ptr<Connection> conn) noexcept
            : m_pool(pool), m_conn(std::move(conn)) {}
        void release() noexcept;

        Pool* m_pool = nullptr;
        std::unique_ptr<Connection> m_conn;
    };

    /// Does not connect. `size` must be at least 1 (std::invalid_argument otherwise).
    /// `serverOptions`: see Connection.
    Pool(std::string conninfo, std::size_t size, std::chrono::milliseconds acquireTimeout,
         std::string applicationName, std::string serverOptions = {});
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    /// A free connection, opening one if fewer than `size` are open. Waits up to the pool's
    /// acquire timeout when all are in use, then throws PoolTimeout. Throws ConnectionLost when
    /// a new connection cannot be opened.
    Lease acquire();
    /// The same with an explicit timeout.
    Lease acquire(std::chrono::milliseconds timeout);

    Stats stats() const;

    struct Warmed {
        std::size_t opened = 0;  ///< connections this call opened
        std::string error;       ///< why it stopped early (empty when it did not)
    };
    /// Opens connections one at a time until `count` (at most the size) are open, and leaves them
    /// idle, so that the first requests after a start do not pay for them: a new connection is a
    /// backend to start and a SCRAM exchange, about 24 ms on the project's 2-core VM. Stops at the
    /// first connection that fails (acquire() opens the rest on demand, as always) or when `stop`
    /// is requested.
    Warmed warm(std::size_t count, const std::stop_token& stop = {});

    /// Runs `SELECT 1` on a leased connection; false on any failure. For readiness checks.
    bool ping() noexcept;

  private:
    void giveBack(std::unique_ptr<Connection> conn) noexcept;

    const std::string m_conninfo;
    const std::string m_applicationName;
    const std::string m_serverOptions;
    const std::size_t m_size;
    const std::chrono::milliseconds m_acquireTimeout;

    mutable std::mutex m_mutex;
    std::condition_variable m_freed;
    std::vector<std::unique_ptr<Connection>> m_idle;
    std::size_t m_open = 0;  // idle + leased + being opened
    std::size_t m_inUse = 0;
    std::size_t m_waiting = 0;
};

}  // namespace shop::pg
