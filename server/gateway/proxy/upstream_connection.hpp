#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::gateway {

/// Why an exchange with an upstream failed.
class UpstreamError final : public std::runtime_error {
  public:
    enum class Kind {
        Refused,  ///< no connection could be made
        Timeout,  ///< a send or a receive took longer than the timeout
        Broken,   ///< the connection failed or closed, or the answer is not HTTP/1.x
    };
    UpstreamError(Kind kind, const std::string& message)
        : std::runtime_error(message), m_kind(kind) {}
    Kind kind() const { return m_kind; }

  private:
    Kind m_kind;
};

/// An upstream's answer as read off the wire.
struct UpstreamAnswer {
    int status = 0;
    std::string contentType;
    std::vector<std::pair<std::string, std::string>> headers;  ///< every field, names as sent
    std::string body;

    /// The value of the first field named `name` (any case), or null.
    const std::string* header(std::string_view name) const;
};

/// One keep-alive HTTP/1.1 connection to an upstream, on a blocking socket whose send and
/// receive timeouts are set once, when it connects: a request is one send() of its head and
/// body, its answer as few recv() calls as it arrives in, with no stream objects, per-request
/// socket options or address lookups in between. Not thread-safe: one exchange at a time.
class UpstreamConnection final {
  public:
    /// Connects to host:port (resolved now) within `connectTimeout`. Throws UpstreamError
    /// (Refused, Timeout).
    static std::unique_ptr<UpstreamConnection> open(const std::string& host, std::uint16_t port,
                                                    std::chrono::milliseconds connectTimeout,
                                                    std::chrono::milliseconds ioTimeout);
    ~UpstreamConnection();
    UpstreamConnection(const UpstreamConnection&) = delete;
    UpstreamConnection& operator=(const UpstreamConnection&) = delete;

    /// Sends `request` (a complete message: head and body) and reads one answer. With
    /// `headRequest`, the answer has no body whatever its framing says. Throws UpstreamError
    /// (Timeout, Broken); after that the connection must not be used again.
    UpstreamAnswer exchange(std::string_view request, bool headRequest);

    /// Whether the connection can carry another request: the last answer was complete and
    /// did not close it, and nothing unasked followed it.
    bool reusable() const { return m_reusable; }

    /// Whether the other end closed the connection while it was idle, or sent something
    /// unasked (either leaves it unusable): one non-blocking peek, which takes nothing.
    bool closedByPeer() const;

  private:
    explicit UpstreamConnection(int fd) : m_fd(fd) {}

    void sendAll(std::string_view bytes);
    /// Appends what one recv() returns to m_buffer; false at the end of the stream.
    bool receiveMore();
    /// Receives until m_buffer holds at least `size` bytes after m_consumed.
    void require(std::size_t size);
    std::size_t readHead(UpstreamAnswer& answer, bool& chunked, bool& closeAfter,
                         long long& length);
    void readChunked(std::string& body);

    int m_fd;
    std::string m_buffer;        ///< bytes received and not yet consumed (from m_consumed)
    std::size_t m_consumed = 0;  ///< of m_buffer
    bool m_reusable = true;
};

}  // namespace shop::gateway
