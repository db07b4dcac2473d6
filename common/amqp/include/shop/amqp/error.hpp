#pragma once

#include <stdexcept>
#include <string>

namespace shop::amqp {

/// AMQP reply codes a caller may want to tell apart (ConnectionError::replyCode()).
inline constexpr int kConnectionForced = 320;
inline constexpr int kAccessRefused = 403;
inline constexpr int kNotFound = 404;
inline constexpr int kResourceLocked = 405;
inline constexpr int kPreconditionFailed = 406;
inline constexpr int kChannelError = 504;

/// Base of every failure this library reports while talking to the broker.
/// The message names the operation and the reason (library error text, or the broker's reply
/// code and text); it never contains a password.
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, int replyCode = 0)
        : std::runtime_error(message), m_replyCode(replyCode) {}

    /// The AMQP reply code when the broker closed the channel or the connection (404 NOT_FOUND,
    /// 405 RESOURCE_LOCKED, 406 PRECONDITION_FAILED, 320 CONNECTION_FORCED, ...); 0 otherwise.
    int replyCode() const noexcept { return m_replyCode; }

  private:
    int m_replyCode;
};

/// The connection or its channel is gone: connect/login failed, socket error, missed heartbeats,
/// or the broker closed the channel or the connection. The Connection is no longer usable
/// (isOpen() is false): destroy it, wait (Backoff) and open a new one, then redeclare topology.
class ConnectionError final : public Error {
  public:
    using Error::Error;
};

}  // namespace shop::amqp
