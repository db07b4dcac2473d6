// Input hardening of http::Server, over raw TCP: request line and header limits, slow clients
// (head and body deadlines), and the cap on concurrent connections. Every wait is a poll with a
// deadline; the short timeouts below keep the whole file at a few seconds.
#include <gtest/gtest.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "shop/core/config.hpp"
#include "shop/http/router.hpp"
#include "shop/http/server.hpp"
#include "shop/testing/env.hpp"

namespace shop::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kHeaderTimeout{700};
constexpr milliseconds kBodyTimeout{700};
// Generous against a loaded CI machine, still far below what an unbounded server would take.
constexpr milliseconds kSlack{1500};

/// The envelope code each framing rejection carries (written out, not derived from the code
/// under test).
std::string codeOf(int status) {
    switch (status) {
        case 408:
            return "REQUEST_TIMEOUT";
        case 414:
            return "URI_TOO_LONG";
        case 431:
            return "HEADERS_TOO_LARGE";
        case 501:
            return "NOT_IMPLEMENTED";
        case 505:
            return "HTTP_VERSION_NOT_SUPPORTED";
        default:
            return "BAD_REQUEST";
    }
}

struct RawResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  ///< names lowercased
    std::string body;

    std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? "" : it->second;
    }
};

/// A client that writes bytes as given and reads with deadlines.
class RawClient {
  public:
    explicit RawClient(std::uint16_t port) {
        m_socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
        m_socket.setNoDelay(true);
    }

    /// False when the server has already closed or reset the connection.
    bool send(const std::string& bytes) {
        try {
            std::size_t sent = 0;
            while (sent < bytes.size()) {
                const int n =
                    m_socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
                if (n <= 0) {
                    return false;
                }
                sent += static_cast<std::size_t>(n);
            }
            return true;
        } catch (const std::exception&) {
            return false;
        }
    }

    /// One response (head and Content-Length body), or nullopt if none arrived in time.
    std::optional<RawResponse> readResponse(milliseconds timeout = milliseconds(3000)) {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            if (auto response = parse()) {
                return response;
            }
            if (!fill(deadline)) {
                return parse();
            }
        }
    }

    /// True once the server has closed the connection (EOF or reset) within `timeout`.
    bool waitClosed(milliseconds timeout = milliseconds(3000)) {
        const auto deadline = Clock::now() + timeout;
        while (!m_closed) {
            if (!fill(deadline) && !m_closed) {
                return false;
            }
        }
        return true;
    }

    /// Waits up to `timeout` for the server to act; true if it closed the connection.
    bool closedWithin(milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!m_closed && Clock::now() < deadline) {
            fill(deadline);
        }
        return m_closed;
    }

    const std::string& received() const { return m_buffer; }
    void close() { m_socket.close(); }
    void shutdownSend() { m_socket.shutdownSend(); }

  private:
    /// Reads what is there before `deadline`; false on timeout or close.
    bool fill(Clock::time_point deadline) {
        if (m_closed) {
            return false;
        }
        const auto remaining =
            std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
        if (remaining.count() <= 0) {
            return false;
        }
        try {
            if (!m_socket.poll(Poco::Timespan(remaining.count()), Poco::Net::Socket::SELECT_READ)) {
                return false;
            }
            char buffer[4096];
            const int n = m_socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) {
                m_closed = true;
                return false;
            }
            m_buffer.append(buffer, static_cast<std::size_t>(n));
            return true;
        } catch (const std::exception&) {
            m_closed = true;  // reset by the server
            return false;
        }
    }

    std::optional<RawResponse> parse() {
        const auto headEnd = m_buffer.find("\r\n\r\n");
        if (headEnd == std::string::npos) {
            return std::nullopt;
        }
        RawResponse response;
        const std::string head = m_buffer.substr(0, headEnd);
        response.status = std::stoi(head.substr(9, 3));
        std::size_t pos = head.find("\r\n");
        while (pos != std::string::npos) {
            const auto next = head.find("\r\n", pos + 2);
            const std::string line = head.substr(pos + 2, next - pos - 2);
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (auto& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                response.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
            }
            pos = next;
        }
        const auto length = response.headers.count("content-length")
                                ? std::stoul(response.headers["content-length"])
                                : 0;
        if (m_buffer.size() < headEnd + 4 + length) {
            return std::nullopt;
        }
        response.body = m_buffer.substr(headEnd + 4, length);
        m_buffer.erase(0, headEnd + 4 + length);
        return response;
    }

    Poco::Net::StreamSocket m_socket;
    std::string m_buffer;
    bool m_closed = false;
};

