#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::amqp {

/// AMQP delivery-mode: persistent messages survive a broker restart in durable queues.
enum class DeliveryMode : std::uint8_t { Transient = 1, Persistent = 2 };

/// A message body and the AMQP properties this system uses (CONTRACT section 4).
/// Empty strings mean "property not set".
struct Message {
    std::string body;
    std::string messageId;
    std::string type;
    std::string correlationId;
    std::string contentType = "application/json";
    DeliveryMode deliveryMode = DeliveryMode::Persistent;
    /// Seconds since the Unix epoch; 0 means unset. The Publisher fills in the current time
    /// when it is 0.
    std::int64_t timestamp = 0;
    /// String headers only (x-request-id, traceparent, ...), in order. Headers of other types
    /// on received messages (x-death, x-delivery-count) are not listed here.
    std::vector<std::pair<std::string, std::string>> headers;

    /// The value of the first header called `name`, or nullptr.
    const std::string* header(std::string_view name) const {
        for (const auto& [key, value] : headers) {
            if (key == name) {
                return &value;
            }
        }
        return nullptr;
    }
};

/// A message received from a queue, with what is needed to acknowledge it.
struct Delivery {
    Message message;
    std::string routingKey;
    std::string exchange;
    /// Channel-scoped tag for ack/reject/nack on the same Connection.
    std::uint64_t deliveryTag = 0;
    bool redelivered = false;
    /// The `x-delivery-count` header: quorum queues set it from the first redelivery on
    /// (how many times the message was returned to the queue before).
    std::optional<int> deliveryCount;
};

}  // namespace shop::amqp
