#include "app/gateway_metrics.hpp"

namespace shop::gateway {

void registerGatewayMetrics(metrics::Registry& registry, const websocket::Hub& hub,
                            const OrderStreams& streams, const StatusFeed& feed) {
    using metrics::Type;
    const websocket::HubStats& ws = hub.stats();
    auto count = [](const std::atomic<std::uint64_t>& value) {
        return [&value] { return static_cast<double>(value.load()); };
    };
    registry.callback("shop_ws_connections", "WebSocket connections open now.", Type::Gauge,
                      count(ws.open));
    registry.callback("shop_ws_connections_opened_total", "WebSocket connections accepted.",
                      Type::Counter, count(ws.opened));
    registry.callback("shop_ws_connections_refused_total",
                      "WebSocket connections refused because the gateway held its maximum.",
                      Type::Counter, count(ws.refused));
    registry.callback("shop_ws_frames_pushed_total",
                      "Messages queued to WebSocket clients (status, snapshot and error frames).",
                      Type::Counter, count(ws.textFrames));
    registry.callback("shop_ws_slow_dropped_total",
                      "WebSocket clients closed because their send queue overflowed.",
                      Type::Counter, count(ws.droppedSlow));
    registry.callback("shop_ws_dead_reaped_total",
                      "WebSocket clients closed because they did not answer a ping.", Type::Counter,
                      count(ws.reapedDead));
    const StatusFeedStats& feedStats = feed.stats();
    registry.callback("shop_ws_status_events_total",
                      "OrderStatusChanged events received from this instance's queue.",
                      Type::Counter, count(feedStats.received));
    registry.callback("shop_ws_status_events_stale_total",
                      "Status events dropped as repeats (a version already pushed).", Type::Counter,
                      [&streams] { return static_cast<double>(streams.staleDropped()); });
    registry.callback(
        "shop_broker_connected", "1 while the component's broker connection is up, else 0.",
        Type::Gauge, {"component"}, [&feedStats] {
            return std::vector<metrics::Sample>{{{"status_feed"}, feedStats.connected ? 1.0 : 0.0}};
        });
}

RefundMetrics::RefundMetrics(metrics::Registry& registry)
    : m_requested(registry
                      .counter("shop_gateway_refunds_requested_total",
                               "Refunds accepted by orders (202) through this gateway.")
                      .with()),
      m_completed(registry
                      .counter("shop_gateway_refunds_completed_total",
                               "Completed refunds seen on this gateway's status feed.")
                      .with()) {}

void RefundMetrics::observeResponse(std::string_view method, std::string_view route,
                                    int status) noexcept {
    if (status == 202 && method == "POST" && route == kRefundsRoute) {
        m_requested.inc();
    }
}

void RefundMetrics::observeStatus(const events::OrderStatusChanged& event) noexcept {
    if (event.refundedAmount > 0) {
        m_completed.inc();
    }
}

}  // namespace shop::gateway