std::string get(const std::string& target, const std::string& extraHeaders = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n";
}

class HttpLimitsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

    void SetUp() override { start(limits()); }
    void TearDown() override {
        if (m_server) {
            m_server->stop();
        }
    }

    static ServerOptions limits() {
        ServerOptions options;
        options.threads = 8;
        options.maxUriBytes = 1024;
        options.maxHeaderFields = 20;
        options.maxHeaderLineBytes = 512;
        options.maxHeaderBytes = 4096;
        options.headerTimeout = kHeaderTimeout;
        options.bodyTimeout = kBodyTimeout;
        return options;
    }

    void start(ServerOptions options) {
        if (m_server) {
            m_server->stop();
        }
        Router router;
        router.add("GET", "/ping",
                   [](const Request&) { return Response::data(200, R"({"pong":true})"); });
        router.add("POST", "/echo", [this](const Request& request) {
            ++m_echoed;
            return Response::data(200, std::to_string(request.body.size()));
        });
        m_server = std::make_unique<Server>(std::move(options), std::move(router));
        m_server->start();
    }

    std::uint16_t port() const { return m_server->port(); }

    /// The server answers `request` with `status` in the envelope, with the code that names
    /// that status, and closes the connection.
    void expectRejected(const std::string& request, int status) {
        RawClient client(port());
        client.send(request);  // may fail half-way once the server has answered
        const auto response = client.readResponse();
        ASSERT_TRUE(response) << "no response; received: " << client.received().substr(0, 200);
        EXPECT_EQ(response->status, status);
        EXPECT_NE(response->body.find(R"("code":")" + codeOf(status) + "\""), std::string::npos)
            << response->body;
        EXPECT_EQ(response->header("content-type"), "application/json");
        EXPECT_EQ(response->header("connection"), "close");
        EXPECT_FALSE(response->header("x-request-id").empty());
        EXPECT_TRUE(client.waitClosed()) << "the connection stayed open";
    }

    /// `client` asks GET /ping and gets its 200, the connection kept open.
    static void expectPong(RawClient& client) {
        ASSERT_TRUE(client.send(get("/ping")));
        const auto response = client.readResponse();
        ASSERT_TRUE(response);
        ASSERT_EQ(response->status, 200);
    }

    std::unique_ptr<Server> m_server;
    std::atomic<int> m_echoed{0};
};

TEST_F(HttpLimitsTest, ServesRequestsWithinTheLimitsOnOneConnection) {
    RawClient client(port());
    std::string fields;
    for (int i = 0; i < 18; ++i) {
        fields += "X-Field-" + std::to_string(i) + ": " + std::string(100, 'v') + "\r\n";
    }
    for (int round = 0; round < 2; ++round) {
        ASSERT_TRUE(client.send(get("/ping?q=" + std::string(900, 'a'), fields)));
        const auto response = client.readResponse();
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->body, R"({"data":{"pong":true}})");
    }
}

TEST_F(HttpLimitsTest, OverlongRequestTargetGets414) {
    expectRejected(get("/ping?q=" + std::string(1100, 'a')), 414);
}

TEST_F(HttpLimitsTest, RequestTargetBeyondTheHighestLimitGets414) {
    expectRejected(get("/" + std::string(20000, 'a')), 414);
}

TEST_F(HttpLimitsTest, TooManyHeaderFieldsGet431) {
    std::string fields;
    for (int i = 0; i < 25; ++i) {
        fields += "X-Field-" + std::to_string(i) + ": v\r\n";
    }
    expectRejected(get("/ping", fields), 431);
}

TEST_F(HttpLimitsTest, OverlongHeaderFieldGets431) {
    expectRejected(get("/ping", "X-Big: " + std::string(600, 'v') + "\r\n"), 431);
}

TEST_F(HttpLimitsTest, OversizedHeaderBlockGets431) {
    std::string fields;
    for (int i = 0; i < 15; ++i) {
        fields += "X-Field-" + std::to_string(i) + ": " + std::string(400, 'v') + "\r\n";
    }
    expectRejected(get("/ping", fields), 431);
}

