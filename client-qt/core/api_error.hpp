#pragma once

#include <QString>

namespace shop::client {

/// Why an API call did not produce a value: the gateway's error envelope, or a failure below it.
///
/// `code` is the envelope's code (`NOT_FOUND`, `UPSTREAM_TIMEOUT`, ...) for answers from the
/// gateway, and one of the client's own codes otherwise: `TIMEOUT` (no answer within the
/// client's timeout), `NETWORK_ERROR` (connection refused, reset, DNS, ...) and
/// `INVALID_RESPONSE` (an answer that is not the contract's JSON envelope).
struct ApiError {
    /// Where the failure happened.
    enum class Kind {
        Http,             ///< the gateway answered with an error status
        Timeout,          ///< no complete answer within the timeout
        Network,          ///< no answer at all (refused, reset, unreachable)
        InvalidResponse,  ///< an answer that does not follow the contract
    };

    Kind kind = Kind::Network;
    int httpStatus = 0;  ///< 0 when there was no HTTP answer
    QString code;
    QString message;
    QString requestId;          ///< from the envelope, else the X-Request-Id header; may be empty
    int retryAfterSeconds = 0;  ///< the Retry-After header in seconds (e.g. with 429); 0 if none

    /// True when sending the same request again may succeed: timeouts, network failures, 409
    /// (an identical request still in flight), 429 and 5xx. A retried create or top-up must
    /// reuse its Idempotency-Key.
    bool isRetryable() const;

    /// One line for people: "Account not found (NOT_FOUND, HTTP 404, request 1b2c...)".
    QString describe() const;
};

}  // namespace shop::client
