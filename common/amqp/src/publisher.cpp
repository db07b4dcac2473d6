#include "shop/amqp/publisher.hpp"

#include <amqp_framing.h>

#include <chrono>
#include <string>

#include "detail.hpp"
#include "shop/core/log.hpp"

namespace shop::amqp {
namespace {

using Clock = std::chrono::steady_clock;

/// Bookkeeping of one batch: message i has delivery tag firstTag + i.
class BatchState final {
  public:
    BatchState(std::uint64_t firstTag, std::size_t size)
        : m_firstTag(firstTag),
          m_outcomes(size, PublishOutcome::TimedOut),
          m_settled(size, false),
          m_returned(size, false),
          m_unsettled(size) {}

    bool done() const noexcept { return m_unsettled == 0; }

    /// basic.ack / basic.nack: settles `tag`, or every tag up to it when `multiple`.
    /// Tags of earlier batches (late confirms after a timeout) are ignored.
    void settle(std::uint64_t tag, bool multiple, PublishOutcome outcome) {
        if (tag < m_firstTag) {
            return;
        }
        const std::uint64_t offset = tag - m_firstTag;
        if (offset >= m_outcomes.size()) {
            return;  // not ours (cannot happen on a healthy channel)
        }
        const auto last = static_cast<std::size_t>(offset);
        const std::size_t first = multiple ? m_lowestUnsettled : last;
        for (std::size_t i = first; i <= last; ++i) {
            if (m_settled[i]) {
                continue;
            }
            m_settled[i] = true;
            // The broker sends basic.return before the ack of the same message.
            m_outcomes[i] = m_returned[i] ? PublishOutcome::Returned : outcome;
            --m_unsettled;
        }
        while (m_lowestUnsettled < m_settled.size() && m_settled[m_lowestUnsettled]) {
            ++m_lowestUnsettled;
        }
    }

    /// basic.return: marks the earliest unsettled, not yet returned message that matches.
    /// Matching is by message id when the message has one, else by routing key in publish
    /// order (returns come in publish order on a channel).
    bool markReturned(const std::vector<Outgoing>& batch, const std::string& messageId,
                      const std::string& routingKey) {
        for (std::size_t i = m_lowestUnsettled; i < batch.size(); ++i) {
            if (m_settled[i] || m_returned[i] || batch[i].routingKey != routingKey) {
                continue;
            }
            if (!messageId.empty() ? batch[i].message.messageId == messageId
                                   : batch[i].message.messageId.empty()) {
                m_returned[i] = true;
                return true;
            }
        }
        return false;
    }

    std::vector<PublishOutcome> take() { return std::move(m_outcomes); }

  private:
    std::uint64_t m_firstTag;
    std::vector<PublishOutcome> m_outcomes;
    std::vector<bool> m_settled;
    std::vector<bool> m_returned;
    std::size_t m_unsettled;
    std::size_t m_lowestUnsettled = 0;
};

}  // namespace

std::string_view toString(PublishOutcome outcome) {
    switch (outcome) {
        case PublishOutcome::Confirmed:
            return "confirmed";
        case PublishOutcome::Returned:
            return "returned";
        case PublishOutcome::Nacked:
            return "nacked";
        case PublishOutcome::TimedOut:
            return "timed_out";
    }
    return "unknown";
}

Publisher::Publisher(Connection& connection) : m_connection(connection) {
    m_connection.ensureOpen("confirm.select");
    if (!m_connection.m_confirmMode) {
        amqp_confirm_select(m_connection.raw(), Connection::kChannel);
        m_connection.checkLastReply("confirm.select");
        m_connection.m_confirmMode = true;
        m_connection.m_lastPublishTag = 0;
    }
}

PublishOutcome Publisher::publish(const std::string& exchange, const std::string& routingKey,
                                  const Message& message, std::chrono::milliseconds timeout) {
    std::vector<Outgoing> batch;
    batch.push_back(Outgoing{routingKey, message});
    return publishBatch(exchange, batch, timeout).front();
}

std::vector<PublishOutcome> Publisher::publishBatch(const std::string& exchange,
                                                    const std::vector<Outgoing>& batch,
                                                    std::chrono::milliseconds timeout) {
    if (batch.empty()) {
        return {};
    }
    const std::string what = "publish to exchange '" + exchange + "'";
    m_connection.ensureOpen(what);
    amqp_connection_state_t raw = m_connection.raw();
    const auto deadline = Clock::now() + timeout;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();

    BatchState state(m_connection.m_lastPublishTag + 1, batch.size());
    for (const Outgoing& outgoing : batch) {
        const detail::OutgoingProperties properties(outgoing.message, now);
        const int status = amqp_basic_publish(raw, Connection::kChannel, detail::bytesOf(exchange),
                                              detail::bytesOf(outgoing.routingKey), /*mandatory=*/1,
                                              /*immediate=*/0, properties.get(),
                                              detail::bytesOf(outgoing.message.body));
        m_connection.checkStatus(status, what);
        ++m_connection.m_lastPublishTag;
    }

    const std::string waitWhat = "waiting for confirms from exchange '" + exchange + "'";
    while (!state.done()) {
        const auto remaining =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (remaining.count() <= 0) {
            break;
        }
        // Nothing from earlier frames is held here, so the library may recycle its buffers.
        amqp_maybe_release_buffers(raw);
        amqp_frame_t frame;
        const timeval tv = detail::toTimeval(remaining);
        const int status = amqp_simple_wait_frame_noblock(raw, &frame, &tv);
        if (status == AMQP_STATUS_TIMEOUT) {
            break;
        }
        m_connection.checkStatus(status, waitWhat);
        m_connection.handleAsyncFrame(frame, waitWhat);
        if (frame.frame_type != AMQP_FRAME_METHOD) {
            continue;  // content of a delivery nobody consumes on this channel
        }
        switch (frame.payload.method.id) {
            case AMQP_BASIC_ACK_METHOD: {
                const auto* ack =
                    static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
                state.settle(ack->delivery_tag, ack->multiple != 0, PublishOutcome::Confirmed);
                break;
            }
            case AMQP_BASIC_NACK_METHOD: {
                const auto* nack =
                    static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
                state.settle(nack->delivery_tag, nack->multiple != 0, PublishOutcome::Nacked);
                break;
            }
            case AMQP_BASIC_RETURN_METHOD: {
                const auto* ret =
                    static_cast<const amqp_basic_return_t*>(frame.payload.method.decoded);
                const std::string routingKey = detail::toString(ret->routing_key);
                const std::string replyText = detail::toString(ret->reply_text);
                // The returned message's header and body frames follow; they must be read.
                detail::MessageGuard returned;
                m_connection.checkReply(amqp_read_message(raw, frame.channel, &returned.message, 0),
                                        waitWhat);
                returned.filled = true;
                const Message message =
                    detail::toMessage(returned.message.properties, amqp_empty_bytes);
                if (!state.markReturned(batch, message.messageId, routingKey)) {
                    core::logWarn("amqp return for an unknown message",
                                  {{"exchange", exchange},
                                   {"routing_key", routingKey},
                                   {"message_id", message.messageId},
                                   {"reason", replyText}});
                }
                break;
            }
            default:
                break;
        }
    }
    return state.take();
}

}  // namespace shop::amqp