TEST_F(HttpLimitsTest, EndlessHeaderLinesGet431) {
    std::string lines;
    for (int i = 0; i < 2000; ++i) {
        lines += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'z') + "\r\n";
    }
    expectRejected(get("/ping", lines), 431);
}

TEST_F(HttpLimitsTest, EndlessEmptyLinesBeforeTheRequestGet400) {
    std::string lines;
    for (int i = 0; i < 4000; ++i) {
        lines += "\r\n";
    }
    expectRejected(lines + get("/ping"), 400);
}

/// One row of the framing suite (RFC 9112): the request, and the status its answer must have.
/// Every refused row is answered in the envelope and closes the connection, so the bytes sent
/// after the head (a complete `GET /ping`, the request a smuggler hides in a body) never run.
struct FramingCase {
    const char* name;
    std::string request;
    int status;
};

TEST_F(HttpLimitsTest, AmbiguousOrMalformedFramingIsRefusedAndClosesTheConnection) {
    const std::string smuggled = "GET /ping HTTP/1.1\r\nHost: test\r\n\r\n";
    const auto post = [&](const std::string& headers) {
        return "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" + headers +
               "\r\n" + smuggled;
    };
    const std::vector<FramingCase> cases{
        {"unknown transfer coding", post("Transfer-Encoding: xchunked\r\n"), 501},
        {"coding before chunked", post("Transfer-Encoding: gzip, chunked\r\n"), 501},
        {"chunked twice", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
         501},
        {"chunked with a length", post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"), 400},
        {"a length with chunked", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400},
        {"two lengths", post("Content-Length: 5\r\nContent-Length: 6\r\n"), 400},
        {"a list of lengths", post("Content-Length: 5, 6\r\n"), 400},
        {"length 1x", post("Content-Length: 1x\r\n"), 400},
        {"length abc", post("Content-Length: abc\r\n"), 400},
        {"length 1.5", post("Content-Length: 1.5\r\n"), 400},
        {"length 0x2", post("Content-Length: 0x2\r\n"), 400},
        {"length +2", post("Content-Length: +2\r\n"), 400},
        {"length -1", post("Content-Length: -1\r\n"), 400},
        {"empty length", post("Content-Length: \r\n"), 400},
        {"length past 2^64", post("Content-Length: 18446744073709551617\r\n"), 400},
        {"HTTP/1.1 without Host", "GET /ping HTTP/1.1\r\n\r\n" + smuggled, 400},
        {"two Host fields", get("/ping", "Host: other\r\n") + smuggled, 400},
        {"a path in Host", "GET /ping HTTP/1.1\r\nHost: a/b\r\n\r\n" + smuggled, 400},
        {"a space in Host", "GET /ping HTTP/1.1\r\nHost: a b\r\n\r\n" + smuggled, 400},
        {"two Host fields in HTTP/1.0",
         "GET /ping HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n" + smuggled, 400},
        {"chunked in HTTP/1.0",
         "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + smuggled, 400},
        {"HTTP/2.0", "GET /ping HTTP/2.0\r\nHost: test\r\n\r\n" + smuggled, 505},
        {"HTTP/9.9", "GET /ping HTTP/9.9\r\nHost: test\r\n\r\n" + smuggled, 505},
        {"HTTP/1.10", "GET /ping HTTP/1.10\r\nHost: test\r\n\r\n" + smuggled, 400},
        {"GARBAGE", "GARBAGE\r\n\r\n" + smuggled, 400},
        {"a method alone", "GET\r\n\r\n" + smuggled, 400},
        {"no version", "GET /ping\r\n\r\n" + smuggled, 400},
        {"two spaces", "GET  /ping HTTP/1.1\r\n\r\n" + smuggled, 400},
        {"NUL bytes", std::string("GET /pi\0ng HTTP/1.1\r\n\r\n", 24) + smuggled, 400},
        {"bare LF", "GET /ping HTTP/1.1\nHost: test\n\n" + smuggled, 400},
        {"bare CR", "GET /ping HTTP/1.1\r\nHost: te\rst\r\n\r\n" + smuggled, 400},
        {"a line without a colon", get("/ping", "NoColonHere\r\n") + smuggled, 400},
        {"a space in a name", get("/ping", "X Bad: v\r\n") + smuggled, 400},
        {"a space before the colon", get("/ping", "X-Bad : v\r\n") + smuggled, 400},
        {"a folded line", get("/ping", "X-Folded: a\r\n b\r\n") + smuggled, 400},
        {"a control in a value", get("/ping", "X-Ctl: a\x01b\r\n") + smuggled, 400},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        expectRejected(c.request, c.status);
    }
}

TEST_F(HttpLimitsTest, BinaryJunkIsRefusedAtOnceWithoutALineEnd) {
    // The start of a TLS ClientHello, and NUL bytes: no request line can begin so, so there is
    // no waiting for the header timeout.
    for (const std::string& junk :
         {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), std::string(16, '\0')}) {
        const auto started = Clock::now();
        expectRejected(junk, 400);
        EXPECT_LT(Clock::now() - started, kHeaderTimeout / 2);
    }
}

TEST_F(HttpLimitsTest, PipelinedRequestsAreEachCheckedAndServedInOrder) {
    // More than one read buffer of requests in one send: every head is checked, whether it
    // arrived on its own or behind another request's body, and none waits for the next read.
    const std::string body = "{\"text\":\"" + std::string(5000, 'p') + "\"}";
    std::string burst =
        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    for (int i = 0; i < 40; ++i) {
        burst += get("/ping", "X-Pad: " + std::string(100, 'x') + "\r\n");
    }
    burst += "POST /echo HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n";
    RawClient client(port());
    ASSERT_TRUE(client.send(burst));
    const auto first = client.readResponse(milliseconds(2000));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->body, R"({"data":)" + std::to_string(body.size()) + "}");
    for (int i = 0; i < 40; ++i) {
        const auto response = client.readResponse(milliseconds(2000));
        ASSERT_TRUE(response) << "request " << i;
        EXPECT_EQ(response->status, 200) << "request " << i;
    }
    const auto last = client.readResponse(milliseconds(2000));
    ASSERT_TRUE(last);
    EXPECT_EQ(last->status, 501);
    EXPECT_TRUE(client.waitClosed());
}

