#include "wire.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/SHA1Engine.h>

#include <ctime>
#include <sstream>

#include "shop/http/chunked.hpp"
#include "shop/http/text.hpp"

namespace shop::http::detail {
namespace {

/// Waits until pending() holds at least `size` bytes; false when they do not come.
bool await(GuardedSocketImpl& guarded, std::size_t size) {
    while (guarded.pending().size() < size) {
        if (!guarded.readMore()) {
            return false;
        }
    }
    return true;
}

BodyRead readChunked(GuardedSocketImpl& guarded, std::size_t limit, std::string& out) {
    ChunkedDecoder decoder(limit);
    while (true) {
        // Each byte is decoded once: what was decoded leaves pending() before more is read.
        const ChunkedParse parse = decoder.feed(guarded.pending(), out);
        guarded.pending().erase(0, parse.consumed);
        switch (parse.state) {
            case ChunkedParse::State::Complete:
                return BodyRead::Complete;
            case ChunkedParse::State::TooLarge:
                return BodyRead::TooLarge;
            case ChunkedParse::State::Invalid:
                return BodyRead::Incomplete;
            case ChunkedParse::State::Incomplete:
                break;
        }
        if (!guarded.readMore()) {
            return BodyRead::Incomplete;
        }
    }
}

/// "Sun, 06 Nov 1994 08:49:37 GMT", formatted once a second per thread.
std::string_view httpDate() {
    thread_local std::time_t formattedAt = -1;
    thread_local char text[40];
    const std::time_t now = std::time(nullptr);
    if (now != formattedAt) {
        std::tm parts{};
        ::gmtime_r(&now, &parts);
        std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
        formattedAt = now;
    }
    return text;
}

}  // namespace

BodyRead readBody(GuardedSocketImpl& guarded, const RequestHead& head, std::size_t limit,
                  std::string& out) {
    out.clear();
    switch (head.body) {
        case RequestHead::Body::None:
            return BodyRead::Complete;
        case RequestHead::Body::Chunked:
            return readChunked(guarded, limit, out);
        case RequestHead::Body::Length:
            break;
    }
    if (head.contentLength > limit) {
        return BodyRead::TooLarge;
    }
    const auto length = static_cast<std::size_t>(head.contentLength);
    if (!await(guarded, length)) {
        return BodyRead::Incomplete;
    }
    out.assign(guarded.pending(), 0, length);
    guarded.pending().erase(0, length);
    return BodyRead::Complete;
}

bool skipBody(GuardedSocketImpl& guarded, std::size_t length) {
    std::string& pending = guarded.pending();
    while (true) {
        const std::size_t taken = std::min(length, pending.size());
        pending.erase(0, taken);
        length -= taken;
        if (length == 0) {
            return true;
        }
        if (!guarded.readMore()) {
            return false;
        }
    }
}

std::string_view headerOf(const RequestHead& head, std::string_view lowerName) {
    for (const auto& [name, value] : head.headers) {
        if (equalsIgnoringCase(name, lowerName)) {
            return value;
        }
    }
    return {};
}

bool wantsKeepAlive(const RequestHead& head) {
    const std::string_view connection = headerOf(head, "connection");
    if (hasToken(connection, "close")) {
        return false;
    }
    return head.version == "HTTP/1.1" || hasToken(connection, "keep-alive");
}

std::string_view reasonPhrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 101:
            return "Switching Protocols";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return status < 400 ? "OK" : "Error";
    }
}

std::string serializeResponse(const Response& response, std::string_view requestId,
                              std::string_view version, bool keepAlive, bool headOnly) {
    std::string out;
    out.reserve(192 + requestId.size() + response.contentType.size() +
                (headOnly ? 0 : response.body.size()));
    auto field = [&out](std::string_view name, std::string_view value) {
        out.append(name).append(": ").append(value).append("\r\n");
    };
    out.append(version.empty() ? "HTTP/1.1" : version).append(" ");
    out.append(std::to_string(response.status)).append(" ");
    out.append(reasonPhrase(response.status)).append("\r\n");
    field("Date", httpDate());
    if (!response.contentType.empty()) {
        field("Content-Type", response.contentType);
    }
    field("X-Request-Id", requestId);
    for (const auto& [name, value] : response.headers) {
        field(name, value);
    }
    field("Content-Length", std::to_string(response.body.size()));
    if (!keepAlive) {
        field("Connection", "close");
    } else if (version == "HTTP/1.0") {
        field("Connection", "keep-alive");
    }
    out.append("\r\n");
    if (!headOnly) {
        out.append(response.body);
    }
    return out;
}

std::string webSocketAccept(std::string_view key) {
    Poco::SHA1Engine sha1;
    sha1.update(key.data(), static_cast<unsigned>(key.size()));
    sha1.update(std::string_view("258EAFA5-E914-47DA-95CA-C5AB0DC85B11").data(), 36);
    const Poco::DigestEngine::Digest& digest = sha1.digest();
    std::ostringstream text;
    Poco::Base64Encoder base64(text);
    base64.write(reinterpret_cast<const char*>(digest.data()),
                 static_cast<std::streamsize>(digest.size()));
    base64.close();
    return text.str();
}

}  // namespace shop::http::detail
