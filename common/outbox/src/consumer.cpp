#include "shop/outbox/consumer.hpp"

#include "shop/amqp/backoff.hpp"
#include "shop/amqp/connection.hpp"
#include "shop/amqp/consumer.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/amqp/url.hpp"
#include "shop/core/log.hpp"
#include "shop/pg/errors.hpp"

namespace shop::outbox {

ConsumerWorker::ConsumerWorker(ConsumerOptions options, DeliveryHandler handler)
    : m_options(std::move(options)), m_handler(std::move(handler)) {}

ConsumerWorker::~ConsumerWorker() {
    stop();
}

void ConsumerWorker::start() {
    m_thread = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void ConsumerWorker::stop() {
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

void ConsumerWorker::loop(const std::stop_token& stop) {
    amqp::Backoff backoff;
    while (!stop.stop_requested()) {
        try {
            amqp::Connection connection(amqp::parseUrl(m_options.amqpUrl),
                                        amqp::ConnectionOptions{.connectionName = m_options.name});
            amqp::declareExchange(connection, m_options.exchange);
            amqp::declareWorkQueue(
                connection, amqp::WorkQueueSpec{m_options.queue, m_options.exchange,
                                                m_options.bindingKeys, m_options.deliveryLimit});
            amqp::Consumer consumer(connection, m_options.queue,
                                    static_cast<std::uint16_t>(m_options.prefetch));
            m_stats.connected = true;
            backoff.reset();
            core::logInfo("consuming", {{"queue", m_options.queue}});
            while (!stop.stop_requested()) {
                auto delivery = consumer.next(std::chrono::milliseconds(200));
                if (!delivery) {
                    continue;
                }
                ++m_stats.consumed;
                const Disposition disposition = handleWithRetries(*delivery, stop);
                if (stop.stop_requested() && disposition == Disposition::Retry) {
                    break;  // leave it unacked: it returns to the queue when we disconnect
                }
                switch (disposition) {
                    case Disposition::Ack:
                        consumer.ack(delivery->deliveryTag);
                        break;
                    case Disposition::Duplicate:
                        ++m_stats.duplicates;
                        consumer.ack(delivery->deliveryTag);
                        break;
                    case Disposition::DeadLetter:
                        ++m_stats.deadLettered;
                        consumer.reject(delivery->deliveryTag, false);
                        break;
                    case Disposition::Retry:
                        ++m_stats.retried;
                        consumer.nack(delivery->deliveryTag, true);
                        break;
                }
            }
        } catch (const std::exception& error) {
            m_stats.connected = false;
            core::logWarn("consumer lost the broker",
                          {{"queue", m_options.queue}, {"error", error.what()}});
            amqp::sleepFor(backoff.next(), stop);
        }
    }
    m_stats.connected = false;
}

Disposition ConsumerWorker::handleWithRetries(const amqp::Delivery& delivery,
                                              const std::stop_token& stop) {
    amqp::Backoff backoff;
    const std::string& messageId = delivery.message.messageId;
    while (true) {
        try {
            return m_handler(delivery);
        } catch (const pg::Error& error) {
            if (!pg::isTransient(error) || stop.stop_requested()) {
                core::logError("message failed", {{"queue", m_options.queue},
                                                  {"message_id", messageId},
                                                  {"error", error.what()}});
                return Disposition::Retry;
            }
            core::logWarn(
                "database unavailable, retrying message",
                {{"queue", m_options.queue}, {"message_id", messageId}, {"error", error.what()}});
            amqp::sleepFor(backoff.next(), stop);
        } catch (const std::exception& error) {
            core::logError(
                "message failed",
                {{"queue", m_options.queue}, {"message_id", messageId}, {"error", error.what()}});
            return Disposition::Retry;
        }
    }
}

}  // namespace shop::outbox