TEST_F(HttpLimitsTest, EqualRepeatedLengthsAreOneLength) {
    RawClient client(port());
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"));
    const auto response = client.readResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, R"({"data":2})");
}

TEST_F(HttpLimitsTest, AChunkedBodyWithExtensionsAndATrailerIsReadWholeAndTheConnectionServesOn) {
    RawClient client(port());
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n"
                    "3;note=\"first\"\r\n{\"a\r\n"
                    "4\r\n\":1}\r\n"
                    "0\r\nX-Checksum: none\r\n\r\n"));
    const auto response = client.readResponse();
    ASSERT_TRUE(response) << client.received();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, R"({"data":7})");
    expectPong(client);
}

TEST_F(HttpLimitsTest, BrokenChunkedFramingGets400AndCloses) {
    const std::string head =
        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    const std::pair<const char*, std::string> cases[] = {
        {"a size that is not hex", "zz\r\n{}\r\n0\r\n\r\n"},
        {"no size", "\r\n{}\r\n0\r\n\r\n"},
        {"data longer than its size", "1\r\n{}\r\n0\r\n\r\n"},
        {"a control character in an extension", "2;a\x01\r\n{}\r\n0\r\n\r\n"},
        {"the connection closes mid-chunk", "5\r\n{}"},
    };
    for (const auto& [name, body] : cases) {
        SCOPED_TRACE(name);
        RawClient client(port());
        ASSERT_TRUE(client.send(head + body));
        if (body == "5\r\n{}") {
            client.shutdownSend();
        }
        const auto response = client.readResponse();
        ASSERT_TRUE(response) << client.received();
        EXPECT_EQ(response->status, 400);
        EXPECT_NE(response->body.find(R"("code":"BAD_REQUEST")"), std::string::npos);
        EXPECT_EQ(response->header("connection"), "close");
        EXPECT_TRUE(client.waitClosed());
    }
    EXPECT_EQ(m_echoed.load(), 0);
}

TEST_F(HttpLimitsTest, AChunkedBodyOverTheLimitGets413BeforeItArrives) {
    RawClient client(port());
    // Only the size line is sent: a chunk over the limit is refused without waiting for it.
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\n"));
    const auto response = client.readResponse(kBodyTimeout / 2);
    ASSERT_TRUE(response) << client.received();
    EXPECT_EQ(response->status, 413);
    EXPECT_NE(response->body.find(R"("code":"PAYLOAD_TOO_LARGE")"), std::string::npos);
    EXPECT_EQ(response->header("connection"), "close");
    EXPECT_EQ(m_echoed.load(), 0);
}

