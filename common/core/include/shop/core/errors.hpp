#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::core {

/// The error codes of the API envelope (CONTRACT section 2). Each maps to one HTTP status.
enum class ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    IdempotencyKeyReused,
    PayloadTooLarge,
    UnsupportedMediaType,
    RequestTimeout,   ///< 408: a request head or body did not arrive in time
    UriTooLong,       ///< 414
    HeadersTooLarge,  ///< 431: too many header fields, one too long, or all too large
    RateLimited,
    Internal,
    NotImplemented,  ///< 501: a transfer coding this server does not implement
    BadGateway,
    UpstreamUnavailable,
    UpstreamTimeout,
    HttpVersionNotSupported,  ///< 505
};

/// The wire name of a code, e.g. "BAD_REQUEST".
std::string_view errorCodeName(ErrorCode code);

/// The one mapping from error code to HTTP status.
int httpStatus(ErrorCode code);

/// A failure the API reports to the caller with a code and a message that is safe to show.
/// Anything else thrown out of a handler becomes INTERNAL with a generic message.
/// `retryAfter`, when set, is sent as the Retry-After header (in whole seconds).
class ApiError final : public std::runtime_error {
  public:
    ApiError(ErrorCode code, std::string message, std::chrono::seconds retryAfter = {})
        : std::runtime_error(std::move(message)), m_code(code), m_retryAfter(retryAfter) {}
    ErrorCode code() const noexcept { return m_code; }
    /// Zero when the caller is not told when to retry.
    std::chrono::seconds retryAfter() const noexcept { return m_retryAfter; }

  private:
    ErrorCode m_code;
    std::chrono::seconds m_retryAfter;
};

/// Renders the envelope `{"error":{"code","message","request_id"}}`.
std::string errorEnvelope(ErrorCode code, std::string_view message, std::string_view requestId);

}  // namespace shop::core
