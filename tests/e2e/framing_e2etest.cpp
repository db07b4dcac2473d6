// The HTTP framing rules (tests/unit/http_limits_test.cpp holds every case) hold on each real
// process: the gateway, and orders and payments behind it, answer ambiguous or malformed heads
// before any routing or credential check, and close the connection, so the request hidden
// after the head never runs.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/api.hpp"

namespace shop::e2e {
namespace {

/// Sends `bytes` and reads until the server closes the connection (or `timeout` passes).
/// `closed` tells which.
std::string exchange(std::uint16_t port, const std::string& bytes, bool& closed,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string received;
    closed = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
            deadline - std::chrono::steady_clock::now());
        if (!socket.poll(Poco::Timespan(left.count()), Poco::Net::Socket::SELECT_READ)) {
            break;
        }
        char buffer[4096];
        int n = 0;
        try {
            n = socket.receiveBytes(buffer, sizeof buffer);
        } catch (const std::exception&) {
            n = 0;  // reset after the answer
        }
        if (n <= 0) {
            closed = true;
            break;
        }
        received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
}

struct Row {
    const char* name;
    std::string request;
    int status;
    const char* code;
};

TEST(FramingE2eTest, EveryProcessRefusesAmbiguousFramingAndClosesTheConnection) {
    Stack& stack = Stack::instance();
    const std::string hidden = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string post =
        "POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    const std::vector<Row> rows{
        {"unknown coding", post + "Transfer-Encoding: xchunked\r\n\r\n" + hidden, 501,
         "NOT_IMPLEMENTED"},
        {"coding and length",
         post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" + hidden, 400,
         "BAD_REQUEST"},
        {"conflicting lengths", post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n" + hidden,
         400, "BAD_REQUEST"},
        {"length 1x", post + "Content-Length: 1x\r\n\r\n" + hidden, 400, "BAD_REQUEST"},
        {"HTTP/2.0", "GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n" + hidden, 505,
         "HTTP_VERSION_NOT_SUPPORTED"},
        {"no colon", "GET /health/live HTTP/1.1\r\nHost x\r\n\r\n" + hidden, 400, "BAD_REQUEST"},
        {"no Host", "GET /health/live HTTP/1.1\r\n\r\n" + hidden, 400, "BAD_REQUEST"},
        {"TLS ClientHello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), 400,
         "BAD_REQUEST"},
    };
    for (const auto& [process, port] :
         {std::pair{"gateway", stack.gatewayPort()}, std::pair{"orders", stack.ordersPort()},
          std::pair{"payments", stack.paymentsPort()}}) {
        for (const Row& row : rows) {
            SCOPED_TRACE(std::string(process) + ": " + row.name);
            bool closed = false;
            const std::string answer = exchange(port, row.request, closed);
            EXPECT_EQ(answer.rfind("HTTP/1.1 " + std::to_string(row.status) + " ", 0), 0u)
                << answer.substr(0, 200);
            EXPECT_NE(answer.find(std::string(R"("code":")") + row.code + "\""), std::string::npos)
                << answer.substr(0, 300);
            // One answer only: the hidden request after the head did not run.
            EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << answer.substr(0, 300);
            EXPECT_TRUE(closed) << "the connection stayed open";
        }
    }
}

}  // namespace
}  // namespace shop::e2e