TEST_F(HttpLimitsTest, Http10ClosesUnlessItAsksToKeepTheConnection) {
    RawClient once(port());
    ASSERT_TRUE(once.send("GET /ping HTTP/1.0\r\n\r\n"));
    auto response = once.readResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->header("connection"), "close");
    EXPECT_TRUE(once.waitClosed());

    RawClient kept(port());
    ASSERT_TRUE(kept.send("GET /ping HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    response = kept.readResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("connection"), "keep-alive");
    expectPong(kept);

    RawClient closing(port());
    ASSERT_TRUE(closing.send(get("/ping", "Connection: close\r\n")));
    response = closing.readResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("connection"), "close");
    EXPECT_TRUE(closing.waitClosed());
}

TEST_F(HttpLimitsTest, HeadIsAGetWithoutTheBody) {
    RawClient client(port());
    ASSERT_TRUE(client.send("HEAD /ping HTTP/1.1\r\nHost: test\r\n\r\n"));
    // The head only, with the length the GET's body has; then the connection serves on.
    ASSERT_FALSE(client.closedWithin(milliseconds(300)));
    const std::string& head = client.received();
    EXPECT_EQ(head.rfind("HTTP/1.1 200 ", 0), 0u) << head;
    const std::string getBody = R"({"data":{"pong":true}})";
    EXPECT_NE(head.find("Content-Length: " + std::to_string(getBody.size())), std::string::npos)
        << head;
    EXPECT_EQ(head.find("pong"), std::string::npos) << head;
    EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
    RawClient fresh(port());
    ASSERT_TRUE(fresh.send(get("/ping")));
    const auto response = fresh.readResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, getBody);
}

TEST_F(HttpLimitsTest, ExpectContinueWithABodyOverTheLimitGets413WithoutAnInvitation) {
    RawClient client(port());
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    "Content-Length: 10000000\r\nExpect: 100-continue\r\n\r\n"));
    const auto response = client.readResponse();
    ASSERT_TRUE(response) << client.received();
    EXPECT_EQ(response->status, 413);
    EXPECT_EQ(client.received().find("100 Continue"), std::string::npos) << client.received();
    EXPECT_EQ(m_echoed.load(), 0);

    // Over the limit but small enough that a body sent anyway would be read before the answer:
    // one that was never invited is not waited for.
    RawClient waiting(port());
    ASSERT_TRUE(
        waiting.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                     "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n"));
    const auto refused = waiting.readResponse(kBodyTimeout / 2);
    ASSERT_TRUE(refused) << "the 413 waited for a body that was not invited";
    EXPECT_EQ(refused->status, 413);
    EXPECT_EQ(refused->header("connection"), "close");
}

TEST_F(HttpLimitsTest, Http10ExpectContinueIsIgnored) {
    // An HTTP/1.0 client cannot read an interim answer: it sends its body and gets the one answer.
    RawClient client(port());
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.0\r\nContent-Type: application/json\r\n"
                    "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n{\"a\":1}"));
    const auto response = client.readResponse();
    ASSERT_TRUE(response) << client.received();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(client.received().find("100 Continue"), std::string::npos) << client.received();
    EXPECT_EQ(m_echoed.load(), 1);
}

TEST_F(HttpLimitsTest, MalformedRequestLineGets400) {
    expectRejected(std::string(40, 'M') + " /ping HTTP/1.1\r\nHost: test\r\n\r\n", 400);
}

TEST_F(HttpLimitsTest, SlowHeadIsCutOffWhileOtherClientsAreServed) {
    const auto started = Clock::now();
    RawClient slow(port());
    ASSERT_TRUE(slow.send("GET /ping HTTP/1.1\r\n"));
    const std::string trickle = "X-Slow: " + std::string(200, 's') + "\r\n";
    bool servedMeanwhile = false;
    // One byte every 50 ms: far within any per-read timeout, so only a deadline on the whole
    // head ends it.
    for (std::size_t i = 0; i < trickle.size() && !slow.closedWithin(milliseconds(50)); ++i) {
        slow.send(trickle.substr(i, 1));
        if (i == 3) {
            RawClient other(port());
            ASSERT_TRUE(other.send(get("/ping")));
            const auto response = other.readResponse();
            ASSERT_TRUE(response);
            EXPECT_EQ(response->status, 200);
            servedMeanwhile = true;
        }
    }
    EXPECT_TRUE(servedMeanwhile);
    ASSERT_TRUE(slow.closedWithin(kSlack)) << "the trickling client was never cut off";
    const auto elapsed = Clock::now() - started;
    EXPECT_GE(elapsed, kHeaderTimeout - milliseconds(50));
    EXPECT_LT(elapsed, kHeaderTimeout + kSlack);
    EXPECT_NE(slow.received().find("HTTP/1.1 408 "), std::string::npos) << slow.received();
    EXPECT_NE(slow.received().find(R"("code":"REQUEST_TIMEOUT")"), std::string::npos);
}

