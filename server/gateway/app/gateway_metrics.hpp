#pragma once

#include <string_view>

#include "shop/events/events.hpp"
#include "shop/metrics/registry.hpp"
#include "shop/websocket/hub.hpp"
#include "ws/order_streams.hpp"
#include "ws/status_feed.hpp"

namespace shop::gateway {

/// Registers the gateway's own metrics (besides HTTP): open WebSocket connections, connections
/// opened, refused, dropped as slow and reaped as dead, frames pushed, status events received
/// and dropped as stale, and the status feed's broker connection. The sources must outlive the
/// registry's last render.
void registerGatewayMetrics(metrics::Registry& registry, const websocket::Hub& hub,
                            const OrderStreams& streams, const StatusFeed& feed);

/// The route through which the operator asks for a refund (forwarded to orders).
inline constexpr std::string_view kRefundsRoute = "/orders/{order_id}/refunds";

/// Refunds as this gateway sees them, counted where it sees them anyway (no query to orders):
/// shop_gateway_refunds_requested_total counts each 202 answer to POST kRefundsRoute it passed
/// on (an Idempotency-Key replay included: the gateway cannot tell it from a first answer), and
/// shop_gateway_refunds_completed_total each status event with a refunded amount: an order gets
/// one only after it is FINISHED, and from then on each change it has is a completed refund (the
/// last one making it REFUNDED), so each such event is one refund. A redelivered copy counts
/// again, as in shop_ws_status_events_total. Every gateway instance receives every status event,
/// so each instance counts every completed refund. Thread-safe.
class RefundMetrics final {
  public:
    explicit RefundMetrics(metrics::Registry& registry);

    /// For the HTTP server's observer: one answered request, by its route pattern.
    void observeResponse(std::string_view method, std::string_view route, int status) noexcept;
    /// For the status feed: one event received.
    void observeStatus(const events::OrderStatusChanged& event) noexcept;

  private:
    metrics::Counter& m_requested;
    metrics::Counter& m_completed;
};

}  // namespace shop::gateway
