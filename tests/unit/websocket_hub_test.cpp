// The WebSocket hub behind the HTTP server's upgrade hook, on loopback sockets with Poco's
// WebSocket client: delivery, pings, closes, slow readers, dead peers and the connection limit.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "shop/core/errors.hpp"
#include "shop/http/server.hpp"
#include "shop/testing/env.hpp"
#include "shop/websocket/frame.hpp"
#include "shop/websocket/hub.hpp"

namespace shop::websocket {
namespace {

using namespace std::chrono_literals;
using Poco::Net::WebSocket;

/// Frame flags for a final frame with `opcode` (Poco's two enums do not mix in C++20).
int finalFrame(int opcode) {
    return static_cast<int>(WebSocket::FRAME_FLAG_FIN) | opcode;
}

/// One received frame: its opcode and payload.
struct Received {
    int opcode = -1;  ///< -1: the connection ended (or timed out)
    std::string payload;
};

Received receive(WebSocket& socket) {
    char buffer[70000];
    int flags = 0;
    try {
        const int n = socket.receiveFrame(buffer, sizeof buffer, flags);
        if (n == 0 && flags == 0) {
            return {};
        }
        return {flags & WebSocket::FRAME_OP_BITMASK,
                std::string(buffer, static_cast<std::size_t>(n))};
    } catch (const std::exception&) {
        return {};
    }
}

/// A hub behind an HTTP server whose upgrade handler adopts every socket on GET /ws (and
/// refuses upgrades on GET /plain with 400).
class HubTest : public ::testing::Test {
  protected:
    void startHub(HubOptions options) {
        m_hub = std::make_unique<Hub>(options);
        m_hub->start();
        http::Router router;
        router.add("GET", "/ws", [](const http::Request&) {
            return http::Response::data(200, R"({"plain":true})");
        });
        router.add("GET", "/plain", [](const http::Request&) {
            return http::Response::data(200, R"({"plain":true})");
        });
        m_server = std::make_unique<http::Server>(http::ServerOptions{}, std::move(router));
        m_server->setObserver([this](std::string_view, std::string_view route, int status, double) {
            std::lock_guard lock(m_mutex);
            m_observed.emplace_back(std::string(route) + " " + std::to_string(status));
        });
        m_server->setUpgradeHandler(
            [this](const http::Request& request, const http::AcceptWebSocket& accept) {
                if (request.route != "/ws") {
                    throw core::ApiError(core::ErrorCode::BadRequest, "no WebSocket here");
                }
                const Poco::Net::StreamSocket socket = accept();
                auto id = m_hub->adopt(socket, {request.target, request.requestId, "test"},
                                       [this](Hub::ConnectionId closed) {
                                           std::lock_guard lock(m_mutex);
                                           m_closed.insert(closed);
                                       });
                std::lock_guard lock(m_mutex);
                if (id) {
                    m_ids.push_back(*id);
                }
            });
        m_server->start();
    }

    void TearDown() override {
        if (m_server) {
            m_server->stop();
        }
        if (m_hub) {
            m_hub->stop();
        }
    }

    /// Connects a client and waits until the hub holds it; returns its hub id.
    std::unique_ptr<WebSocket> connect(Hub::ConnectionId* id = nullptr,
                                       const std::string& requestId = "") {
        const std::size_t before = ids().size();
        Poco::Net::HTTPClientSession session("127.0.0.1", m_server->port());
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        if (!requestId.empty()) {
            request.set("X-Request-Id", requestId);
        }
        Poco::Net::HTTPResponse response;
        auto socket = std::make_unique<WebSocket>(session, request, response);
        m_lastUpgrade = response;
        socket->setReceiveTimeout(Poco::Timespan(5, 0));
        EXPECT_TRUE(testing::waitUntil([&] { return ids().size() > before; }, 5s));
        if (id != nullptr) {
            *id = ids().back();
        }
        return socket;
    }

