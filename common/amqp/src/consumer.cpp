#include "shop/amqp/consumer.hpp"

#include <amqp_framing.h>

#include <chrono>

#include "detail.hpp"
#include "shop/amqp/admin.hpp"

namespace shop::amqp {
namespace {

using Clock = std::chrono::steady_clock;

struct EnvelopeGuard {
    amqp_envelope_t envelope{};
    bool filled = false;
    EnvelopeGuard() = default;
    EnvelopeGuard(const EnvelopeGuard&) = delete;
    EnvelopeGuard& operator=(const EnvelopeGuard&) = delete;
    ~EnvelopeGuard() {
        if (filled) {
            amqp_destroy_envelope(&envelope);
        }
    }
};

}  // namespace

Consumer::Consumer(Connection& connection, const std::string& queue, std::uint16_t prefetch,
                   bool exclusive)
    : m_connection(connection), m_queue(queue) {
    const std::string what = "consume from queue '" + queue + "'";
    m_connection.ensureOpen(what);
    amqp_basic_qos(m_connection.raw(), Connection::kChannel, 0, prefetch, 0);
    m_connection.checkLastReply("basic.qos for queue '" + queue + "'");
    const amqp_basic_consume_ok_t* ok = amqp_basic_consume(
        m_connection.raw(), Connection::kChannel, detail::bytesOf(queue), amqp_empty_bytes,
        /*no_local=*/0, /*no_ack=*/0, exclusive ? 1 : 0, amqp_empty_table);
    m_connection.checkLastReply(what);
    m_consumerTag = detail::toString(ok->consumer_tag);
    m_active = true;
}

Consumer::~Consumer() {
    if (m_active && m_connection.isOpen()) {
        try {
            cancel();
        } catch (...) {
            // The connection is gone; the broker forgets the consumer with it.
        }
    }
}

std::optional<Delivery> Consumer::next(std::chrono::milliseconds timeout) {
    const std::string what = "consume from queue '" + m_queue + "'";
    m_connection.ensureOpen(what);
    amqp_connection_state_t raw = m_connection.raw();
    const auto deadline = Clock::now() + timeout;
    while (true) {
        // Everything taken from earlier frames has been copied, so buffers may be recycled.
        amqp_maybe_release_buffers(raw);
        const auto remaining =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        const timeval tv = detail::toTimeval(remaining);
        EnvelopeGuard guard;
        const amqp_rpc_reply_t reply = amqp_consume_message(raw, &guard.envelope, &tv, 0);
        if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
            guard.filled = true;
            const amqp_envelope_t& envelope = guard.envelope;
            Delivery delivery;
            delivery.message =
                detail::toMessage(envelope.message.properties, envelope.message.body);
            delivery.deliveryCount = detail::deliveryCount(envelope.message.properties);
            delivery.routingKey = detail::toString(envelope.routing_key);
            delivery.exchange = detail::toString(envelope.exchange);
            delivery.deliveryTag = envelope.delivery_tag;
            delivery.redelivered = envelope.redelivered != 0;
            return delivery;
        }
        if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
            reply.library_error == AMQP_STATUS_TIMEOUT) {
            return std::nullopt;
        }
        if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
            reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
            // A frame other than basic.deliver was put back; read it and act on it.
            amqp_frame_t frame;
            m_connection.checkStatus(amqp_simple_wait_frame(raw, &frame), what);
            m_connection.handleAsyncFrame(frame, what);
            if (frame.frame_type == AMQP_FRAME_METHOD &&
                frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD) {
                // The connection is healthy; it is retired (closed politely) so the caller
                // reconnects and redeclares the topology, like after any other failure.
                m_active = false;
                m_connection.m_channelOpen = false;
                throw ConnectionError(what +
                                      ": the broker cancelled the consumer (queue deleted?)");
            }
            continue;  // e.g. a stray confirm; a zero timeout still polls once more
        }
        m_connection.checkReply(reply, what);
    }
}

void Consumer::ack(std::uint64_t deliveryTag) {
    amqp::ack(m_connection, deliveryTag);
}

void Consumer::ackUpTo(std::uint64_t deliveryTag) {
    amqp::ackUpTo(m_connection, deliveryTag);
}

void Consumer::reject(std::uint64_t deliveryTag, bool requeue) {
    amqp::reject(m_connection, deliveryTag, requeue);
}

void Consumer::nack(std::uint64_t deliveryTag, bool requeue) {
    amqp::nack(m_connection, deliveryTag, requeue);
}

void Consumer::cancel() {
    if (!m_active) {
        return;
    }
    const std::string what = "cancel consumer on queue '" + m_queue + "'";
    m_connection.ensureOpen(what);
    m_active = false;
    amqp_basic_cancel(m_connection.raw(), Connection::kChannel, detail::bytesOf(m_consumerTag));
    m_connection.checkLastReply(what);
}

}  // namespace shop::amqp
