// The gateway itself: health, X-Request-Id on every answer, and the 503 envelope when an upstream
// is down.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <exception>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "shop/domain/uuid.hpp"
#include "shop/testing/env.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

using std::chrono::seconds;

class GatewayE2eTest : public E2eTest {};

TEST_F(GatewayE2eTest, HealthEndpointsAnswer) {
    for (const char* path : {"/health", "/health/live"}) {
        const auto live = api().get(path);
        ASSERT_EQ(live.status, 200) << path << ": " << live.describe();
        EXPECT_EQ(str(live.data(), "status"), "ok");
    }
    const auto ready = api().get("/health/ready");
    ASSERT_EQ(ready.status, 200) << ready.describe();
    EXPECT_EQ(str(ready.data(), "status"), "ok");
    const domain::Json* checks = member(ready.data(), "checks");
    for (const char* name : {"gateway", "orders", "payments"}) {
        EXPECT_EQ(str(member(checks, name), "status"), "ok") << name << ": " << ready.body;
    }
    // Each service reports its database and broker.
    for (const char* name : {"orders", "payments"}) {
        const domain::Json* own = member(member(checks, name), "checks");
        EXPECT_EQ(str(own, "database"), "ok") << name << ": " << ready.body;
        EXPECT_EQ(str(own, "broker"), "ok") << name << ": " << ready.body;
    }
}

TEST_F(GatewayE2eTest, EveryAnswerCarriesARequestId) {
    // Generated when the request has none, different each time.
    const auto first = api().get("/health/live");
    const auto second = api().get("/accounts/" + domain::newUuid());
    const auto third = api().get("/nope");
    for (const auto* response : {&first, &second, &third}) {
        ASSERT_TRUE(response->header("X-Request-Id").has_value()) << response->describe();
        EXPECT_FALSE(response->header("X-Request-Id")->empty());
    }
    EXPECT_NE(*first.header("X-Request-Id"), *second.header("X-Request-Id"));
    EXPECT_EQ(str(second.error(), "request_id"), *second.header("X-Request-Id"));
    EXPECT_EQ(str(third.error(), "request_id"), *third.header("X-Request-Id"));

    // An unusable one (spaces, too long) is replaced, never echoed.
    for (const std::string& bad :
         std::vector<std::string>{"has spaces in it", std::string(200, 'r')}) {
        const auto response = api().get("/health/live", {{"X-Request-Id", bad}});
        ASSERT_TRUE(response.header("X-Request-Id").has_value());
        EXPECT_NE(*response.header("X-Request-Id"), bad);
        EXPECT_FALSE(response.header("X-Request-Id")->empty());
    }
}

TEST_F(GatewayE2eTest, OwnRequestIdIsEchoedAndLoggedAlongTheWay) {
    const std::string userId = newAccount("10");
    const std::string requestId = "e2e-rid-" + testing::uniqueSuffix();
    const Headers headers{{"X-Request-Id", requestId}};

    const auto account = api().get("/accounts/" + userId, headers);
    EXPECT_EQ(account.status, 200);
    EXPECT_EQ(account.header("X-Request-Id").value_or(""), requestId);
    const auto missing = api().get("/orders/" + domain::newUuid(), headers);
    EXPECT_TRUE(isErrorEnvelope(missing, 404, "NOT_FOUND"));
    EXPECT_EQ(missing.header("X-Request-Id").value_or(""), requestId);

    const std::string orderRequestId = "e2e-rid-order-" + testing::uniqueSuffix();
    const auto created = createOrder(userId, "1", "traced", {{"X-Request-Id", orderRequestId}});
    ASSERT_EQ(created.status, 201) << created.describe();
    EXPECT_EQ(created.header("X-Request-Id").value_or(""), orderRequestId);
    const auto settled = waitForFinalOrder(str(created.data(), "order_id"));
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "status"), "FINISHED");

    // The gateway and the service that handled each request logged the id (a service logs its
    // line after answering, hence the wait).
    Stack& stack = Stack::instance();
    auto logged = [](ChildProcess& child, const std::string& id) {
        return testing::waitUntil(
            [&] { return child.logText().find("request_id=" + id) != std::string::npos; },
            seconds(5));
    };
    EXPECT_TRUE(logged(stack.gatewayProcess(), requestId));
    EXPECT_TRUE(logged(stack.paymentsProcess(), requestId));
    EXPECT_TRUE(logged(stack.ordersProcess(), requestId));
    EXPECT_TRUE(logged(stack.gatewayProcess(), orderRequestId));
    EXPECT_TRUE(logged(stack.ordersProcess(), orderRequestId));
}

