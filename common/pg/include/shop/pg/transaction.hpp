#pragma once

#include <array>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "shop/pg/connection.hpp"
#include "shop/pg/pool.hpp"

namespace shop::pg {

enum class Isolation { ReadCommitted, RepeatableRead, Serializable };

/// A database transaction: BEGIN on construction, ROLLBACK on destruction unless commit()
/// succeeded. The destructor never throws. After any statement fails, the transaction is
/// aborted: further exec() and commit() throw, and it rolls back when destroyed.
///
/// On a connection leased from a Pool, BEGIN is sent together with the first statement, in one
/// round trip instead of two (the snapshot is taken by the first statement either way), and a
/// transaction in which no statement ran commits or rolls back without contacting the server.
/// Errors of BEGIN (a lost connection, say) then surface from the first exec() instead.
class Transaction final {
  public:
    /// Begins on `conn`, which must not already be inside a transaction (Error 25001).
    explicit Transaction(Connection& conn, Isolation isolation = Isolation::ReadCommitted);
    /// Leases a connection from `pool` for the lifetime of the transaction and begins on it.
    explicit Transaction(Pool& pool, Isolation isolation = Isolation::ReadCommitted);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    /// Same as Connection::exec. Throws Error 25P02 without contacting the server once the
    /// transaction is aborted, and a plain Error once it is finished.
    template <class... Args>
    Result exec(std::string_view sql, const Args&... args) {
        if constexpr (sizeof...(Args) == 0) {
            return execParams(sql, {});
        } else {
            const std::array<Param, sizeof...(Args)> params{toParam(args)...};
            return execParams(sql, params);
        }
    }
    Result execParams(std::string_view sql, std::span<const Param> params);
    /// Connection::execScript inside the transaction (a script must not COMMIT or ROLLBACK).
    Result execScript(std::string_view sql);

    /// Commits. Throws CommitInDoubt if the connection broke while COMMIT was in flight; the
    /// server's error (e.g. SerializationFailure, a deferred constraint) if it refused; Error
    /// 25P02 if an earlier statement had failed (the transaction is then rolled back).
    void commit();

    /// Runs `sql` as the transaction's last statement and commits, in one round trip instead of
    /// two (libpq's pipeline mode), and returns the statement's result. If the statement fails,
    /// nothing is committed, its error is thrown and the transaction is aborted (it rolls back
    /// when destroyed); otherwise it throws and reports as commit().
    template <class... Args>
    Result commitWith(std::string_view sql, const Args&... args) {
        if constexpr (sizeof...(Args) == 0) {
            return commitWithParams(sql, {});
        } else {
            const std::array<Param, sizeof...(Args)> params{toParam(args)...};
            return commitWithParams(sql, params);
        }
    }
    Result commitWithParams(std::string_view sql, std::span<const Param> params);

    /// Runs `action` right after this transaction commits (in commit(), once the server said
    /// COMMIT), never when it rolls back. Actions run in the order given; one that throws is
    /// ignored, so commit() still reports success.
    void afterCommit(std::function<void()> action);
    /// Rolls back now; never throws (a broken connection rolls back on the server by itself).
    void rollback() noexcept;

    /// True until commit() or rollback() ran, even after a failed statement.
    bool open() const noexcept { return m_state == State::Active || m_state == State::Aborted; }

    Connection& connection() const noexcept { return *m_conn; }

  private:
    enum class State { Active, Aborted, Committed, RolledBack };
    void refuseToNest() const;
    void ensureActive() const;
    void runAfterCommit() noexcept;
    /// commit() (no `sql`) and commitWith(): `sql`, when given, goes in one pipeline with COMMIT.
    Result finish(std::string_view sql, std::span<const Param> params);

    std::optional<Pool::Lease> m_lease;
    Connection* m_conn;
    const char* m_pendingBegin = nullptr;  ///< BEGIN not sent yet, see the class comment
    State m_state = State::Active;
    std::vector<std::function<void()>> m_afterCommit;
};

}  // namespace shop::pg
