#include "detail.hpp"

#include <limits>

namespace shop::amqp::detail {

amqp_bytes_t bytesOf(std::string_view text) {
    amqp_bytes_t bytes;
    bytes.len = text.size();
    bytes.bytes = const_cast<char*>(text.data());
    return bytes;
}

std::string toString(amqp_bytes_t bytes) {
    if (bytes.len == 0 || bytes.bytes == nullptr) {
        return {};
    }
    return std::string(static_cast<const char*>(bytes.bytes), bytes.len);
}

timeval toTimeval(std::chrono::milliseconds duration) {
    const auto ms = duration.count() < 0 ? 0 : duration.count();
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
    return tv;
}

}  // namespace shop::amqp::detail

namespace shop::amqp {

std::optional<std::int64_t> fieldInteger(const amqp_field_value_t& value) {
    switch (value.kind) {
        case AMQP_FIELD_KIND_I8:
            return value.value.i8;
        case AMQP_FIELD_KIND_U8:
            return value.value.u8;
        case AMQP_FIELD_KIND_I16:
            return value.value.i16;
        case AMQP_FIELD_KIND_U16:
            return value.value.u16;
        case AMQP_FIELD_KIND_I32:
            return value.value.i32;
        case AMQP_FIELD_KIND_U32:
            return value.value.u32;
        case AMQP_FIELD_KIND_I64:
            return value.value.i64;
        case AMQP_FIELD_KIND_U64:
            if (value.value.u64 > static_cast<std::uint64_t>(std::numeric_limits<int64_t>::max())) {
                return std::nullopt;
            }
            return static_cast<std::int64_t>(value.value.u64);
        default:
            return std::nullopt;
    }
}

}  // namespace shop::amqp

namespace shop::amqp::detail {

Message toMessage(const amqp_basic_properties_t& properties, amqp_bytes_t body) {
    Message message;
    message.body = toString(body);
    const amqp_flags_t flags = properties._flags;
    message.contentType =
        (flags & AMQP_BASIC_CONTENT_TYPE_FLAG) != 0 ? toString(properties.content_type) : "";
    if ((flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) {
        message.messageId = toString(properties.message_id);
    }
    if ((flags & AMQP_BASIC_TYPE_FLAG) != 0) {
        message.type = toString(properties.type);
    }
    if ((flags & AMQP_BASIC_CORRELATION_ID_FLAG) != 0) {
        message.correlationId = toString(properties.correlation_id);
    }
    message.deliveryMode = (flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0 &&
                                   properties.delivery_mode == AMQP_DELIVERY_PERSISTENT
                               ? DeliveryMode::Persistent
                               : DeliveryMode::Transient;
    if ((flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0) {
        message.timestamp = static_cast<std::int64_t>(properties.timestamp);
    }
    if ((flags & AMQP_BASIC_HEADERS_FLAG) != 0) {
        for (int i = 0; i < properties.headers.num_entries; ++i) {
            const amqp_table_entry_t& entry = properties.headers.entries[i];
            if (entry.value.kind == AMQP_FIELD_KIND_UTF8 ||
                entry.value.kind == AMQP_FIELD_KIND_BYTES) {
                message.headers.emplace_back(toString(entry.key),
                                             toString(entry.value.value.bytes));
            }
        }
    }
    return message;
}

std::optional<int> deliveryCount(const amqp_basic_properties_t& properties) {
    if ((properties._flags & AMQP_BASIC_HEADERS_FLAG) == 0) {
        return std::nullopt;
    }
    for (int i = 0; i < properties.headers.num_entries; ++i) {
        const amqp_table_entry_t& entry = properties.headers.entries[i];
        if (toString(entry.key) != "x-delivery-count") {
            continue;
        }
        const auto value = fieldInteger(entry.value);
        if (!value || *value < 0 || *value > std::numeric_limits<int>::max()) {
            return std::nullopt;
        }
        return static_cast<int>(*value);
    }
    return std::nullopt;
}

OutgoingProperties::OutgoingProperties(const Message& message, std::int64_t now) {
    amqp_flags_t flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG;
    m_properties.delivery_mode = static_cast<std::uint8_t>(message.deliveryMode);
    m_properties.timestamp =
        static_cast<std::uint64_t>(message.timestamp != 0 ? message.timestamp : now);
    if (!message.contentType.empty()) {
        flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
        m_properties.content_type = bytesOf(message.contentType);
    }
    if (!message.messageId.empty()) {
        flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        m_properties.message_id = bytesOf(message.messageId);
    }
    if (!message.type.empty()) {
        flags |= AMQP_BASIC_TYPE_FLAG;
        m_properties.type = bytesOf(message.type);
    }
    if (!message.correlationId.empty()) {
        flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
        m_properties.correlation_id = bytesOf(message.correlationId);
    }
    if (!message.headers.empty()) {
        m_headers.reserve(message.headers.size());
        for (const auto& [key, value] : message.headers) {
            amqp_table_entry_t entry{};
            entry.key = bytesOf(key);
            entry.value.kind = AMQP_FIELD_KIND_UTF8;
            entry.value.value.bytes = bytesOf(value);
            m_headers.push_back(entry);
        }
        flags |= AMQP_BASIC_HEADERS_FLAG;
        m_properties.headers = tableOf(m_headers);
    }
    m_properties._flags = flags;
}

amqp_table_entry_t stringEntry(const char* key, std::string_view value) {
    amqp_table_entry_t entry{};
    entry.key = amqp_cstring_bytes(key);
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = bytesOf(value);
    return entry;
}

amqp_table_entry_t longEntry(const char* key, std::int64_t value) {
    amqp_table_entry_t entry{};
    entry.key = amqp_cstring_bytes(key);
    entry.value.kind = AMQP_FIELD_KIND_I64;
    entry.value.value.i64 = value;
    return entry;
}

amqp_table_t tableOf(std::vector<amqp_table_entry_t>& entries) {
    amqp_table_t table;
    table.num_entries = static_cast<int>(entries.size());
    table.entries = entries.empty() ? nullptr : entries.data();
    return table;
}

}  // namespace shop::amqp::detail
