#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "shop/core/clock.hpp"
#include "shop/core/config.hpp"
#include "shop/core/errors.hpp"
#include "shop/core/nodes.hpp"
#include "shop/domain/json.hpp"
#include "shop/http/server.hpp"

namespace shop::core {
namespace {

EnvLookup fakeEnv(std::map<std::string, std::string> values) {
    return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

TEST(ErrorMapping, EveryCodeHasItsContractStatusAndName) {
    struct Row {
        ErrorCode code;
        int status;
        const char* name;
    };
    const Row rows[] = {
        {ErrorCode::BadRequest, 400, "BAD_REQUEST"},
        {ErrorCode::Unauthorized, 401, "UNAUTHORIZED"},
        {ErrorCode::Forbidden, 403, "FORBIDDEN"},
        {ErrorCode::NotFound, 404, "NOT_FOUND"},
        {ErrorCode::MethodNotAllowed, 405, "METHOD_NOT_ALLOWED"},
        {ErrorCode::Conflict, 409, "CONFLICT"},
        {ErrorCode::PayloadTooLarge, 413, "PAYLOAD_TOO_LARGE"},
        {ErrorCode::UnsupportedMediaType, 415, "UNSUPPORTED_MEDIA_TYPE"},
        {ErrorCode::RequestTimeout, 408, "REQUEST_TIMEOUT"},
        {ErrorCode::UriTooLong, 414, "URI_TOO_LONG"},
        {ErrorCode::HeadersTooLarge, 431, "HEADERS_TOO_LARGE"},
        {ErrorCode::IdempotencyKeyReused, 422, "IDEMPOTENCY_KEY_REUSED"},
        {ErrorCode::RateLimited, 429, "RATE_LIMITED"},
        {ErrorCode::Internal, 500, "INTERNAL"},
        {ErrorCode::NotImplemented, 501, "NOT_IMPLEMENTED"},
        {ErrorCode::BadGateway, 502, "BAD_GATEWAY"},
        {ErrorCode::UpstreamUnavailable, 503, "UPSTREAM_UNAVAILABLE"},
        {ErrorCode::UpstreamTimeout, 504, "UPSTREAM_TIMEOUT"},
        {ErrorCode::HttpVersionNotSupported, 505, "HTTP_VERSION_NOT_SUPPORTED"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(httpStatus(row.code), row.status);
        EXPECT_EQ(errorCodeName(row.code), row.name);
    }
}

TEST(ErrorMapping, TheEnvelopeIsValidJsonWithEscapedMessage) {
    const std::string body = errorEnvelope(ErrorCode::BadRequest, "bad \"x\"\n", "req-1");
    std::string error;
    auto json = domain::parseJson(body, error);
    ASSERT_TRUE(json.has_value()) << error;
    const auto* envelope = json->find("error");
    ASSERT_NE(envelope, nullptr);
    EXPECT_EQ(envelope->find("code")->asString(), "BAD_REQUEST");
    EXPECT_EQ(envelope->find("message")->asString(), "bad \"x\"\n");
    EXPECT_EQ(envelope->find("request_id")->asString(), "req-1");
}

TEST(EnvReader, ReadsValuesAndDefaults) {
    EnvReader env(fakeEnv({{"PORT", "8081"},
                           {"FLAG", "yes"},
                           {"ADDR", "0.0.0.0:9000"},
                           {"URL", "postgresql://u:p@h/db"}}));
    EXPECT_EQ(env.integer("PORT", 1, 0, 65535), 8081);
    EXPECT_EQ(env.integer("MISSING", 7, 0, 10), 7);
    EXPECT_TRUE(env.flag("FLAG", false));
    EXPECT_EQ(env.string("NOPE", "fallback"), "fallback");
    EXPECT_EQ(env.address("ADDR", "127.0.0.1:1"),
              (std::pair<std::string, std::uint16_t>{"0.0.0.0", 9000}));
    EXPECT_EQ(env.address("NONE", "127.0.0.1:8080").second, 8080);
    EXPECT_EQ(env.required("URL"), "postgresql://u:p@h/db");
    EXPECT_NO_THROW(env.finish());
}

TEST(EnvReader, CollectsEveryProblemBeforeFailing) {
    EnvReader env(fakeEnv({{"PORT", "80x"},
                           {"THREADS", "0"},
                           {"FLAG", "maybe"},
                           {"ADDR", "nohost"},
                           {"ADDR2", "h:70000"}}));
    env.integer("PORT", 1, 0, 65535);
    env.integer("THREADS", 4, 1, 64);
    env.flag("FLAG", false);
    env.address("ADDR", "127.0.0.1:1");
    env.address("ADDR2", "127.0.0.1:1");
    env.required("SHOP_DB_URL");
    EXPECT_EQ(env.problems().size(), 6u);
    try {
        env.finish();
        FAIL() << "finish() must throw";
    } catch (const ConfigError& error) {
        const std::string message = error.what();
        for (const char* name : {"PORT", "THREADS", "FLAG", "ADDR", "ADDR2", "SHOP_DB_URL"}) {
            EXPECT_NE(message.find(name), std::string::npos) << name;
        }
    }
}

TEST(MaskSecrets, HidesPasswordsInUrls) {
    EXPECT_EQ(maskSecrets("postgresql://orders:s3cret@127.0.0.1:5432/orders"),
              "postgresql://orders:***@127.0.0.1:5432/orders");
    EXPECT_EQ(maskSecrets("amqp://guest:guest@localhost:5672/"),
              "amqp://guest:***@localhost:5672/");
    EXPECT_EQ(maskSecrets("http://127.0.0.1:8081"), "http://127.0.0.1:8081");
    EXPECT_EQ(maskSecrets("postgresql://user@host/db"), "postgresql://user@host/db");
}

TEST(Clock, FormatsRfc3339UtcWithMicroseconds) {
    using namespace std::chrono;
    const system_clock::time_point t{microseconds(1'700'000'000'123'456)};
    EXPECT_EQ(formatRfc3339(t), "2023-11-14T22:13:20.123456Z");
    EXPECT_EQ(formatRfc3339(system_clock::time_point{}), "1970-01-01T00:00:00.000000Z");
}

TEST(RequestIds, OnlySafeClientIdsAreEchoed) {
    EXPECT_TRUE(http::isAcceptableRequestId("abc-123_X.y:z"));
    EXPECT_FALSE(http::isAcceptableRequestId(""));
    EXPECT_FALSE(http::isAcceptableRequestId("has space"));
    EXPECT_FALSE(http::isAcceptableRequestId("new\nline"));
    EXPECT_FALSE(http::isAcceptableRequestId(std::string(129, 'a')));
    EXPECT_TRUE(http::isAcceptableRequestId(std::string(128, 'a')));
}

/// A loopback port that listens (the socket stays open) and its number.
std::pair<int, std::uint16_t> listeningSocket() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd, 4), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return {fd, ntohs(address.sin_port)};
}

TEST(Nodes, ReachableWhileListeningAndMissingOnceClosed) {
    const auto [fd, port] = listeningSocket();
    EXPECT_TRUE(tcpReachable("127.0.0.1", port, std::chrono::milliseconds(500)));
    ::close(fd);
    EXPECT_FALSE(tcpReachable("127.0.0.1", port, std::chrono::milliseconds(500)));
    EXPECT_FALSE(tcpReachable("no-such-host.invalid", port, std::chrono::milliseconds(500)));
}

TEST(Nodes, ReportNamesTheMissing) {
    const std::vector<NodeState> nodes{{"a:1", true}, {"b:2", false}, {"c:3", true}};
    EXPECT_EQ(nodesUp(nodes), 2u);
    domain::JsonWriter out;
    writeNodes(out, nodes);
    EXPECT_EQ(out.take(), R"({"up":["a:1","c:3"],"missing":["b:2"]})");
}

}  // namespace
}  // namespace shop::core