TEST_F(HttpLimitsTest, SlowBodyIsCutOffAndNeverReachesTheHandler) {
    const auto started = Clock::now();
    RawClient slow(port());
    ASSERT_TRUE(
        slow.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  "Content-Length: 300\r\n\r\n{\"a\":\""));
    for (int i = 0; i < 200 && !slow.closedWithin(milliseconds(50)); ++i) {
        slow.send("x");
    }
    ASSERT_TRUE(slow.closedWithin(kSlack)) << "the trickling body was never cut off";
    const auto elapsed = Clock::now() - started;
    EXPECT_LT(elapsed, kBodyTimeout + kSlack);
    EXPECT_NE(slow.received().find("HTTP/1.1 408 "), std::string::npos) << slow.received();
    EXPECT_NE(slow.received().find(R"("code":"REQUEST_TIMEOUT")"), std::string::npos);
    EXPECT_EQ(m_echoed.load(), 0);
}

TEST_F(HttpLimitsTest, BodyCutShortIsNeverHandedToTheHandler) {
    RawClient client(port());
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    "Content-Length: 100\r\n\r\n{\"a\":1}"));
    client.shutdownSend();
    const auto response = client.readResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_TRUE(client.waitClosed());
    EXPECT_EQ(m_echoed.load(), 0);
}

TEST_F(HttpLimitsTest, SilentClientIsDisconnectedAfterTheHeaderTimeout) {
    RawClient silent(port());
    ASSERT_TRUE(silent.closedWithin(kHeaderTimeout + kSlack));
    EXPECT_EQ(silent.received(), "");
}

TEST_F(HttpLimitsTest, KeptAliveConnectionIsClosedAfterTheKeepAliveTimeout) {
    ServerOptions options = limits();
    options.keepAlive = milliseconds(400);
    // Far beyond the bound below: only the keep-alive deadline, set after the request, can close
    // the connection in time (not a sweep for the accept's header deadline).
    options.headerTimeout = std::chrono::seconds(10);
    start(options);
    RawClient client(port());
    ASSERT_NO_FATAL_FAILURE(expectPong(client));
    const auto served = Clock::now();
    ASSERT_TRUE(client.closedWithin(options.keepAlive + kSlack))
        << "the idle kept-alive connection was never closed";
    EXPECT_GE(Clock::now() - served, options.keepAlive - milliseconds(50));
}

/// This process's threads.
std::set<std::string> threadIds() {
    std::set<std::string> ids;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        ids.insert(task.path().filename().string());
    }
    return ids;
}

/// Voluntary context switches so far of this process's threads that are not in `except` (those
/// of the test itself, and of a sanitizer's runtime, which wake on their own).
long voluntarySwitches(const std::set<std::string>& except) {
    long total = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        if (except.count(task.path().filename().string()) != 0) {
            continue;
        }
        std::ifstream status(task.path() / "status");
        for (std::string line; std::getline(status, line);) {
            if (line.rfind("voluntary_ctxt_switches:", 0) == 0) {
                total += std::stol(line.substr(line.find(':') + 1));
            }
        }
    }
    return total;
}

TEST_F(HttpLimitsTest, AnIdleServerSleepsUntilADeadlineOrAByte) {
    ServerOptions options = limits();
    options.keepAlive = std::chrono::seconds(30);
    m_server->stop();
    const std::set<std::string> others = threadIds();
    start(options);
    // A kept-alive connection in the watched set, as between a client's requests.
    RawClient client(port());
    ASSERT_NO_FATAL_FAILURE(expectPong(client));
    // A server that polled (its 8 threads every 100 ms, its acceptor too) would switch ~90
    // times in this second; one that waits for its next deadline, 30 s away, not at all.
    const long before = voluntarySwitches(others);
    std::this_thread::sleep_for(milliseconds(1000));
    EXPECT_LT(voluntarySwitches(others) - before, 10);
    // And it still answers on the same connection.
    expectPong(client);
}

