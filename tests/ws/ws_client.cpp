#include "ws_client.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>

#include <charconv>
#include <vector>

namespace shop::wstest {
namespace {

using Poco::Net::WebSocket;

int finalFrame(int opcode) {
    return static_cast<int>(WebSocket::FRAME_FLAG_FIN) | opcode;
}

}  // namespace

WsClient::WsClient(std::uint16_t port, const std::string& target, const std::string& token) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) {
        request.set("Authorization", "Bearer " + token);
    }
    Poco::Net::HTTPResponse response;
    m_socket = std::make_unique<WebSocket>(session, request, response);
}

UpgradeAnswer tryUpgrade(std::uint16_t port, const std::string& target, const std::string& token) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    // The handshake's headers (RFC 6455 section 4.1), as Poco's WebSocket client sends them.
    request.set("Connection", "Upgrade");
    request.set("Upgrade", "websocket");
    request.set("Sec-WebSocket-Version", "13");
    request.set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    if (!token.empty()) {
        request.set("Authorization", "Bearer " + token);
    }
    request.setChunkedTransferEncoding(false);
    session.setKeepAlive(true);  // else the session says "Connection: close" instead of Upgrade
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& stream = session.receiveResponse(response);
    UpgradeAnswer answer;
    answer.status = static_cast<int>(response.getStatus());
    answer.requestId = response.get("X-Request-Id", "");
    answer.contentType = response.get("Content-Type", "");
    answer.retryAfter = response.get("Retry-After", "");
    if (answer.status != 101) {
        Poco::StreamCopier::copyToString(stream, answer.body);
        std::string error;
        answer.json = domain::parseJson(answer.body, error);
    }
    return answer;  // the session closes the connection (also a switched one)
}

WsClient::~WsClient() {
    try {
        if (m_socket) {
            m_socket->close();
        }
    } catch (...) {
    }
}

void WsClient::close() {
    if (!m_closed) {
        const char payload[] = {'\x03', '\xE8'};
        try {
            m_socket->sendFrame(payload, 2, finalFrame(WebSocket::FRAME_OP_CLOSE));
        } catch (...) {
        }
        m_closed = true;
    }
    try {
        m_socket->close();
    } catch (...) {
    }
}

std::optional<domain::Json> WsClient::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<char> buffer(1 << 16);
    while (!m_closed) {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        m_socket->setReceiveTimeout(Poco::Timespan(left.count()));
        int flags = 0;
        int n = 0;
        try {
            n = m_socket->receiveFrame(buffer.data(), static_cast<int>(buffer.size()), flags);
        } catch (const Poco::TimeoutException&) {
            return std::nullopt;
        } catch (const std::exception&) {
            m_closed = true;
            return std::nullopt;
        }
        const int opcode = flags & WebSocket::FRAME_OP_BITMASK;
        if (n == 0 && flags == 0) {
            m_closed = true;  // the connection ended without a close frame
            return std::nullopt;
        }
        if (opcode == WebSocket::FRAME_OP_PING) {
            m_socket->sendFrame(buffer.data(), n, finalFrame(WebSocket::FRAME_OP_PONG));
            continue;
        }
        if (opcode == WebSocket::FRAME_OP_CLOSE) {
            m_closed = true;
            if (n >= 2) {
                m_closeCode = (static_cast<unsigned char>(buffer[0]) << 8) |
                              static_cast<unsigned char>(buffer[1]);
            }
            try {
                m_socket->sendFrame(buffer.data(), std::min(n, 2),
                                    finalFrame(WebSocket::FRAME_OP_CLOSE));
            } catch (...) {
            }
            return std::nullopt;
        }
        if (opcode != WebSocket::FRAME_OP_TEXT) {
            continue;
        }
        std::string error;
        auto json =
            domain::parseJson(std::string_view(buffer.data(), static_cast<std::size_t>(n)), error);
        if (!json) {
            throw std::runtime_error("a text frame that is not JSON: " + error);
        }
        m_received.push_back(*json);
        return json;
    }
    return std::nullopt;
}

std::optional<domain::Json> WsClient::waitFor(const std::function<bool(const domain::Json&)>& match,
                                              std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        auto frame = next(left);
        if (!frame) {
            return std::nullopt;
        }
        if (match(*frame)) {
            return frame;
        }
    }
}

std::string text(const domain::Json& object, std::string_view member) {
    const domain::Json* value = object.find(member);
    return value != nullptr && value->isString() ? value->asString() : std::string();
}

std::int64_t versionOf(const domain::Json& frame) {
    const domain::Json* value = frame.find("version");
    if (value == nullptr || !value->isNumber()) {
        return 0;
    }
    std::int64_t version = 0;
    const std::string& digits = value->numberText();
    std::from_chars(digits.data(), digits.data() + digits.size(), version);
    return version;
}

}  // namespace shop::wstest
