// /metrics on the gateway and on each service's own port: the counters move when the thing
// they count happens (requests, WebSocket connections and frames, refunds, messages consumed,
// duplicates absorbed by the inbox, dead-lettering) and the state gauges say what is up.
#include <gtest/gtest.h>

#include <string>

#include "shop/amqp/connection.hpp"
#include "shop/amqp/publisher.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/testing/env.hpp"
#include "support/stack.hpp"
#include "ws_test.hpp"

namespace shop::wstest {
namespace {

constexpr const char* kConsumedOrders =
    R"(shop_messages_consumed_total{queue="orders.payment-result"})";
constexpr const char* kDuplicatesOrders =
    R"(shop_inbox_duplicates_total{queue="orders.payment-result"})";
constexpr const char* kDeadLetteredOrders =
    R"(shop_messages_dead_lettered_total{queue="orders.payment-result"})";

class MetricsTest : public WsE2eTest {
  protected:
    static std::uint16_t gatewayPort() { return e2e::Stack::instance().gatewayPort(); }
    static std::uint16_t ordersPort() { return e2e::Stack::instance().ordersPort(); }
    static std::uint16_t paymentsPort() { return e2e::Stack::instance().paymentsPort(); }

    /// The series' value on `port` (0 when absent).
    static double value(std::uint16_t port, const std::string& series) {
        return metricValue(scrape(port), series).value_or(0);
    }