TEST_F(HttpLimitsTest, ConnectionCapRefusesTheNextConnectionAndFreesASlotOnClose) {
    ServerOptions options = limits();
    options.threads = 4;
    options.maxConnections = 2;
    options.keepAlive = std::chrono::seconds(30);
    start(options);

    // Two keep-alive clients hold both slots.
    RawClient first(port());
    RawClient second(port());
    for (RawClient* client : {&first, &second}) {
        ASSERT_TRUE(client->send(get("/ping")));
        const auto response = client->readResponse();
        ASSERT_TRUE(response);
        ASSERT_EQ(response->status, 200);
    }

    const auto started = Clock::now();
    RawClient third(port());
    third.send(get("/ping"));
    const auto refused = third.readResponse(milliseconds(1000));
    ASSERT_TRUE(refused) << "the connection over the cap got no answer";
    EXPECT_EQ(refused->status, 503);
    EXPECT_NE(refused->body.find(R"("code":"UPSTREAM_UNAVAILABLE")"), std::string::npos);
    EXPECT_TRUE(third.waitClosed(milliseconds(1000)));
    EXPECT_LT(Clock::now() - started, milliseconds(1000));

    // The clients being served are not stalled by the refusal.
    ASSERT_TRUE(second.send(get("/ping")));
    const auto again = second.readResponse();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);

    // Closing one frees its slot for a newcomer.
    first.close();
    const bool admitted = testing::waitUntil(
        [&] {
            RawClient next(port());
            next.send(get("/ping"));
            const auto response = next.readResponse(milliseconds(1000));
            return response && response->status == 200;
        },
        milliseconds(3000), milliseconds(20));
    EXPECT_TRUE(admitted);
}

TEST(ReadServerLimitsTest, DefaultsOverridesAndRanges) {
    std::map<std::string, std::string, std::less<>> vars;
    const auto lookup = [&vars](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional(it->second);
    };
    {
        core::EnvReader env(lookup);
        ServerOptions options;
        options.threads = 48;
        readServerLimits(env, options);
        EXPECT_TRUE(env.problems().empty());
        // Idle connections cost no thread: the cap does not follow the workers.
        EXPECT_EQ(options.maxConnections, kDefaultMaxConnections);
        EXPECT_EQ(options.maxUriBytes, 8192u);
        EXPECT_EQ(options.maxHeaderFields, 100u);
        EXPECT_EQ(options.maxHeaderLineBytes, 8192u);
        EXPECT_EQ(options.maxHeaderBytes, 32768u);
        EXPECT_EQ(options.headerTimeout, milliseconds(10000));
        EXPECT_EQ(options.bodyTimeout, milliseconds(15000));
        EXPECT_EQ(options.writeTimeout, milliseconds(15000));
        EXPECT_EQ(options.keepAlive, milliseconds(10000));
    }
    vars = {{"SHOP_HTTP_MAX_CONNECTIONS", "7"},
            {"SHOP_HTTP_MAX_URI_BYTES", "2048"},
            {"SHOP_HTTP_HEADER_TIMEOUT_MS", "1500"}};
    {
        core::EnvReader env(lookup);
        ServerOptions options;
        readServerLimits(env, options);
        EXPECT_TRUE(env.problems().empty());
        EXPECT_EQ(options.maxConnections, 7);
        EXPECT_EQ(options.maxUriBytes, 2048u);
        EXPECT_EQ(options.headerTimeout, milliseconds(1500));
    }
    vars = {{"SHOP_HTTP_MAX_URI_BYTES", "100000"},
            {"SHOP_HTTP_MAX_HEADER_FIELDS", "500"},
            {"SHOP_HTTP_MAX_HEADER_BYTES", "2048"},
            {"SHOP_HTTP_MAX_CONNECTIONS", "0"}};
    {
        core::EnvReader env(lookup);
        ServerOptions options;
        readServerLimits(env, options);
        // URI and fields above the highest limits, connections below 1, header block smaller
        // than one header line.
        EXPECT_EQ(env.problems().size(), 4u);
    }
}

}  // namespace
}  // namespace shop::http
