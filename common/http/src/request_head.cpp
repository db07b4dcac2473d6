#include "shop/http/request_head.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include "shop/http/text.hpp"

namespace shop::http {
namespace {

using core::ErrorCode;

/// Longer methods are not ones this server knows.
constexpr std::size_t kMaxMethodBytes = 32;
/// Longer header names are not ones anyone sends.
constexpr std::size_t kMaxNameBytes = 256;
/// Empty lines skipped before a request line.
constexpr int kMaxEmptyLinesBefore = 4;
/// Room for the method, the version and the spaces around the target.
constexpr std::size_t kRequestLineOverhead = 64;

bool isAsciiAlnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool isTokenChar(unsigned char c) {
    if (isAsciiAlnum(c)) {
        return true;
    }
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

bool isVisible(unsigned char c) {
    return c > 0x20 && c < 0x7f;
}

/// A field value may hold visible characters, spaces, tabs and obs-text, no other controls.
bool isValueChar(unsigned char c) {
    return c == '\t' || c == ' ' || isVisible(c) || c >= 0x80;
}

/// What `uri-host [ ":" port ]` may hold (RFC 3986: reg-name, IPv4, an IPv6 literal in brackets).
bool isHostChar(unsigned char c) {
    constexpr std::string_view kPunctuation = "-._~%!$&'()*+,;=:[]";
    return isAsciiAlnum(c) || kPunctuation.find(static_cast<char>(c)) != std::string_view::npos;
}

bool allOf(std::string_view text, bool (*accepts)(unsigned char)) {
    for (const char c : text) {
        if (!accepts(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

HeadParse invalid(ErrorCode code, std::string message) {
    HeadParse parse;
    parse.state = HeadParse::State::Invalid;
    parse.error = code;
    parse.message = std::move(message);
    return parse;
}

std::optional<HeadParse> uriTooLong(const HeadLimits& limits) {
    return invalid(ErrorCode::UriTooLong, "request target is longer than " +
                                              std::to_string(limits.maxUriBytes) + " bytes");
}

/// Checks the request line, complete (`complete`) or the part received so far; nullopt when
/// it is (or can still become) valid.
std::optional<HeadParse> checkRequestLine(std::string_view line, bool complete,
                                          const HeadLimits& limits, RequestHead& head) {
    const auto firstSpace = line.find(' ');
    const std::string_view method = line.substr(0, firstSpace);
    if (!allOf(method, isTokenChar)) {
        return invalid(ErrorCode::BadRequest, "malformed request line");
    }
    if (method.size() > kMaxMethodBytes) {
        return invalid(ErrorCode::BadRequest, "the request method is too long");
    }
    if (firstSpace == std::string_view::npos) {
        if (complete) {
            return invalid(ErrorCode::BadRequest, "malformed request line");
        }
        return std::nullopt;
    }
    const std::string_view rest = line.substr(firstSpace + 1);
    const auto secondSpace = rest.find(' ');
    const std::string_view target = rest.substr(0, secondSpace);
    if (!allOf(target, isVisible)) {
        return invalid(ErrorCode::BadRequest, "malformed request target");
    }
    if (target.size() > limits.maxUriBytes) {
        return uriTooLong(limits);
    }
    if (secondSpace == std::string_view::npos) {
        if (complete) {
            return invalid(ErrorCode::BadRequest, "malformed request line");
        }
        return std::nullopt;
    }
    if (method.empty() || target.empty()) {
        return invalid(ErrorCode::BadRequest, "malformed request line");
    }
    // HTTP-version = "HTTP/" DIGIT "." DIGIT, checked as far as it has arrived.
    const std::string_view version = rest.substr(secondSpace + 1);
    constexpr std::string_view kShape = "HTTP/0.0";
    if (version.size() > kShape.size()) {
        return invalid(ErrorCode::BadRequest, "malformed HTTP version");
    }
    for (std::size_t i = 0; i < version.size(); ++i) {
        const bool digit = kShape[i] == '0';
        const bool ok = digit ? version[i] >= '0' && version[i] <= '9' : version[i] == kShape[i];
        if (!ok) {
            return invalid(ErrorCode::BadRequest, "malformed HTTP version");
        }
    }
    if (!complete) {
        return std::nullopt;
    }
    if (version.size() != kShape.size()) {
        return invalid(ErrorCode::BadRequest, "malformed HTTP version");
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        return invalid(ErrorCode::HttpVersionNotSupported,
                       "HTTP version " + std::string(version.substr(5)) + " is not supported");
    }
    head.method = std::string(method);
    head.target = std::string(target);
    head.version = std::string(version);
    return std::nullopt;
}

/// Checks one header line (without its CRLF), complete or as far as it has arrived, and
/// records a complete one.
std::optional<HeadParse> checkHeaderLine(std::string_view line, bool complete,
                                         const HeadLimits& limits, RequestHead& head) {
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        return invalid(ErrorCode::BadRequest, "folded header lines are not accepted");
    }
    const auto colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (!allOf(name, isTokenChar)) {
        return invalid(ErrorCode::BadRequest, "malformed header field name");
    }
    if (name.size() > kMaxNameBytes) {
        return invalid(ErrorCode::HeadersTooLarge, "a header field name is longer than " +
                                                       std::to_string(kMaxNameBytes) + " bytes");
    }
    if (colon != std::string_view::npos && !allOf(line.substr(colon + 1), isValueChar)) {
        return invalid(ErrorCode::BadRequest, "a header field value holds a control character");
    }
    if (line.size() > limits.maxHeaderLineBytes) {
        return invalid(ErrorCode::HeadersTooLarge, "a header field is longer than " +
                                                       std::to_string(limits.maxHeaderLineBytes) +
                                                       " bytes");
    }
    if (!complete) {
        return std::nullopt;
    }
    if (colon == std::string_view::npos || name.empty()) {
        return invalid(ErrorCode::BadRequest, "a header line has no field name and colon");
    }
    if (head.headers.size() == limits.maxHeaderFields) {
        return invalid(ErrorCode::HeadersTooLarge,
                       "more than " + std::to_string(limits.maxHeaderFields) + " header fields");
    }
    head.headers.emplace_back(std::string(name), std::string(trimBlanks(line.substr(colon + 1))));
    return std::nullopt;
}

/// How the message body is framed, from the complete head (RFC 9112 section 6).
std::optional<HeadParse> decideFraming(RequestHead& head) {
    bool hasLength = false;
    bool hasCoding = false;
    for (const auto& [name, value] : head.headers) {
        if (equalsIgnoringCase(name, "content-length")) {
            // Digits only; a list of equal values (two headers or "5, 5") is one length.
            std::string_view list = value;
            do {
                const auto comma = list.find(',');
                const std::string_view item = trimBlanks(list.substr(0, comma));
                list =
                    comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
                std::uint64_t length = 0;
                const auto [end, ec] =
                    std::from_chars(item.data(), item.data() + item.size(), length);
                if (item.empty() || item.front() < '0' || item.front() > '9' || ec != std::errc{} ||
                    end != item.data() + item.size()) {
                    return invalid(ErrorCode::BadRequest, "malformed Content-Length");
                }
                if (hasLength && length != head.contentLength) {
                    return invalid(ErrorCode::BadRequest, "conflicting Content-Length values");
                }
                hasLength = true;
                head.contentLength = length;
            } while (!list.empty());
        } else if (equalsIgnoringCase(name, "transfer-encoding")) {
            if (hasCoding || !equalsIgnoringCase(trimBlanks(value), "chunked")) {
                return invalid(ErrorCode::NotImplemented,
                               "only the chunked transfer coding is supported");
            }
            hasCoding = true;
        }
    }
    if (hasCoding && head.version == "HTTP/1.0") {
        return invalid(ErrorCode::BadRequest, "Transfer-Encoding is not accepted in HTTP/1.0");
    }
    if (hasLength && hasCoding) {
        return invalid(ErrorCode::BadRequest,
                       "Transfer-Encoding and Content-Length together are not accepted");
    }
    head.body = hasCoding   ? RequestHead::Body::Chunked
                : hasLength ? RequestHead::Body::Length
                            : RequestHead::Body::None;
    return std::nullopt;
}

/// An HTTP/1.1 request names its host exactly once; HTTP/1.0 may leave it out (RFC 9112 3.2).
std::optional<HeadParse> checkHost(const RequestHead& head) {
    const std::string* host = nullptr;
    for (const auto& [name, value] : head.headers) {
        if (!equalsIgnoringCase(name, "host")) {
            continue;
        }
        if (host != nullptr) {
            return invalid(ErrorCode::BadRequest, "more than one Host header");
        }
        host = &value;
    }
    if (host == nullptr) {
        if (head.version == "HTTP/1.1") {
            return invalid(ErrorCode::BadRequest, "missing Host header");
        }
        return std::nullopt;
    }
    if (!allOf(*host, isHostChar)) {
        return invalid(ErrorCode::BadRequest, "malformed Host header");
    }
    return std::nullopt;
}

}  // namespace

HeadParse parseRequestHead(std::string_view bytes, const HeadLimits& limits) {
    HeadParse parse;
    // A refusal keeps what was read of the head (its X-Request-Id, for the answer).
    const auto refuse = [&parse](HeadParse refusal) {
        refusal.head = std::move(parse.head);
        return refusal;
    };
    std::size_t pos = 0;
    // A few empty lines before the request line are skipped (a client's stray CRLF after a
    // body); more are not a request.
    for (int skipped = 0; bytes.substr(pos, 2) == "\r\n"; ++skipped) {
        if (skipped == kMaxEmptyLinesBefore) {
            return invalid(ErrorCode::BadRequest, "empty lines instead of a request line");
        }
        pos += 2;
    }
    bool requestLine = true;
    std::size_t headerBytes = 0;
    while (true) {
        const auto lineFeed = bytes.find('\n', pos);
        const bool complete = lineFeed != std::string_view::npos;
        std::string_view line =
            bytes.substr(pos, complete ? lineFeed - pos : std::string_view::npos);
        if (complete) {
            if (line.empty() || line.back() != '\r') {
                return refuse(invalid(ErrorCode::BadRequest, "lines must end with CRLF"));
            }
            line.remove_suffix(1);
        } else if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);  // the CR of a line end still to come
        }
        if (line.find('\r') != std::string_view::npos) {
            return refuse(invalid(ErrorCode::BadRequest, "a bare CR in the request head"));
        }
        if (requestLine) {
            if (auto refusal = checkRequestLine(line, complete, limits, parse.head)) {
                return refuse(std::move(*refusal));
            }
            if (!complete && line.size() > limits.maxUriBytes + kRequestLineOverhead) {
                return refuse(*uriTooLong(limits));
            }
        } else if (complete && line.empty()) {
            parse.head.size = lineFeed + 1;
            if (auto refusal = decideFraming(parse.head)) {
                return refuse(std::move(*refusal));
            }
            if (auto refusal = checkHost(parse.head)) {
                return refuse(std::move(*refusal));
            }
            parse.state = HeadParse::State::Complete;
            return parse;
        } else {
            if (auto refusal = checkHeaderLine(line, complete, limits, parse.head)) {
                return refuse(std::move(*refusal));
            }
            headerBytes += line.size() + 2;
            if (headerBytes > limits.maxHeaderBytes) {
                return refuse(invalid(ErrorCode::HeadersTooLarge,
                                      "request headers are larger than " +
                                          std::to_string(limits.maxHeaderBytes) + " bytes"));
            }
        }
        if (!complete) {
            return parse;  // Incomplete
        }
        requestLine = false;
        pos = lineFeed + 1;
    }
}

}  // namespace shop::http
