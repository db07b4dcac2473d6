#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shop/core/errors.hpp"

namespace shop::http {

/// What a request head may hold; beyond it the head is refused (414 or 431).
struct HeadLimits {
    std::size_t maxUriBytes = 8 * 1024;  ///< the request-target
    std::size_t maxHeaderFields = 100;
    std::size_t maxHeaderLineBytes = 8 * 1024;  ///< one `name: value`
    std::size_t maxHeaderBytes = 32 * 1024;     ///< all header lines together
};

/// A request head that frames its message one way only (RFC 9112).
struct RequestHead {
    enum class Body { None, Length, Chunked };

    std::string method;
    std::string target;
    std::string version;                                       ///< "HTTP/1.0" or "HTTP/1.1"
    std::vector<std::pair<std::string, std::string>> headers;  ///< as sent, values trimmed
    Body body = Body::None;
    std::uint64_t contentLength = 0;  ///< for Body::Length
    std::size_t size = 0;             ///< bytes of the head, its blank line included
};

/// Where a head stands after the bytes received so far.
struct HeadParse {
    enum class State { Incomplete, Complete, Invalid };

    State state = State::Incomplete;
    RequestHead head;  ///< when Complete; when Invalid, what was read of it before the fault
    core::ErrorCode error = core::ErrorCode::BadRequest;  ///< when Invalid
    std::string message;                                  ///< when Invalid: safe to show
};

/// Reads the request head at the start of `bytes` strictly, so that the server and anything
/// in front of it cannot disagree on where a message ends:
/// - request line `method SP target SP HTTP/x.y CRLF`: the method a token, the target visible
///   ASCII, the version HTTP/1.0 or HTTP/1.1 (another version is 505, anything else 400);
/// - header lines `name: value CRLF`: the name a token with the colon right after it, no
///   control characters in the value, no line folding; lines end with CRLF;
/// - framing: Transfer-Encoding must be exactly `chunked` (any other coding is 501), not
///   together with Content-Length (400); Content-Length is digits only, and repeated values
///   must agree (400 otherwise);
/// - Host: exactly one in an HTTP/1.1 request, at most one in HTTP/1.0, its value an authority's
///   host and port characters only (400 otherwise);
/// - limits: 414 for the target, 431 for the fields.
/// Invalid as soon as the bytes so far cannot start a valid head (binary junk is refused
/// without waiting for more); Incomplete while they still can. Up to four empty lines before
/// the request line are skipped (RFC 9112 section 2.2).
HeadParse parseRequestHead(std::string_view bytes, const HeadLimits& limits);

}  // namespace shop::http