    /// Publishes one PaymentResult body to shop.events as the payments service would.
    static void publishPaymentResult(const std::string& messageId, const std::string& body) {
        amqp::Connection connection(testing::amqpUrl());
        amqp::Publisher publisher(connection);
        amqp::Message message;
        message.body = body;
        message.messageId = messageId;
        message.type = std::string(events::kPaymentResultType);
        ASSERT_EQ(publisher.publish(std::string(events::kExchange),
                                    std::string(events::kPaymentResultKey), message,
                                    std::chrono::seconds(5)),
                  amqp::PublishOutcome::Confirmed);
    }
};

TEST_F(MetricsTest, EachServiceServesPrometheusTextOnItsOwnPort) {
    // The gateway's /metrics is the operator's (CONTRACT section 2); the services' own need
    // neither a token nor the internal secret (they carry no data, and scrapers reach them
    // on the internal network).
    const e2e::HttpClient anonymousGateway("127.0.0.1", gatewayPort());
    EXPECT_TRUE(e2e::isErrorEnvelope(anonymousGateway.get("/metrics"), 401, "UNAUTHORIZED"));
    for (std::uint16_t port : {gatewayPort(), ordersPort(), paymentsPort()}) {
        const e2e::HttpClient anonymous("127.0.0.1", port);
        const e2e::HttpClient client =
            port == gatewayPort() ? anonymous.withToken(e2e::Stack::instance().operatorToken())
                                  : anonymous;
        const auto response = client.get("/metrics");
        ASSERT_EQ(response.status, 200) << port << ": " << response.describe();
        EXPECT_EQ(response.header("Content-Type").value_or(""),
                  "text/plain; version=0.0.4; charset=utf-8");
        EXPECT_NE(response.body.find("# TYPE shop_http_requests_total counter"), std::string::npos);
        EXPECT_NE(response.body.find("# TYPE shop_http_request_duration_seconds histogram"),
                  std::string::npos);
    }
    const std::string orders = scrape(ordersPort());
    EXPECT_EQ(metricValue(orders, "shop_database_up"), 1.0) << orders;
    EXPECT_EQ(metricValue(orders, R"(shop_broker_connected{component="relay"})"), 1.0);
    EXPECT_EQ(metricValue(orders, R"(shop_broker_connected{component="consumer"})"), 1.0);
    EXPECT_TRUE(metricValue(orders, "shop_outbox_backlog").has_value());
    EXPECT_TRUE(metricValue(orders, "shop_outbox_oldest_unpublished_age_seconds").has_value());
    const std::string gateway = scrape(gatewayPort());
    EXPECT_EQ(metricValue(gateway, R"(shop_broker_connected{component="status_feed"})"), 1.0)
        << gateway;
}

TEST_F(MetricsTest, RequestCounterAndLatencyHistogramMoveWithRequests) {
    const std::string user = newAccount("10");
    const std::string series =
        R"(shop_http_requests_total{method="GET",route="/accounts/{user_id}",status="200"})";
    const std::string count =
        R"(shop_http_request_duration_seconds_count{method="GET",route="/accounts/{user_id}"})";
    const double before = value(gatewayPort(), series);
    const double countBefore = value(gatewayPort(), count);
    const double payments = value(paymentsPort(), series);
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(api().get("/accounts/" + user).status, 200);
    }
    EXPECT_EQ(value(gatewayPort(), series), before + 3);
    EXPECT_EQ(value(gatewayPort(), count), countBefore + 3);
    EXPECT_EQ(value(paymentsPort(), series), payments + 3) << "the service counts its own";
    const double notFound =
        value(gatewayPort(),
              R"(shop_http_requests_total{method="GET",route="/accounts/{user_id}",status="404"})");
    api().get("/accounts/" + domain::newUuid());
    EXPECT_EQ(
        value(gatewayPort(),
              R"(shop_http_requests_total{method="GET",route="/accounts/{user_id}",status="404"})"),
        notFound + 1);
}

TEST_F(MetricsTest, WebSocketGaugesAndFramesMove) {
    const double open = value(gatewayPort(), "shop_ws_connections");
    const double opened = value(gatewayPort(), "shop_ws_connections_opened_total");
    const double frames = value(gatewayPort(), "shop_ws_frames_pushed_total");
    const double events = value(gatewayPort(), "shop_ws_status_events_total");
    const std::string user = newAccount("10");
    auto ws = subscribe("/ws/orders?user_id=" + user);
    EXPECT_TRUE(testing::waitUntil(
        [&] { return value(gatewayPort(), "shop_ws_connections") == open + 1; }));
    EXPECT_EQ(value(gatewayPort(), "shop_ws_connections_opened_total"), opened + 1);

    const std::string order = newOrder(user, "1", "counted");
    ASSERT_TRUE(ws->waitFor(statusFrame(order, "FINISHED"), 30s));
    EXPECT_GE(value(gatewayPort(), "shop_ws_frames_pushed_total"), frames + 2);
    EXPECT_GE(value(gatewayPort(), "shop_ws_status_events_total"), events + 2);

    ws->close();
    EXPECT_TRUE(
        testing::waitUntil([&] { return value(gatewayPort(), "shop_ws_connections") == open; }));
}

TEST_F(MetricsTest, GatewayCountsRefundsAskedForAndCompleted) {
    const std::string user = newAccount("10");
    auto ws = subscribe("/ws/orders?user_id=" + user);
    const std::string order = newOrder(user, "4", "refunded in part");
    ASSERT_TRUE(ws->waitFor(statusFrame(order, "FINISHED"), 30s));
    const double requested = value(gatewayPort(), "shop_gateway_refunds_requested_total");
    const double completed = value(gatewayPort(), "shop_gateway_refunds_completed_total");

    const auto refund = api().postJson("/orders/" + order + "/refunds", R"({"amount":"1.50"})");
    ASSERT_EQ(refund.status, 202) << refund.describe();
    // Counted once the answer is sent, which may be just after the client has it.
    EXPECT_TRUE(testing::waitUntil([&] {
        return value(gatewayPort(), "shop_gateway_refunds_requested_total") == requested + 1;
    }));
    // The gateway counts the completed refund as its status event arrives, before the push.
    ASSERT_TRUE(ws->waitFor(
        [&order](const domain::Json& frame) {
            return text(frame, "order_id") == order && text(frame, "refunded_amount") == "1.50";
        },
        30s));
    EXPECT_GE(value(gatewayPort(), "shop_gateway_refunds_completed_total"), completed + 1);
}

TEST_F(MetricsTest, ConsumedDuplicateAndDeadLetteredCountersMove) {
    const double consumed = value(ordersPort(), kConsumedOrders);
    const double paymentsConsumed = value(
        paymentsPort(), R"(shop_messages_consumed_total{queue="payments.payment-requested"})");
    const std::string user = newAccount("10");
    const std::string order = newOrder(user, "1", "consumed once each way");
    ASSERT_TRUE(waitForFinalOrder(order));
    EXPECT_TRUE(
        testing::waitUntil([&] { return value(ordersPort(), kConsumedOrders) >= consumed + 1; }));
    EXPECT_GE(value(paymentsPort(),
                    R"(shop_messages_consumed_total{queue="payments.payment-requested"})"),
              paymentsConsumed + 1);

    // The same PaymentResult twice (same message id): the first finds the order settled already
    // and is acknowledged, the second is absorbed by the inbox.
    const double duplicates = value(ordersPort(), kDuplicatesOrders);
    const std::string messageId = domain::newUuid();
    const std::string body = R"({"event_id":")" + messageId + R"(","order_id":")" + order +
                             R"(","user_id":")" + user +
                             R"(","outcome":"SUCCEEDED","failure_reason":null,)"
                             R"("balance_after":"9.00","occurred_at":"2026-11-22T00:00:00Z"})";
    publishPaymentResult(messageId, body);
    publishPaymentResult(messageId, body);
    EXPECT_TRUE(testing::waitUntil(
        [&] { return value(ordersPort(), kDuplicatesOrders) == duplicates + 1; }, 15s))
        << scrape(ordersPort());

    // Poison goes to the dead-letter queue and is counted.
    const double deadLettered = value(ordersPort(), kDeadLetteredOrders);
    publishPaymentResult(domain::newUuid(), "this is not JSON");
    EXPECT_TRUE(testing::waitUntil(
        [&] { return value(ordersPort(), kDeadLetteredOrders) == deadLettered + 1; }, 15s));
}

}  // namespace
}  // namespace shop::wstest
