#pragma once

// Conversions between rabbitmq-c structures and this library's types. Internal.

#include <amqp.h>
#include <amqp_framing.h>
#include <sys/time.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/amqp/message.hpp"
#include "shop/amqp/raw.hpp"

namespace shop::amqp::detail {

/// A view of `text` as amqp_bytes_t (rabbitmq-c never writes through it).
amqp_bytes_t bytesOf(std::string_view text);

std::string toString(amqp_bytes_t bytes);

/// Negative durations become zero (a non-blocking poll).
timeval toTimeval(std::chrono::milliseconds duration);

/// The message carried by `properties` and `body` (string headers only).
Message toMessage(const amqp_basic_properties_t& properties, amqp_bytes_t body);

/// The integer `x-delivery-count` header, if present.
std::optional<int> deliveryCount(const amqp_basic_properties_t& properties);

/// amqp_basic_properties_t for publishing `message`; it points into `message` and this
/// object, so both must outlive the publish call.
class OutgoingProperties final {
  public:
    OutgoingProperties(const Message& message, std::int64_t now);
    OutgoingProperties(const OutgoingProperties&) = delete;
    OutgoingProperties& operator=(const OutgoingProperties&) = delete;

    const amqp_basic_properties_t* get() const noexcept { return &m_properties; }

  private:
    amqp_basic_properties_t m_properties{};
    std::vector<amqp_table_entry_t> m_headers;
};

using amqp::MessageGuard;

/// A table entry with a string value.
amqp_table_entry_t stringEntry(const char* key, std::string_view value);
/// A table entry with a signed 64-bit value (what RabbitMQ expects for numeric x-arguments).
amqp_table_entry_t longEntry(const char* key, std::int64_t value);
amqp_table_t tableOf(std::vector<amqp_table_entry_t>& entries);

}  // namespace shop::amqp::detail
