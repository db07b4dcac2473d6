#include "proxy/upstream_connection.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "shop/http/chunked.hpp"
#include "shop/http/text.hpp"

namespace shop::gateway {
namespace {

using Kind = UpstreamError::Kind;

/// An answer's head (status line and fields) longer than this is not from our services.
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
/// Nor is a body longer than this (the longest list page is far below it).
constexpr long long kMaxBodyBytes = 64LL * 1024 * 1024;

[[noreturn]] void broken(const std::string& what) {
    throw UpstreamError(Kind::Broken, what);
}

[[noreturn]] void failed(const char* what, int error) {
    if (error == EAGAIN || error == EWOULDBLOCK) {
        throw UpstreamError(Kind::Timeout, std::string(what) + " timed out");
    }
    throw UpstreamError(Kind::Broken, std::string(what) + ": " + std::strerror(error));
}

timeval toTimeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

/// Connects `fd` (non-blocking) to `address` within `timeout`; the errno of the failure, or 0.
int connectWithin(int fd, const addrinfo& address, std::chrono::milliseconds timeout) {
    if (::connect(fd, address.ai_addr, address.ai_addrlen) == 0) {
        return 0;
    }
    if (errno != EINPROGRESS) {
        return errno;
    }
    pollfd wait{fd, POLLOUT, 0};
    int ready = 0;
    do {
        ready = ::poll(&wait, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
        return ETIMEDOUT;
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (ready < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
        return errno;
    }
    return error;
}

}  // namespace

const std::string* UpstreamAnswer::header(std::string_view name) const {
    for (const auto& [field, value] : headers) {
        if (http::equalsIgnoringCase(field, name)) {
            return &value;
        }
    }
    return nullptr;
}

std::unique_ptr<UpstreamConnection> UpstreamConnection::open(
    const std::string& host, std::uint16_t port, std::chrono::milliseconds connectTimeout,
    std::chrono::milliseconds ioTimeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int resolved = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (resolved != 0) {
        throw UpstreamError(Kind::Refused,
                            "cannot resolve " + host + ": " + ::gai_strerror(resolved));
    }
    // IPv4 addresses first, as Poco chose: a host whose IPv6 address is not reachable would
    // otherwise cost each new connection a connect timeout.
    std::vector<const addrinfo*> addresses;
    for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
        addresses.push_back(address);
    }
    std::stable_partition(addresses.begin(), addresses.end(),
                          [](const addrinfo* address) { return address->ai_family == AF_INET; });
    int lastError = ECONNREFUSED;
    for (const addrinfo* address : addresses) {
        const int fd =
            ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            lastError = errno;
            continue;
        }
        lastError = connectWithin(fd, *address, connectTimeout);
        if (lastError != 0) {
            ::close(fd);
            continue;
        }
        ::freeaddrinfo(found);
        // Blocking from here on, each send and receive bounded by the timeout.
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        const timeval io = toTimeval(ioTimeout);
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &io, sizeof io);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &io, sizeof io);
        return std::unique_ptr<UpstreamConnection>(new UpstreamConnection(fd));
    }
    ::freeaddrinfo(found);
    const std::string where = host + ":" + service;
    if (lastError == ETIMEDOUT) {
        throw UpstreamError(Kind::Timeout, "connecting to " + where + " timed out");
    }
    throw UpstreamError(Kind::Refused,
                        "cannot connect to " + where + ": " + std::strerror(lastError));
}

UpstreamConnection::~UpstreamConnection() {
    ::close(m_fd);
}

