#pragma once

#include <amqp.h>

#include <cstdint>
#include <optional>

namespace shop::amqp {

/// Helpers for code that reads rabbitmq-c structures directly (e.g. the DLQ tool's x-death
/// records); the rest of the project uses Message and Delivery.

/// An AMQP table value of any integer kind, or nullopt for other kinds (and u64 past int64).
std::optional<std::int64_t> fieldInteger(const amqp_field_value_t& value);

/// Owns an amqp_message_t filled by amqp_read_message and destroys it once.
struct MessageGuard {
    amqp_message_t message{};
    bool filled = false;
    MessageGuard() = default;
    MessageGuard(const MessageGuard&) = delete;
    MessageGuard& operator=(const MessageGuard&) = delete;
    ~MessageGuard() {
        if (filled) {
            amqp_destroy_message(&message);
        }
    }
};

}  // namespace shop::amqp
