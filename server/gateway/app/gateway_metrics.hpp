#pragma once

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

}  // namespace shop::gateway