    std::vector<Hub::ConnectionId> ids() {
        std::lock_guard lock(m_mutex);
        return m_ids;
    }
    bool closed(Hub::ConnectionId id) {
        std::lock_guard lock(m_mutex);
        return m_closed.contains(id);
    }
    std::vector<std::string> observed() {
        std::lock_guard lock(m_mutex);
        return m_observed;
    }

    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<http::Server> m_server;
    Poco::Net::HTTPResponse m_lastUpgrade;
    std::mutex m_mutex;
    std::vector<Hub::ConnectionId> m_ids;
    std::set<Hub::ConnectionId> m_closed;
    std::vector<std::string> m_observed;
};

TEST_F(HubTest, UpgradeKeepsTheRequestIdAndFreesTheHttpThread) {
    startHub({});
    Hub::ConnectionId id = 0;
    auto client = connect(&id, "upgrade-rid-1");
    EXPECT_EQ(m_lastUpgrade.getStatus(), Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
    EXPECT_EQ(m_lastUpgrade.get("X-Request-Id", ""), "upgrade-rid-1");
    // The worker thread returned: the server logged and observed the request as 101.
    EXPECT_TRUE(testing::waitUntil([&] {
        const auto seen = observed();
        return std::find(seen.begin(), seen.end(), "/ws 101") != seen.end();
    }));
    EXPECT_TRUE(m_hub->isOpen(id));
    EXPECT_EQ(m_hub->stats().open.load(), 1u);
}

TEST_F(HubTest, MessagesArriveInOrderAndPingsAreAnswered) {
    startHub({});
    Hub::ConnectionId id = 0;
    auto client = connect(&id);
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(m_hub->sendText(id, "message " + std::to_string(i)));
    }
    for (int i = 0; i < 50; ++i) {
        const Received frame = receive(*client);
        ASSERT_EQ(frame.opcode, WebSocket::FRAME_OP_TEXT);
        EXPECT_EQ(frame.payload, "message " + std::to_string(i));
    }
    client->sendFrame("are you there", 13, finalFrame(WebSocket::FRAME_OP_PING));
    const Received pong = receive(*client);
    EXPECT_EQ(pong.opcode, WebSocket::FRAME_OP_PONG);
    EXPECT_EQ(pong.payload, "are you there");
    // Text from the client is read and ignored; the connection stays.
    client->sendFrame("hello", 5, WebSocket::FRAME_TEXT);
    ASSERT_TRUE(m_hub->sendText(id, "still here"));
    EXPECT_EQ(receive(*client).payload, "still here");
    EXPECT_EQ(m_hub->stats().textFrames.load(), 51u);
}

TEST_F(HubTest, ClientCloseIsEchoedAndTheConnectionForgotten) {
    startHub({});
    Hub::ConnectionId id = 0;
    auto client = connect(&id);
    const std::string payload = std::string("\x03\xE8", 2) + "bye";
    client->sendFrame(payload.data(), static_cast<int>(payload.size()),
                      finalFrame(WebSocket::FRAME_OP_CLOSE));
    const Received echo = receive(*client);
    EXPECT_EQ(echo.opcode, WebSocket::FRAME_OP_CLOSE);
    EXPECT_EQ(closeCodeOf(echo.payload), 1000);
    EXPECT_TRUE(testing::waitUntil([&] { return closed(id); }));
    EXPECT_FALSE(m_hub->isOpen(id));
    EXPECT_FALSE(m_hub->sendText(id, "too late"));
    EXPECT_EQ(m_hub->connections(), 0u);
}

TEST_F(HubTest, ServerCloseSendsWhatWasQueuedFirst) {
    startHub({});
    Hub::ConnectionId id = 0;
    auto client = connect(&id);
    m_hub->sendText(id, R"({"type":"error","code":"NOT_FOUND"})");
    m_hub->close(id, kClosePolicyViolation, "NOT_FOUND");
    EXPECT_FALSE(m_hub->sendText(id, "after close"));
    const Received error = receive(*client);
    EXPECT_EQ(error.opcode, WebSocket::FRAME_OP_TEXT);
    EXPECT_EQ(error.payload, R"({"type":"error","code":"NOT_FOUND"})");
    const Received close = receive(*client);
    ASSERT_EQ(close.opcode, WebSocket::FRAME_OP_CLOSE);
    EXPECT_EQ(closeCodeOf(close.payload), kClosePolicyViolation);
    EXPECT_EQ(close.payload.substr(2), "NOT_FOUND");
    client->shutdown();  // answers the close
    EXPECT_TRUE(testing::waitUntil([&] { return closed(id); }));
}

TEST_F(HubTest, ASlowReaderIsDroppedWithoutHoldingUpOthers) {
    HubOptions options;
    options.maxQueuedBytes = 64 * 1024;
    startHub(options);
    Hub::ConnectionId slowId = 0;
    Hub::ConnectionId fastId = 0;
    auto slow = connect(&slowId);  // never reads
    auto fast = connect(&fastId);
    const auto chunk = Hub::textFrame(std::string(8 * 1024, 's'));
    std::size_t queued = 0;
    // Kernel buffers take a few MB first; then the hub's queue for this socket overflows.
    while (m_hub->send(slowId, chunk)) {
        ASSERT_LT(++queued, 100000u) << "the slow reader was never dropped";
        if (queued % 64 == 0) {
            std::this_thread::sleep_for(1ms);  // let the I/O thread fill the kernel buffers
        }
    }
    EXPECT_TRUE(testing::waitUntil([&] { return closed(slowId); }));
    EXPECT_EQ(m_hub->stats().droppedSlow.load(), 1u);
    ASSERT_TRUE(m_hub->sendText(fastId, "unaffected"));
    EXPECT_EQ(receive(*fast).payload, "unaffected");
}

TEST_F(HubTest, IdleSocketsArePingedAndDeadOnesReaped) {
    HubOptions options;
    options.pingInterval = 300ms;
    options.pongTimeout = 300ms;
    startHub(options);
    Hub::ConnectionId aliveId = 0;
    Hub::ConnectionId deadId = 0;
    auto alive = connect(&aliveId);
    auto dead = connect(&deadId);  // never reads, so never answers a ping
    std::atomic<bool> stop{false};
    std::atomic<int> pingsAnswered{0};
    std::thread answering([&] {
        alive->setReceiveTimeout(Poco::Timespan(0, 100000));
        while (!stop) {
            char buffer[256];
            int flags = 0;
            try {
                const int n = alive->receiveFrame(buffer, sizeof buffer, flags);
                if ((flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_PING) {
                    alive->sendFrame(buffer, n, finalFrame(WebSocket::FRAME_OP_PONG));
                    ++pingsAnswered;
                }
            } catch (const Poco::TimeoutException&) {
            } catch (const std::exception&) {
                return;
            }
        }
    });
    EXPECT_TRUE(testing::waitUntil([&] { return closed(deadId); }, 10s));
    EXPECT_TRUE(testing::waitUntil([&] { return pingsAnswered >= 2; }, 10s));
    stop = true;
    answering.join();
    EXPECT_TRUE(m_hub->isOpen(aliveId));
    EXPECT_EQ(m_hub->stats().reapedDead.load(), 1u);
    EXPECT_GE(m_hub->stats().pings.load(), 3u);
}

TEST_F(HubTest, ConnectionsOverTheLimitAreRefusedWith1013) {
    HubOptions options;
    options.maxConnections = 1;
    startHub(options);
    auto first = connect();
    Poco::Net::HTTPClientSession session("127.0.0.1", m_server->port());
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse response;
    WebSocket second(session, request, response);
    second.setReceiveTimeout(Poco::Timespan(5, 0));
    const Received close = receive(second);
    ASSERT_EQ(close.opcode, WebSocket::FRAME_OP_CLOSE);
    EXPECT_EQ(closeCodeOf(close.payload), kCloseTryAgainLater);
    EXPECT_EQ(m_hub->stats().refused.load(), 1u);
    EXPECT_EQ(m_hub->connections(), 1u);
}

TEST_F(HubTest, StopSaysGoingAwayToEveryone) {
    startHub({});
    auto a = connect();
    auto b = connect();
    m_server->stop();
    m_hub->stop();
    for (auto* client : {a.get(), b.get()}) {
        const Received close = receive(*client);
        ASSERT_EQ(close.opcode, WebSocket::FRAME_OP_CLOSE);
        EXPECT_EQ(closeCodeOf(close.payload), kCloseGoingAway);
    }
    EXPECT_EQ(m_hub->connections(), 0u);
}

TEST_F(HubTest, UpgradesAreRoutedAndRefusalsUseTheErrorEnvelope) {
    startHub({});
    auto upgradeTo = [&](const std::string& path) {
        Poco::Net::HTTPClientSession session("127.0.0.1", m_server->port());
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPResponse response;
        try {
            WebSocket socket(session, request, response);
        } catch (const Poco::Net::WebSocketException&) {
        }
        return static_cast<int>(response.getStatus());
    };
    EXPECT_EQ(upgradeTo("/nowhere"), 404);
    EXPECT_EQ(upgradeTo("/plain"), 400);
    // A plain GET of the same route still reaches its ordinary handler.
    Poco::Net::HTTPClientSession session("127.0.0.1", m_server->port());
    Poco::Net::HTTPRequest plain(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(plain);
    Poco::Net::HTTPResponse response;
    session.receiveResponse(response);
    EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_OK);
    EXPECT_EQ(m_hub->connections(), 0u);
}

}  // namespace
}  // namespace shop::websocket
