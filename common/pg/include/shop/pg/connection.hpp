#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/nodes.hpp"

#include "shop/pg/errors.hpp"
#include "shop/pg/params.hpp"
#include "shop/pg/result.hpp"

typedef struct pg_conn PGconn;

namespace shop::pg {

/// One NOTIFY received on a channel this connection LISTENs to.
struct Notification {
    std::string channel;
    std::string payload;
    int backendPid = 0;  ///< the sending server process
};

/// The URL or key=value connection string with its password replaced by "***", for logs.
std::string redactPassword(std::string_view conninfo);

/// Every host of `conninfo` (a multi-host URL lists several) and whether its server accepts
/// connections now (PQping: up even when this login would be refused). For readiness reports.
std::vector<core::NodeState> probeHosts(const std::string& conninfo);

/// One libpq connection. Not thread-safe: use it from one thread at a time (the Pool hands
/// each connection to one user at a time).
///
/// Statements take `$1..$n` placeholders only; values travel separately as text parameters and
/// are never spliced into SQL. The first exec of a given SQL text with parameters prepares it
/// under a generated name; later execs of the same text reuse the prepared statement.
class Connection final {
  public:
    /// Opens a connection from a URL (`postgresql://user:pass@host:port/db?...`) or a key=value
    /// string, with `application_name` set to `applicationName` when it is not empty, and a 5 s
    /// connect timeout unless the string sets one. `serverOptions` (libpq's `options`, e.g.
    /// `-c name=value`) comes before the string's own options, which win where both set
    /// something. Throws ConnectionLost (SQLSTATE 08001) whose message never contains the
    /// password.
    explicit Connection(const std::string& conninfo, const std::string& applicationName = {},
                        const std::string& serverOptions = {});
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs one statement with its arguments as parameters, e.g.
    /// `exec("SELECT * FROM orders WHERE id = $1 AND amount > $2", id, 5)`.
    /// Each argument goes through `toParam` (see params.hpp). Throws an Error subclass chosen by
    /// SQLSTATE; ConnectionLost when the connection broke (and marks it unhealthy).
    template <class... Args>
    Result exec(std::string_view sql, const Args&... args) {
        if constexpr (sizeof...(Args) == 0) {
            return execParams(sql, {});
        } else {
            const std::array<Param, sizeof...(Args)> params{toParam(args)...};
            return execParams(sql, params);
        }
    }

    /// exec with a parameter list built at run time. Without parameters the statement runs
    /// unprepared; with them it is prepared once per connection (see the class comment).
    Result execParams(std::string_view sql, std::span<const Param> params);

    /// Sends `before` (when not empty), `sql` with `params`, and `after` (when not empty) in one
    /// round trip (libpq's pipeline mode), and returns the result of `sql`. `before` and `after`
    /// take no parameters (BEGIN, COMMIT); their results only matter when they fail, and
    /// `afterTag` (when given) receives the command tag of `after`. The first failure is thrown
    /// and what follows it in the pipeline does not run. Otherwise behaves as exec(before),
    /// execParams(sql, params), exec(after). `sent` (when given) is set once anything of the
    /// pipeline may have reached the server: a failure before that ran none of it.
    Result execPipelined(std::string_view before, std::string_view sql,
                         std::span<const Param> params, std::string_view after,
                         std::string* afterTag = nullptr, bool* sent = nullptr);

    /// Runs a script of several `;`-separated statements without parameters (simple query
    /// protocol); returns the last statement's result. For migrations and test setup only.
    Result execScript(std::string_view sql);

    /// True while the connection is open and no failure has shown it broken.
    bool healthy() const noexcept;

    /// Without blocking, reads whatever the server has sent (a terminated session's goodbye,
    /// notifications) and returns healthy(). Catches connections that died while idle.
    bool checkAlive() noexcept;

    /// Reconnects with the same parameters (PQreset) and forgets prepared statements and LISTENs.
    /// Throws ConnectionLost if the server cannot be reached.
    void reset();

    /// True inside a transaction block (also an aborted one), i.e. not idle.
    bool inTransaction() const noexcept;

    /// LISTEN on `channel` (quoted as an identifier, so any name is safe).
    void listen(std::string_view channel);
    /// True once listen() was called (until reset()); the Pool does not reuse such connections.
    bool listening() const noexcept { return m_listening; }
    /// pg_notify(channel, payload); delivered when the surrounding transaction commits.
    void notify(std::string_view channel, std::string_view payload);

    /// Waits up to `timeout` for notifications; returns those that arrived (empty on timeout).
    /// Returns at once if some were already received. Throws ConnectionLost if the connection
    /// drops while waiting. When `wakeFd` is not -1, also returns (empty) as soon as that file
    /// descriptor is readable; the caller reads it.
    std::vector<Notification> waitForNotifications(std::chrono::milliseconds timeout,
                                                   int wakeFd = -1);

    /// The server process id of this session (for pg_terminate_backend, logs).
    int backendPid() const noexcept;

    /// Number of statements currently prepared and cached on this connection.
    std::size_t preparedCount() const noexcept { return m_prepared.size(); }

    PGconn* raw() const noexcept { return m_conn; }

  private:
    [[noreturn]] void throwConnectionLost(std::string_view what, std::string_view sqlstate);
    void ensureUsable() const;
    Result check(PGresult* result);
    /// The parameters as C strings for libpq (nullptr for NULL); throws on a NUL byte.
    static std::vector<const char*> textValues(std::span<const Param> params);
    /// Reads the results of one pipelined statement up to the NULL that ends them.
    PGresult* nextPipelinedResult();
    const std::string* preparedName(const std::string& sql, int paramCount);
    std::vector<Notification> drainNotifications();
    static void onNotice(void* self, const PGresult* notice);

    std::vector<std::string> m_secrets;  // password spellings scrubbed from messages
    PGconn* m_conn = nullptr;
    bool m_broken = false;
    bool m_listening = false;
    std::map<std::string, std::string, std::less<>> m_prepared;  // SQL text -> statement name
    std::size_t m_nextStatement = 1;
    std::vector<Notification> m_pending;  // parsed by checkAlive(), not yet handed out
};

}  // namespace shop::pg