TEST_F(GatewayE2eTest, ManyConcurrentRequestsAreAllAnswered) {
    // More requests at once than a service has HTTP threads (16 by default): each must still be
    // answered by its service, not time out in the gateway.
    constexpr int kRequests = 40;
    const std::string userId = newAccount("1");
    std::vector<int> statuses(2 * kRequests, 0);
    std::vector<std::string> failures(2 * kRequests);
    {
        std::latch go(2 * kRequests);
        std::vector<std::jthread> threads;
        for (int i = 0; i < 2 * kRequests; ++i) {
            threads.emplace_back([&, i] {
                go.arrive_and_wait();
                try {
                    const auto response = i % 2 == 0 ? api().get("/accounts/" + userId)
                                                     : api().get("/orders?user_id=" + userId);
                    statuses[i] = response.status;
                    failures[i] = response.describe();
                } catch (const std::exception& error) {
                    failures[i] = error.what();
                }
            });
        }
    }
    for (int i = 0; i < 2 * kRequests; ++i) {
        EXPECT_EQ(statuses[i], 200)
            << (i % 2 == 0 ? "GET /accounts/{id}: " : "GET /orders: ") << failures[i];
    }
}

// An answer given before the body was needed (here a 404) must not leave the body on a kept-alive
// connection, where it would be read as the next request.
TEST_F(GatewayE2eTest, AnEarlyAnswerLeavesTheKeptAliveConnectionUsable) {
    Poco::Net::HTTPClientSession session("127.0.0.1", Stack::instance().gatewayPort());
    session.setKeepAlive(true);
    const std::string body = R"({"username":"someone","password":"secret"})";
    // POST to GET-only paths: 405 proves each request line was read intact; a body left on the
    // connection would have turned the next request into a garbled one (400).
    const std::pair<const char*, int> rows[] = {{"/no/such/endpoint", 404},
                                                {"/health/live", 405},
                                                {"/accounts/not-a-uuid", 405},
                                                {"/health/live", 405}};
    for (const auto& [target, status] : rows) {
        SCOPED_TRACE(target);
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        request.setKeepAlive(true);
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::string answer;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
        EXPECT_EQ(static_cast<int>(response.getStatus()), status) << answer;
    }
}

TEST_F(GatewayE2eTest, UpstreamDownIs503AndNotReady) {
    Stack& stack = Stack::instance();
    const std::uint16_t closedPort = freePort();  // nothing listens there
    std::uint16_t port = 0;
    auto gateway = stack.startExtraGateway(
        "gateway-orders-down", "http://127.0.0.1:" + std::to_string(closedPort),
        "http://127.0.0.1:" + std::to_string(stack.paymentsPort()), port);
    ASSERT_TRUE(gateway->running());
    const HttpClient client = HttpClient("127.0.0.1", port).withToken(stack.operatorToken());

    const std::string userId = newAccount("10");
    const std::string requestId = "e2e-down-" + testing::uniqueSuffix();
    const auto post = client.postJson(
        "/orders",
        R"({"user_id":)" + jsonString(userId) + R"(,"amount":1,"description":"nowhere to go"})",
        {{"X-Request-Id", requestId}});
    EXPECT_TRUE(isErrorEnvelope(post, 503, "UPSTREAM_UNAVAILABLE"));
    EXPECT_EQ(str(post.error(), "request_id"), requestId);
    EXPECT_EQ(post.body.find("Exception"), std::string::npos) << post.body;
    EXPECT_TRUE(
        isErrorEnvelope(client.get("/orders/" + domain::newUuid()), 503, "UPSTREAM_UNAVAILABLE"));
    EXPECT_TRUE(
        isErrorEnvelope(client.get("/orders?user_id=" + userId), 503, "UPSTREAM_UNAVAILABLE"));

    // The other upstream still works through the same gateway.
    const auto account = client.get("/accounts/" + userId);
    EXPECT_EQ(account.status, 200) << account.describe();
    EXPECT_EQ(str(account.data(), "balance"), "10.00");

    const auto ready = client.get("/health/ready");
    EXPECT_EQ(ready.status, 503) << ready.describe();
    EXPECT_EQ(str(ready.data(), "status"), "unavailable") << ready.body;
    const domain::Json* checks = member(ready.data(), "checks");
    EXPECT_EQ(str(member(checks, "orders"), "status"), "unreachable") << ready.body;
    EXPECT_EQ(str(member(checks, "payments"), "status"), "ok") << ready.body;
    EXPECT_EQ(str(member(checks, "gateway"), "status"), "ok") << ready.body;
    EXPECT_TRUE(ready.header("X-Request-Id").has_value());

    // Nothing reached orders.
    EXPECT_TRUE(ordersOf(userId).empty());

    const ExitStatus status = gateway->stop(seconds(20));
    EXPECT_TRUE(status.exited && status.code == 0 && !status.killed) << status.describe();
}

}  // namespace
}  // namespace shop::e2e
