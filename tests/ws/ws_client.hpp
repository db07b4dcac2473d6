#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shop/domain/json.hpp"

namespace Poco::Net {
class WebSocket;
}

namespace shop::wstest {

/// A WebSocket client for the tests, over Poco's client: connects to the gateway, reads JSON
/// text frames with a deadline, answers the server's pings, and notices the server's close.
/// Not thread-safe.
class WsClient final {
  public:
    /// Opens `ws://127.0.0.1:<port><target>`, sending `Authorization: Bearer <token>` when
    /// `token` is not empty. Throws when the handshake fails.
    WsClient(std::uint16_t port, const std::string& target, const std::string& token = {});
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    /// The next JSON text message, or nullopt when none comes within `timeout` or the socket
    /// closed (see closed()).
    std::optional<domain::Json> next(std::chrono::milliseconds timeout);

    /// Reads messages until one satisfies `match` (returned), or the deadline passes or the
    /// socket closes (nullopt). Every message read is also kept in received().
    std::optional<domain::Json> waitFor(const std::function<bool(const domain::Json&)>& match,
                                        std::chrono::milliseconds timeout);

    /// True once the server's close frame (or the end of the connection) was seen.
    bool closed() const { return m_closed; }
    /// The close frame's status code (0 when the connection just ended).
    int closeCode() const { return m_closeCode; }
    const std::vector<domain::Json>& received() const { return m_received; }

    /// Sends a close frame (1000) and closes the socket.
    void close();

  private:
    std::unique_ptr<Poco::Net::WebSocket> m_socket;
    bool m_closed = false;
    int m_closeCode = 0;
    std::vector<domain::Json> m_received;
};

/// What the gateway answered to a WebSocket upgrade request.
struct UpgradeAnswer {
    int status = 0;    ///< 101 when the handshake succeeded (the socket is then closed at once)
    std::string body;  ///< the body of a refusal
    std::optional<domain::Json> json;  ///< the body parsed, nullopt when it is not JSON
    std::string requestId;             ///< the X-Request-Id header
    std::string contentType;
    std::string retryAfter;  ///< the Retry-After header ("" when absent)
};

/// Sends one WebSocket upgrade request for `target` to 127.0.0.1:`port` (with
/// `Authorization: Bearer <token>` when `token` is not empty) and returns the answer, whatever
/// it is: for refusals that happen before the handshake (401, 403, 429...). Throws only when
/// the connection fails.
UpgradeAnswer tryUpgrade(std::uint16_t port, const std::string& target,
                         const std::string& token = {});

/// `member` of a JSON object as a string ("" when absent or not a string).
std::string text(const domain::Json& object, std::string_view member);
/// `version` of a frame (0 when absent).
std::int64_t versionOf(const domain::Json& frame);

}  // namespace shop::wstest
