#include "dlq.hpp"

#include <amqp.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "shop/amqp/admin.hpp"
#include "shop/amqp/endpoints.hpp"
#include "shop/amqp/publisher.hpp"
#include "shop/amqp/raw.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/events/events.hpp"

namespace shop::dlq {
namespace {

constexpr auto kConfirmTimeout = std::chrono::seconds(10);

std::string text(amqp_bytes_t bytes) {
    if (bytes.len == 0 || bytes.bytes == nullptr) {
        return {};
    }
    return std::string(static_cast<const char*>(bytes.bytes), bytes.len);
}

amqp_bytes_t bytesOf(const std::string& value) {
    amqp_bytes_t bytes;
    bytes.len = value.size();
    bytes.bytes = const_cast<char*>(value.data());
    return bytes;
}

bool isText(const amqp_field_value_t& value) {
    return value.kind == AMQP_FIELD_KIND_UTF8 || value.kind == AMQP_FIELD_KIND_BYTES;
}

struct Fetched {
    std::uint64_t deliveryTag = 0;
    DeadLetter letter;
};

/// basic.get without ack, keeping the x-death table that shop_amqp's Message leaves out.
std::optional<Fetched> fetch(amqp::Connection& connection, const std::string& workQueue) {
    const std::string dlq = amqp::deadLetterQueueName(workQueue);
    const std::string what = "basic.get from queue '" + dlq + "'";
    connection.ensureOpen(what);
    amqp_connection_state_t raw = connection.raw();
    amqp_maybe_release_buffers(raw);
    const amqp_rpc_reply_t reply =
        amqp_basic_get(raw, amqp::Connection::kChannel, bytesOf(dlq), /*no_ack=*/0);
    connection.checkReply(reply, what);
    if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) {
        return std::nullopt;
    }
    Fetched fetched;
    fetched.deliveryTag =
        static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded)->delivery_tag;
    fetched.letter.routingKey =
        text(static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded)->routing_key);
    amqp::MessageGuard guard;
    connection.checkReply(amqp_read_message(raw, amqp::Connection::kChannel, &guard.message, 0),
                          what);
    guard.filled = true;

    const amqp_basic_properties_t& properties = guard.message.properties;
    const amqp_flags_t flags = properties._flags;
    DeadLetter& letter = fetched.letter;
    letter.workQueue = workQueue;
    amqp::Message& message = letter.message;
    message.body = text(guard.message.body);
    message.contentType =
        (flags & AMQP_BASIC_CONTENT_TYPE_FLAG) != 0 ? text(properties.content_type) : "";
    if ((flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) {
        message.messageId = text(properties.message_id);
    }
    if ((flags & AMQP_BASIC_TYPE_FLAG) != 0) {
        message.type = text(properties.type);
    }
    if ((flags & AMQP_BASIC_CORRELATION_ID_FLAG) != 0) {
        message.correlationId = text(properties.correlation_id);
    }
    if ((flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0) {
        message.timestamp = static_cast<std::int64_t>(properties.timestamp);
    }
    message.deliveryMode = (flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0 &&
                                   properties.delivery_mode == AMQP_DELIVERY_NONPERSISTENT
                               ? amqp::DeliveryMode::Transient
                               : amqp::DeliveryMode::Persistent;
    if ((flags & AMQP_BASIC_HEADERS_FLAG) == 0) {
        return fetched;
    }
    for (int i = 0; i < properties.headers.num_entries; ++i) {
        const amqp_table_entry_t& entry = properties.headers.entries[i];
        const std::string key = text(entry.key);
        if (key == "x-death" && entry.value.kind == AMQP_FIELD_KIND_ARRAY &&
            entry.value.value.array.num_entries > 0 &&
            entry.value.value.array.entries[0].kind == AMQP_FIELD_KIND_TABLE) {
            // The first element is the most recent death.
            const amqp_table_t& death = entry.value.value.array.entries[0].value.table;
            for (int j = 0; j < death.num_entries; ++j) {
                const std::string field = text(death.entries[j].key);
                const amqp_field_value_t& value = death.entries[j].value;
                if (field == "reason" && isText(value)) {
                    letter.reason = text(value.value.bytes);
                } else if (field == "count") {
                    letter.count = amqp::fieldInteger(value).value_or(0);
                } else if (field == "routing-keys" && value.kind == AMQP_FIELD_KIND_ARRAY &&
                           value.value.array.num_entries > 0 &&
                           isText(value.value.array.entries[0])) {
                    letter.routingKey = text(value.value.array.entries[0].value.bytes);
                }
            }
        } else if (isText(entry.value) && !key.starts_with("x-death") &&
                   !key.starts_with("x-first-death") && !key.starts_with("x-last-death")) {
            // Application headers (x-request-id, traceparent) travel on; the broker's death
            // bookkeeping does not, so a redriven message starts with a clean record.
            message.headers.emplace_back(key, text(entry.value.value.bytes));
        }
    }
    return fetched;
}

std::string printable(std::string_view body, std::size_t max) {
    std::string out;
    for (const char c : body.substr(0, max)) {
        out += (c >= 0x20 && c < 0x7f) ? c : '.';
    }
    if (body.size() > max) {
        out += "...";
    }
    return out;
}

}  // namespace

std::vector<std::string> workQueues() {
    return {std::string(events::kPaymentRequestedQueue), std::string(events::kPaymentResultQueue),
            std::string(events::kRefundRequestedQueue), std::string(events::kRefundResultQueue)};
}

std::vector<DeadLetter> list(const std::string& amqpUrl, const std::string& workQueue,
                             std::size_t limit) {
    amqp::Endpoints endpoints(amqpUrl);
    const auto owned =
        endpoints.connect(amqp::ConnectionOptions{.connectionName = "shop-dlq list"});
    amqp::Connection& connection = *owned;
    const std::size_t present =
        amqp::messageCount(connection, amqp::deadLetterQueueName(workQueue));
    std::vector<DeadLetter> letters;
    while (letters.size() < std::min(limit, present)) {
        auto fetched = fetch(connection, workQueue);
        if (!fetched) {
            break;
        }
        letters.push_back(std::move(fetched->letter));
    }
    // Closing the connection returns every unacknowledged message to the DLQ.
    return letters;
}

RedriveResult redrive(const std::string& amqpUrl, const std::string& workQueue) {
    RedriveResult result;
    amqp::Endpoints endpoints(amqpUrl);
    const auto ownedSource =
        endpoints.connect(amqp::ConnectionOptions{.connectionName = "shop-dlq redrive"});
    const auto ownedTarget =
        endpoints.connect(amqp::ConnectionOptions{.connectionName = "shop-dlq publish"});
    amqp::Connection& source = *ownedSource;
    amqp::Connection& target = *ownedTarget;
    // Fails with 404 before anything moves when the work queue does not exist.
    amqp::messageCount(target, workQueue);
    amqp::Publisher publisher(target);
    const std::size_t present = amqp::messageCount(source, amqp::deadLetterQueueName(workQueue));
    for (std::size_t i = 0; i < present; ++i) {
        auto fetched = fetch(source, workQueue);
        if (!fetched) {
            break;
        }
        const auto outcome =
            publisher.publish("", workQueue, fetched->letter.message, kConfirmTimeout);
        if (outcome == amqp::PublishOutcome::Confirmed) {
            amqp::ack(source, fetched->deliveryTag);
            ++result.redriven;
        } else {
            // Left unacked: it returns to the DLQ when the connection closes.
            ++result.failed;
        }
    }
    return result;
}

std::string formatTable(const std::vector<DeadLetter>& letters) {
    std::ostringstream out;
    out << "queue                        message_id                            type               "
           "reason          count  body\n";
    for (const DeadLetter& letter : letters) {
        auto pad = [](std::string value, std::size_t width) {
            if (value.empty()) {
                value = "-";
            }
            value.resize(std::max(width, value.size()), ' ');
            return value;
        };
        out << pad(letter.workQueue, 28) << ' ' << pad(letter.message.messageId, 37) << ' '
            << pad(letter.message.type, 18) << ' ' << pad(letter.reason, 15) << ' '
            << pad(std::to_string(letter.count), 6) << ' ' << printable(letter.message.body, 60)
            << '\n';
    }
    return out.str();
}

}  // namespace shop::dlq
