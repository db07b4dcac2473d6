#include "shop/core/errors.hpp"

#include "shop/domain/json.hpp"

namespace shop::core {

std::string_view errorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::BadRequest:
            return "BAD_REQUEST";
        case ErrorCode::Unauthorized:
            return "UNAUTHORIZED";
        case ErrorCode::Forbidden:
            return "FORBIDDEN";
        case ErrorCode::NotFound:
            return "NOT_FOUND";
        case ErrorCode::MethodNotAllowed:
            return "METHOD_NOT_ALLOWED";
        case ErrorCode::Conflict:
            return "CONFLICT";
        case ErrorCode::IdempotencyKeyReused:
            return "IDEMPOTENCY_KEY_REUSED";
        case ErrorCode::PayloadTooLarge:
            return "PAYLOAD_TOO_LARGE";
        case ErrorCode::UnsupportedMediaType:
            return "UNSUPPORTED_MEDIA_TYPE";
        case ErrorCode::RequestTimeout:
            return "REQUEST_TIMEOUT";
        case ErrorCode::UriTooLong:
            return "URI_TOO_LONG";
        case ErrorCode::HeadersTooLarge:
            return "HEADERS_TOO_LARGE";
        case ErrorCode::RateLimited:
            return "RATE_LIMITED";
        case ErrorCode::Internal:
            return "INTERNAL";
        case ErrorCode::NotImplemented:
            return "NOT_IMPLEMENTED";
        case ErrorCode::BadGateway:
            return "BAD_GATEWAY";
        case ErrorCode::UpstreamUnavailable:
            return "UPSTREAM_UNAVAILABLE";
        case ErrorCode::UpstreamTimeout:
            return "UPSTREAM_TIMEOUT";
        case ErrorCode::HttpVersionNotSupported:
            return "HTTP_VERSION_NOT_SUPPORTED";
    }
    return "INTERNAL";
}

int httpStatus(ErrorCode code) {
    switch (code) {
        case ErrorCode::BadRequest:
            return 400;
        case ErrorCode::Unauthorized:
            return 401;
        case ErrorCode::Forbidden:
            return 403;
        case ErrorCode::NotFound:
            return 404;
        case ErrorCode::MethodNotAllowed:
            return 405;
        case ErrorCode::Conflict:
            return 409;
        case ErrorCode::IdempotencyKeyReused:
            return 422;
        case ErrorCode::PayloadTooLarge:
            return 413;
        case ErrorCode::UnsupportedMediaType:
            return 415;
        case ErrorCode::RequestTimeout:
            return 408;
        case ErrorCode::UriTooLong:
            return 414;
        case ErrorCode::HeadersTooLarge:
            return 431;
        case ErrorCode::RateLimited:
            return 429;
        case ErrorCode::Internal:
            return 500;
        case ErrorCode::NotImplemented:
            return 501;
        case ErrorCode::BadGateway:
            return 502;
        case ErrorCode::UpstreamUnavailable:
            return 503;
        case ErrorCode::UpstreamTimeout:
            return 504;
        case ErrorCode::HttpVersionNotSupported:
            return 505;
    }
    return 500;
}

std::string errorEnvelope(ErrorCode code, std::string_view message, std::string_view requestId) {
    std::string out;
    out.reserve(96 + message.size());
    out.append(R"({"error":{"code":")").append(errorCodeName(code)).append(R"(","message":)");
    out.append(domain::jsonQuote(message));
    out.append(R"(,"request_id":)").append(domain::jsonQuote(requestId)).append("}}");
    return out;
}

}  // namespace shop::core
