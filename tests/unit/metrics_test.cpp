// The metrics registry and its Prometheus text rendering, and the gateway's refund counts.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/gateway_metrics.hpp"
#include "shop/metrics/http_metrics.hpp"
#include "shop/metrics/registry.hpp"

namespace shop::metrics {
namespace {

bool contains(const std::string& text, const std::string& line) {
    return text.find(line) != std::string::npos;
}

TEST(MetricsTest, CounterMovesWhenIncremented) {
    Registry registry;
    auto& requests = registry.counter("shop_things_total", "Things.", {"kind"});
    requests.with({"a"}).inc();
    requests.with({"a"}).inc(2);
    requests.with({"b"}).inc();
    const std::string text = registry.render();
    EXPECT_TRUE(contains(text, "# HELP shop_things_total Things.\n")) << text;
    EXPECT_TRUE(contains(text, "# TYPE shop_things_total counter\n")) << text;
    EXPECT_TRUE(contains(text, "shop_things_total{kind=\"a\"} 3\n")) << text;
    EXPECT_TRUE(contains(text, "shop_things_total{kind=\"b\"} 1\n")) << text;
    EXPECT_EQ(&requests.with({"a"}), &requests.with({"a"}));
}

TEST(MetricsTest, UnlabelledSeriesHaveNoBraces) {
    Registry registry;
    registry.gauge("shop_level", "Level.").with().set(2.5);
    EXPECT_TRUE(contains(registry.render(), "\nshop_level 2.5\n")) << registry.render();
}

TEST(MetricsTest, GaugeGoesUpAndDown) {
    Registry registry;
    auto& gauge = registry.gauge("shop_open", "Open.").with();
    gauge.add(3);
    gauge.add(-1);
    EXPECT_EQ(gauge.value(), 2);
    EXPECT_TRUE(contains(registry.render(), "shop_open 2\n"));
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
    Registry registry;
    auto& latency =
        registry.histogram("shop_latency_seconds", "Latency.", {"route"}, {0.1, 1}).with({"/x"});
    latency.observe(0.05);
    latency.observe(0.1);  // on the bound: counted in le="0.1"
    latency.observe(0.5);
    latency.observe(7);
    const std::string text = registry.render();
    EXPECT_TRUE(contains(text, "# TYPE shop_latency_seconds histogram\n")) << text;
    EXPECT_TRUE(contains(text, "shop_latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n")) << text;
    EXPECT_TRUE(contains(text, "shop_latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n")) << text;
    EXPECT_TRUE(contains(text, "shop_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"))
        << text;
    EXPECT_TRUE(contains(text, "shop_latency_seconds_sum{route=\"/x\"} 7.65\n")) << text;
    EXPECT_TRUE(contains(text, "shop_latency_seconds_count{route=\"/x\"} 4\n")) << text;
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
    Registry registry;
    registry.counter("shop_odd_total", "Back\\slash and\nnewline.", {"v"})
        .with({"a\"b\\c\nd"})
        .inc();
    const std::string text = registry.render();
    EXPECT_TRUE(contains(text, "# HELP shop_odd_total Back\\\\slash and\\nnewline.\n")) << text;
    EXPECT_TRUE(contains(text, "shop_odd_total{v=\"a\\\"b\\\\c\\nd\"} 1\n")) << text;
}

TEST(MetricsTest, CallbacksAreReadAtScrapeTime) {
    Registry registry;
    double value = 1;
    registry.callback("shop_read_total", "Read.", Type::Counter, [&value] { return value; });
    registry.callback("shop_parts", "Parts.", Type::Gauge, {"part"}, [] {
        return std::vector<Sample>{{{"x"}, 1}, {{"y"}, 0}};
    });
    EXPECT_TRUE(contains(registry.render(), "shop_read_total 1\n"));
    value = 42;
    const std::string text = registry.render();
    EXPECT_TRUE(contains(text, "shop_read_total 42\n")) << text;
    EXPECT_TRUE(contains(text, "shop_parts{part=\"x\"} 1\nshop_parts{part=\"y\"} 0\n")) << text;
}

TEST(MetricsTest, ScrapeHooksRunBeforeRenderingAndMayFail) {
    Registry registry;
    auto& gauge = registry.gauge("shop_backlog", "Backlog.").with();
    int scrapes = 0;
    registry.onScrape([&] {
        ++scrapes;
        gauge.set(scrapes * 10);
    });
    registry.onScrape([] { throw std::runtime_error("database down"); });
    EXPECT_TRUE(contains(registry.render(), "shop_backlog 10\n"));
    EXPECT_TRUE(contains(registry.render(), "shop_backlog 20\n"));
}

TEST(MetricsTest, BadOrDuplicateNamesAreRefused) {
    Registry registry;
    registry.counter("shop_a_total", "A.");
    EXPECT_THROW(registry.counter("shop_a_total", "again"), std::invalid_argument);
    EXPECT_THROW(registry.gauge("1bad", "digit first"), std::invalid_argument);
    EXPECT_THROW(registry.gauge("has-dash", "dash"), std::invalid_argument);
    EXPECT_THROW(registry.gauge("shop_ok", "bad label", {"bad-label"}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("shop_h", "le is reserved", {"le"}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("shop_h2", "unsorted", {}, {1, 0.5}), std::invalid_argument);
    auto& family = registry.counter("shop_b_total", "B.", {"x"});
    EXPECT_THROW(family.with({}), std::invalid_argument);
    EXPECT_THROW(family.with({"1", "2"}), std::invalid_argument);
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
    Registry registry;
    auto& family = registry.counter("shop_parallel_total", "Parallel.", {"t"});
    auto& histogram = registry.histogram("shop_parallel_seconds", "Parallel.", {}).with();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                family.with({"same"}).inc();
                histogram.observe(0.001);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(family.with({"same"}).value(), 40000u);
    EXPECT_EQ(histogram.count(), 40000u);
}

TEST(MetricsTest, HttpMetricsCountRequestsByRouteAndStatus) {
    Registry registry;
    HttpMetrics http(registry);
    http.observe("GET", "/orders/{order_id}", 200, 0.002);
    http.observe("GET", "/orders/{order_id}", 200, 0.003);
    http.observe("GET", "/orders/{order_id}", 404, 0.001);
    http.observe("POST", "/orders", 201, 0.02);
    const std::string text = registry.render();
    EXPECT_TRUE(contains(
        text,
        "shop_http_requests_total{method=\"GET\",route=\"/orders/{order_id}\",status=\"200\"} 2\n"))
        << text;
    EXPECT_TRUE(contains(
        text,
        "shop_http_requests_total{method=\"GET\",route=\"/orders/{order_id}\",status=\"404\"} 1\n"))
        << text;
    EXPECT_TRUE(contains(text,
                         "shop_http_request_duration_seconds_count{method=\"GET\",route=\"/orders/"
                         "{order_id}\"} 3\n"))
        << text;
    EXPECT_TRUE(contains(text,
                         "shop_http_request_duration_seconds_bucket{method=\"POST\",route=\"/"
                         "orders\",le=\"0.025\"} 1\n"))
        << text;
}

TEST(MetricsTest, GatewayCountsAcceptedRefundsAndCompletedOnes) {
    Registry registry;
    gateway::RefundMetrics refunds(registry);
    refunds.observeResponse("POST", gateway::kRefundsRoute, 202);
    refunds.observeResponse("POST", gateway::kRefundsRoute, 202);  // a replay answers 202 too
    refunds.observeResponse("POST", gateway::kRefundsRoute, 409);  // refused: not counted
    refunds.observeResponse("GET", gateway::kRefundsRoute, 200);
    refunds.observeResponse("POST", "/orders", 202);

    events::OrderStatusChanged status;
    status.status = domain::OrderStatus::Finished;
    refunds.observeStatus(status);  // paid, nothing refunded yet: not a refund
    status.refundedAmount = 500;
    status.version = 3;
    refunds.observeStatus(status);  // a part refunded
    status.status = domain::OrderStatus::Refunded;
    status.refundedAmount = 1250;
    status.version = 4;
    refunds.observeStatus(status);  // the rest
    status.status = domain::OrderStatus::Cancelled;
    status.refundedAmount = 0;
    refunds.observeStatus(status);

    const std::string text = registry.render();
    EXPECT_TRUE(contains(text, "# TYPE shop_gateway_refunds_requested_total counter\n")) << text;
    EXPECT_TRUE(contains(text, "\nshop_gateway_refunds_requested_total 2\n")) << text;
    EXPECT_TRUE(contains(text, "# TYPE shop_gateway_refunds_completed_total counter\n")) << text;
    EXPECT_TRUE(contains(text, "\nshop_gateway_refunds_completed_total 2\n")) << text;
}

}  // namespace
}  // namespace shop::metrics
