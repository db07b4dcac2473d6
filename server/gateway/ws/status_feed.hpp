#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <thread>

#include "shop/amqp/endpoints.hpp"
#include "shop/amqp/message.hpp"
#include "shop/events/events.hpp"

namespace shop::gateway {

struct StatusFeedOptions {
    std::string amqpUrl;
    std::string name = "gateway-status-feed";  ///< connection name shown by the broker
    int prefetch = 200;
};

/// Counters of the feed (for readiness and metrics).
struct StatusFeedStats {
    std::atomic<bool> connected{false};
    std::atomic<std::uint64_t> received{0};   ///< statuses handed on
    std::atomic<std::uint64_t> malformed{0};  ///< bodies that did not parse (dropped)
    std::atomic<std::uint64_t> reconnects{0};
};

/// This gateway instance's feed of order statuses: a thread that declares its own exclusive,
/// auto-delete queue bound to `order.status` and `payment.requested` on shop.events, consumes
/// it, and hands each status to `onEvent` (a PaymentRequested as its order's NEW status, see
/// events::newOrderStatus). When the broker (or, in a cluster, the node holding the queue) goes
/// away it reconnects with capped exponential backoff, to the next node of its URL list, and
/// declares a fresh queue (the old one died with the connection). Events published while it was
/// disconnected are not seen: once the fresh queue consumes it calls `onResumed`, so the gateway
/// can make its subscribers re-read state.
class StatusFeed final {
  public:
    /// Gets each event and the x-request-id it carried ("" when none).
    using EventHandler =
        std::function<void(const events::OrderStatusChanged&, const std::string& requestId)>;

    StatusFeed(StatusFeedOptions options, EventHandler onEvent,
               std::function<void()> onResumed = {});
    ~StatusFeed();
    StatusFeed(const StatusFeed&) = delete;
    StatusFeed& operator=(const StatusFeed&) = delete;

    void start();
    void stop();
    const StatusFeedStats& stats() const noexcept { return m_stats; }

  private:
    void loop(const std::stop_token& stop);
    /// Hands one delivery's status to the callback (or counts it malformed).
    void push(const amqp::Delivery& delivery);

    StatusFeedOptions m_options;
    amqp::Endpoints m_endpoints;  ///< used by the feed thread only
    EventHandler m_onEvent;
    std::function<void()> m_onResumed;
    StatusFeedStats m_stats;
    std::jthread m_thread;
};

}  // namespace shop::gateway
