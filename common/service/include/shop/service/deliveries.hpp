#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shop/amqp/message.hpp"
#include "shop/core/log.hpp"
#include "shop/events/events.hpp"

namespace shop::service {

/// The delivery's `x-request-id` header, or "" without one.
std::string requestIdOf(const amqp::Delivery& delivery);

/// What every consumer does first: the delivery's event, parsed by `parse` (one of the
/// events::parse* functions); nullopt, having logged "dead-lettering malformed <type>" with the
/// reason, when the message has no message_id or its body is not such an event. Such a message is
/// dead-lettered, never retried.
template <class Event>
std::optional<Event> parseDelivery(const amqp::Delivery& delivery, std::string_view type,
                                   Event (*parse)(std::string_view)) {
    const std::string& messageId = delivery.message.messageId;
    try {
        if (messageId.empty()) {
            throw events::MalformedEvent("message has no message_id");
        }
        return parse(delivery.message.body);
    } catch (const events::MalformedEvent& error) {
        core::logWarn("dead-lettering malformed " + std::string(type),
                      {{"message_id", messageId},
                       {"request_id", requestIdOf(delivery)},
                       {"error", error.what()}});
        return std::nullopt;
    }
}

}  // namespace shop::service
