#include "ws/frames.hpp"

#include <charconv>

#include "shop/domain/money.hpp"

namespace shop::gateway {

StatusFrame frameFromEvent(const events::OrderStatusChanged& event) {
    StatusFrame frame;
    frame.orderId = event.orderId;
    frame.userId = event.userId;
    frame.status = std::string(domain::toString(event.status));
    if (event.failureReason) {
        frame.failureReason = std::string(domain::toString(*event.failureReason));
    }
    frame.version = event.version;
    frame.amount = domain::formatMoney(event.amount);
    frame.refundedAmount = domain::formatMoney(event.refundedAmount);
    frame.description = event.description;
    frame.createdAt = event.createdAt;
    frame.updatedAt = event.occurredAt;
    return frame;
}

std::optional<StatusFrame> frameFromOrder(const domain::Json& order) {
    auto text = [&order](std::string_view key) -> const std::string* {
        const domain::Json* value = order.find(key);
        return value != nullptr && value->isString() ? &value->asString() : nullptr;
    };
    const std::string* orderId = text("order_id");
    const std::string* userId = text("user_id");
    const std::string* status = text("status");
    const std::string* amount = text("amount");
    const std::string* refundedAmount = text("refunded_amount");
    const std::string* description = text("description");
    const std::string* createdAt = text("created_at");
    const std::string* updatedAt = text("updated_at");
    const domain::Json* reason = order.find("failure_reason");
    const domain::Json* version = order.find("version");
    if (orderId == nullptr || userId == nullptr || status == nullptr || amount == nullptr ||
        refundedAmount == nullptr || description == nullptr || createdAt == nullptr ||
        updatedAt == nullptr || reason == nullptr || !(reason->isNull() || reason->isString()) ||
        version == nullptr || !version->isNumber()) {
        return std::nullopt;
    }
    StatusFrame frame{*orderId, *userId,         *status,      std::nullopt, 0,
                      *amount,  *refundedAmount, *description, *createdAt,   *updatedAt};
    if (reason->isString()) {
        frame.failureReason = reason->asString();
    }
    const std::string& digits = version->numberText();
    auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), frame.version);
    if (error != std::errc{} || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return frame;
}

std::string toJson(const StatusFrame& frame) {
    domain::JsonWriter out;
    out.beginObject()
        .field("type", "order.status")
        .field("order_id", frame.orderId)
        .field("user_id", frame.userId)
        .field("status", frame.status);
    if (frame.failureReason) {
        out.field("failure_reason", *frame.failureReason);
    } else {
        out.fieldNull("failure_reason");
    }
    out.field("version", frame.version)
        .field("amount", frame.amount)
        .field("refunded_amount", frame.refundedAmount)
        .field("description", frame.description)
        .field("created_at", frame.createdAt)
        .field("updated_at", frame.updatedAt)
        .endObject();
    return out.take();
}

std::string errorFrameJson(std::string_view code, std::string_view message) {
    domain::JsonWriter out;
    out.beginObject()
        .field("type", "error")
        .field("code", code)
        .field("message", message)
        .endObject();
    return out.take();
}

}  // namespace shop::gateway