bool UpstreamConnection::closedByPeer() const {
    char byte = 0;
    const auto n = ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

void UpstreamConnection::sendAll(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            failed("sending the request", errno);
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool UpstreamConnection::receiveMore() {
    char chunk[16 * 1024];
    while (true) {
        const auto n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            m_buffer.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
        if (n == 0) {
            return false;
        }
        if (errno != EINTR) {
            failed("receiving the answer", errno);
        }
    }
}

void UpstreamConnection::require(std::size_t size) {
    while (m_buffer.size() - m_consumed < size) {
        if (!receiveMore()) {
            broken("the connection closed in the middle of the answer");
        }
    }
}

/// Reads the head of the next final answer (skipping interim 1xx ones); returns its size.
std::size_t UpstreamConnection::readHead(UpstreamAnswer& answer, bool& chunked, bool& closeAfter,
                                         long long& length) {
    while (true) {
        std::size_t end = std::string::npos;
        while ((end = m_buffer.find("\r\n\r\n", m_consumed)) == std::string::npos) {
            if (m_buffer.size() - m_consumed > kMaxHeadBytes) {
                broken("the answer's head is longer than 64 KiB");
            }
            if (!receiveMore()) {
                broken(m_buffer.size() == m_consumed
                           ? "the connection closed before an answer"
                           : "the connection closed in the answer's head");
            }
        }
        const std::string_view head(m_buffer.data() + m_consumed, end - m_consumed);
        const std::size_t size = end + 4 - m_consumed;
        const std::size_t lineEnd = head.find("\r\n");
        const std::string_view statusLine = head.substr(0, lineEnd);
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (statusLine.size() < 12 || statusLine.substr(0, 7) != "HTTP/1." ||
            statusLine[8] != ' ' || (statusLine.size() > 12 && statusLine[12] != ' ')) {
            broken("the answer is not HTTP/1.x");
        }
        int status = 0;
        const auto digits = statusLine.substr(9, 3);
        const auto parsed = std::from_chars(digits.data(), digits.data() + 3, status);
        if (parsed.ec != std::errc() || parsed.ptr != digits.data() + 3 || status < 100) {
            broken("the answer's status is malformed");
        }
        if (status < 200 && status != 101) {
            m_consumed += size;  // an interim answer: the final one follows
            continue;
        }
        answer.status = status;
        closeAfter = statusLine[7] == '0';  // HTTP/1.0 closes unless it says keep-alive
        chunked = false;
        length = -1;
        std::size_t at = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
        while (at < head.size()) {
            std::size_t next = head.find("\r\n", at);
            if (next == std::string_view::npos) {
                next = head.size();
            }
            const std::string_view line = head.substr(at, next - at);
            at = next + 2;
            for (const char c : line) {
                // No bare CR or LF, NUL or other control character reaches a client.
                const auto u = static_cast<unsigned char>(c);
                if ((u < 0x20 && c != '\t') || u == 0x7f) {
                    broken("the answer has a control character in a header field");
                }
            }
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0) {
                broken("the answer has a malformed header field");
            }
            const std::string_view name = line.substr(0, colon);
            const std::string_view value = http::trimBlanks(line.substr(colon + 1));
            if (http::equalsIgnoringCase(name, "content-length")) {
                long long parsedLength = -1;
                const auto r =
                    std::from_chars(value.data(), value.data() + value.size(), parsedLength);
                if (r.ec != std::errc() || r.ptr != value.data() + value.size() ||
                    parsedLength < 0 || (length >= 0 && parsedLength != length)) {
                    broken("the answer's Content-Length is malformed");
                }
                length = parsedLength;
            } else if (http::equalsIgnoringCase(name, "transfer-encoding")) {
                chunked = http::hasToken(value, "chunked");
            } else if (http::equalsIgnoringCase(name, "connection")) {
                if (http::hasToken(value, "close")) {
                    closeAfter = true;
                } else if (http::hasToken(value, "keep-alive")) {
                    closeAfter = false;
                }
            } else if (http::equalsIgnoringCase(name, "content-type")) {
                answer.contentType = std::string(value);
            }
            answer.headers.emplace_back(std::string(name), std::string(value));
        }
        return size;
    }
}

void UpstreamConnection::readChunked(std::string& body) {
    // The server's decoder for request bodies, with the answer's ceiling.
    http::ChunkedDecoder decoder(static_cast<std::size_t>(kMaxBodyBytes));
    while (true) {
        const http::ChunkedParse parse =
            decoder.feed(std::string_view(m_buffer).substr(m_consumed), body);
        m_consumed += parse.consumed;
        switch (parse.state) {
            case http::ChunkedParse::State::Complete:
                return;
            case http::ChunkedParse::State::TooLarge:
            case http::ChunkedParse::State::Invalid:
                broken("the answer's chunked body is malformed or too long");
            case http::ChunkedParse::State::Incomplete:
                break;
        }
        require(m_buffer.size() - m_consumed + 1);  // more than the decoder has seen
    }
}

UpstreamAnswer UpstreamConnection::exchange(std::string_view request, bool headRequest) {
    m_reusable = false;  // until a whole answer has been read
    if (m_consumed < m_buffer.size()) {
        broken("the upstream sent something unasked");
    }
    m_buffer.clear();
    m_consumed = 0;
    sendAll(request);

    UpstreamAnswer answer;
    bool chunked = false;
    bool closeAfter = false;
    long long length = -1;
    m_consumed += readHead(answer, chunked, closeAfter, length);
    const bool noBody =
        headRequest || answer.status == 204 || answer.status == 304 || answer.status == 101;
    if (noBody) {
        // nothing follows the head
    } else if (chunked) {
        readChunked(answer.body);
    } else if (length >= 0) {
        if (length > kMaxBodyBytes) {
            broken("the answer's body is longer than 64 MiB");
        }
        require(static_cast<std::size_t>(length));
        answer.body.assign(m_buffer, m_consumed, static_cast<std::size_t>(length));
        m_consumed += static_cast<std::size_t>(length);
    } else {
        // Framed by the end of the connection.
        while (receiveMore()) {
            if (static_cast<long long>(m_buffer.size() - m_consumed) > kMaxBodyBytes) {
                broken("the answer's body is longer than 64 MiB");
            }
        }
        answer.body.assign(m_buffer, m_consumed);
        m_consumed = m_buffer.size();
        closeAfter = true;
    }
    m_reusable = !closeAfter && answer.status != 101 && m_consumed == m_buffer.size();
    return answer;
}

}  // namespace shop::gateway
