#include "ws/status_feed.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "shop/amqp/backoff.hpp"
#include "shop/amqp/connection.hpp"
#include "shop/amqp/consumer.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/core/log.hpp"

namespace shop::gateway {

StatusFeed::StatusFeed(StatusFeedOptions options, EventHandler onEvent,
                       std::function<void()> onResumed)
    : m_options(std::move(options)),
      m_endpoints(m_options.amqpUrl),
      m_onEvent(std::move(onEvent)),
      m_onResumed(std::move(onResumed)) {}

StatusFeed::~StatusFeed() {
    stop();
}

void StatusFeed::start() {
    m_thread = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void StatusFeed::stop() {
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

void StatusFeed::push(const amqp::Delivery& delivery) {
    try {
        const auto event =
            delivery.routingKey == events::kPaymentRequestedKey
                ? events::newOrderStatus(events::parsePaymentRequested(delivery.message.body))
                : events::parseOrderStatusChanged(delivery.message.body);
        ++m_stats.received;
        const std::string* requestId = delivery.message.header("x-request-id");
        m_onEvent(event, requestId != nullptr ? *requestId : std::string());
    } catch (const events::MalformedEvent& error) {
        // A fan-out copy for this instance only: nothing to dead-letter or retry.
        ++m_stats.malformed;
        core::logWarn("status feed dropped a malformed event",
                      {{"message_id", delivery.message.messageId}, {"error", error.what()}});
    }
}

void StatusFeed::loop(const std::stop_token& stop) {
    amqp::Backoff backoff(std::chrono::milliseconds(100), std::chrono::seconds(5));
    bool firstConnect = true;
    while (!stop.stop_requested()) {
        try {
            const auto owned =
                m_endpoints.connect(amqp::ConnectionOptions{.connectionName = m_options.name});
            amqp::Connection& connection = *owned;
            // The wait for deliveries has no timeout to check `stop`: a stop ends it.
            const std::stop_callback wake(stop, [&connection] { connection.stopReading(); });
            // A new order's NEW status comes with its PaymentRequested; later ones each come
            // as an OrderStatusChanged.
            const std::string queue = amqp::declareInstanceQueue(
                connection, std::string(events::kExchange),
                std::vector<std::string>{std::string(events::kOrderStatusKey),
                                         std::string(events::kPaymentRequestedKey)});
            amqp::Consumer consumer(connection, queue,
                                    static_cast<std::uint16_t>(m_options.prefetch),
                                    /*exclusive=*/true);
            m_stats.connected = true;
            if (!firstConnect) {
                ++m_stats.reconnects;
            }
            backoff.reset();
            core::logInfo("status feed consuming", {{"queue", queue}});
            if (!firstConnect && m_onResumed) {
                m_onResumed();  // after the fresh queue is bound: nothing from now on is missed
            }
            firstConnect = false;
            // What is already prefetched is pushed, then one ack covers it all; at most half the
            // prefetch window at a time, so the broker never waits for acks to send more.
            const int ackEvery = std::max(1, m_options.prefetch / 2);
            while (!stop.stop_requested()) {
                auto delivery = consumer.next(std::chrono::seconds(60));
                int unacked = 0;
                while (delivery) {
                    push(*delivery);
                    const std::uint64_t tag = delivery->deliveryTag;
                    delivery = ++unacked < ackEvery ? consumer.next(std::chrono::milliseconds(0))
                                                    : std::nullopt;
                    if (!delivery) {
                        consumer.ackUpTo(tag);
                    }
                }
            }
        } catch (const std::exception& error) {
            m_stats.connected = false;
            if (stop.stop_requested()) {
                break;  // most likely the stop ended the wait
            }
            const auto delay = backoff.next();
            core::logWarn(
                "status feed lost the broker",
                {{"error", error.what()}, {"retry_in_ms", std::to_string(delay.count())}});
            amqp::sleepFor(delay, stop);
        }
    }
    m_stats.connected = false;
}

}  // namespace shop::gateway
