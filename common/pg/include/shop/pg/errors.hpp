#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::pg {

/// Base of every failure this layer reports. `what()` is safe to log: it carries the server's
/// primary message and the SQLSTATE, never parameter values, row contents or passwords.
class Error : public std::runtime_error {
  public:
    /// `sqlstate` is the five-character SQLSTATE, or empty for client-side failures.
    /// `position` is the 1-based character offset of the failure in the statement, or 0.
    explicit Error(const std::string& message, std::string sqlstate = {}, int position = 0);

    /// The SQLSTATE code, e.g. "23505"; empty when the failure did not come from the server.
    const std::string& sqlstate() const noexcept { return m_sqlstate; }

    /// Where in the statement text the server located the error (1-based characters), or 0.
    int position() const noexcept { return m_position; }

  private:
    std::string m_sqlstate;
    int m_position;
};

/// The connection could not be opened, or broke (SQLSTATE class 08, 57P01/57P02/57P03, or libpq
/// reporting the connection bad), or its server turned read-only (25006: no longer the primary
/// after a failover). The connection that threw is unusable until reset.
class ConnectionLost final : public Error {
  public:
    using Error::Error;
};

/// The connection broke while COMMIT was in flight: the transaction may or may not have been
/// committed. Deliberately not a ConnectionLost and not transient: blindly retrying could apply
/// the work twice; the caller must check what happened (or rely on idempotency).
class CommitInDoubt final : public Error {
  public:
    using Error::Error;
};

/// Pool::acquire found no free connection before its deadline.
class PoolTimeout final : public Error {
  public:
    using Error::Error;
};

/// An integrity constraint was violated (SQLSTATE class 23). Subclasses name the common kinds.
class IntegrityViolation : public Error {
  public:
    IntegrityViolation(const std::string& message, std::string sqlstate, std::string constraint);

    /// The name of the violated constraint (e.g. "accounts_pkey"); empty if the server gave none.
    const std::string& constraint() const noexcept { return m_constraint; }

  private:
    std::string m_constraint;
};

/// 23505: a unique index or primary key already holds the key.
class UniqueViolation final : public IntegrityViolation {
  public:
    using IntegrityViolation::IntegrityViolation;
};

/// 23503: a foreign key points nowhere, or a referenced row is still referenced.
class ForeignKeyViolation final : public IntegrityViolation {
  public:
    using IntegrityViolation::IntegrityViolation;
};

/// 23514: a CHECK constraint failed (e.g. a balance would go negative).
class CheckViolation final : public IntegrityViolation {
  public:
    using IntegrityViolation::IntegrityViolation;
};

/// 23502: NULL written into a NOT NULL column.
class NotNullViolation final : public IntegrityViolation {
  public:
    using IntegrityViolation::IntegrityViolation;
};

/// 40001: the transaction could not be serialized; run it again from the start.
class SerializationFailure final : public Error {
  public:
    using Error::Error;
};

/// 40P01: the server broke a deadlock by aborting this transaction; run it again.
class DeadlockDetected final : public Error {
  public:
    using Error::Error;
};

/// 57014: cancelled by statement_timeout or an explicit cancel request.
class QueryCanceled final : public Error {
  public:
    using Error::Error;
};

/// SQLSTATE class 22: bad data (invalid input syntax, out of range, division by zero, ...).
/// Quoted values the server echoes in the message are replaced by "..." before it is stored.
class DataError final : public Error {
  public:
    using Error::Error;
};

/// True when running the same work again may succeed: ConnectionLost, SerializationFailure,
/// DeadlockDetected, PoolTimeout, and 57P01/57P02/57P03 (server shutting down, crashed, starting).
/// CommitInDoubt is not transient.
bool isTransient(const Error& error) noexcept;

/// Throws the Error subclass that `sqlstate` selects, with `message` (which must already be free
/// of values) and the SQLSTATE appended. `constraint` is used by integrity violations.
[[noreturn]] void throwForSqlstate(std::string_view sqlstate, std::string_view message,
                                   std::string constraint = {}, int position = 0);

}  // namespace shop::pg
