#include "shop/events/events.hpp"

#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"

namespace shop::events {
namespace {

using domain::Json;
using domain::JsonWriter;

Json parseObject(std::string_view body) {
    std::string error;
    auto json = domain::parseJson(body, error);
    if (!json) {
        throw MalformedEvent("body is not JSON: " + error);
    }
    if (!json->isObject()) {
        throw MalformedEvent("body is not a JSON object");
    }
    return std::move(*json);
}

const Json& field(const Json& object, std::string_view name) {
    const Json* value = object.find(name);
    if (value == nullptr) {
        throw MalformedEvent("missing field " + std::string(name));
    }
    return *value;
}

std::string text(const Json& object, std::string_view name) {
    const Json& value = field(object, name);
    if (!value.isString()) {
        throw MalformedEvent(std::string(name) + " must be a string");
    }
    return value.asString();
}

std::string uuid(const Json& object, std::string_view name) {
    auto id = domain::normalizeUuid(text(object, name));
    if (!id) {
        throw MalformedEvent(std::string(name) + " must be a UUID");
    }
    return *id;
}

domain::Minor money(const Json& value, std::string_view name) {
    if (!value.isString() && !value.isNumber()) {
        throw MalformedEvent(std::string(name) + " must be a decimal amount");
    }
    std::string error;
    auto minor =
        domain::parseMoney(value.isString() ? value.asString() : value.numberText(), error);
    if (!minor) {
        throw MalformedEvent(std::string(name) + ": " + error);
    }
    return *minor;
}

std::optional<domain::FailureReason> failureReason(const Json& object) {
    const Json& value = field(object, "failure_reason");
    if (value.isNull()) {
        return std::nullopt;
    }
    if (!value.isString()) {
        throw MalformedEvent("failure_reason must be a string or null");
    }
    auto reason = domain::parseFailureReason(value.asString());
    if (!reason) {
        throw MalformedEvent("unknown failure_reason " + value.asString());
    }
    return reason;
}

/// A text field that older producers did not send: "" when absent.
std::string optionalText(const Json& object, std::string_view name) {
    const Json* value = object.find(name);
    if (value == nullptr) {
        return {};
    }
    if (!value->isString()) {
        throw MalformedEvent(std::string(name) + " must be a string");
    }
    return value->asString();
}

domain::Minor positiveMoney(const Json& object, std::string_view name) {
    const domain::Minor amount = money(field(object, name), name);
    if (amount <= 0) {
        throw MalformedEvent(std::string(name) + " must be greater than 0");
    }
    return amount;
}

void writeReason(JsonWriter& out, const std::optional<domain::FailureReason>& reason) {
    if (reason) {
        out.field("failure_reason", domain::toString(*reason));
    } else {
        out.fieldNull("failure_reason");
    }
}

}  // namespace

std::string toJson(const PaymentRequested& event) {
    JsonWriter out;
    out.beginObject()
        .field("event_id", event.eventId)
        .field("order_id", event.orderId)
        .field("user_id", event.userId)
        .field("amount", domain::formatMoney(event.amount))
        .field("occurred_at", event.occurredAt)
        .field("description", event.description)
        .endObject();
    return out.take();
}

std::string toJson(const PaymentResult& event) {
    JsonWriter out;
    out.beginObject()
        .field("event_id", event.eventId)
        .field("order_id", event.orderId)
        .field("user_id", event.userId)
        .field("outcome", event.outcome == PaymentOutcome::Succeeded ? "SUCCEEDED" : "FAILED");
    writeReason(out, event.failureReason);
    if (event.balanceAfter) {
        out.field("balance_after", domain::formatMoney(*event.balanceAfter));
    } else {
        out.fieldNull("balance_after");
    }
    out.field("occurred_at", event.occurredAt).endObject();
    return out.take();
}

std::string toJson(const OrderStatusChanged& event) {
    JsonWriter out;
    out.beginObject()
        .field("event_id", event.eventId)
        .field("order_id", event.orderId)
        .field("user_id", event.userId)
        .field("status", domain::toString(event.status));
    writeReason(out, event.failureReason);
    out.field("version", event.version)
        .field("amount", domain::formatMoney(event.amount))
        .field("occurred_at", event.occurredAt)
        .field("description", event.description)
        .field("created_at", event.createdAt)
        .field("refunded_amount", domain::formatMoney(event.refundedAmount))
        .endObject();
    return out.take();
}

std::string toJson(const RefundRequested& event) {
    JsonWriter out;
    out.beginObject()
        .field("event_id", event.eventId)
        .field("refund_id", event.refundId)
        .field("order_id", event.orderId)
        .field("user_id", event.userId)
        .field("amount", domain::formatMoney(event.amount))
        .field("occurred_at", event.occurredAt)
        .endObject();
    return out.take();
}

std::string toJson(const RefundResult& event) {
    JsonWriter out;
    out.beginObject()
        .field("event_id", event.eventId)
        .field("refund_id", event.refundId)
        .field("order_id", event.orderId)
        .field("user_id", event.userId)
        .field("outcome", "SUCCEEDED")
        .field("balance_after", domain::formatMoney(event.balanceAfter))
        .field("occurred_at", event.occurredAt)
        .endObject();
    return out.take();
}

PaymentRequested parsePaymentRequested(std::string_view body) {
    const Json json = parseObject(body);
    PaymentRequested event;
    event.eventId = uuid(json, "event_id");
    event.orderId = uuid(json, "order_id");
    event.userId = uuid(json, "user_id");
    event.amount = positiveMoney(json, "amount");
    event.occurredAt = text(json, "occurred_at");
    event.description = optionalText(json, "description");
    return event;
}

OrderStatusChanged newOrderStatus(const PaymentRequested& request) {
    OrderStatusChanged status;
    status.eventId = request.eventId;
    status.orderId = request.orderId;
    status.userId = request.userId;
    status.amount = request.amount;
    status.occurredAt = request.occurredAt;
    status.description = request.description;
    status.createdAt = request.occurredAt;
    return status;
}

PaymentResult parsePaymentResult(std::string_view body) {
    const Json json = parseObject(body);
    PaymentResult event;
    event.eventId = uuid(json, "event_id");
    event.orderId = uuid(json, "order_id");
    event.userId = uuid(json, "user_id");
    const std::string outcome = text(json, "outcome");
    if (outcome == "SUCCEEDED") {
        event.outcome = PaymentOutcome::Succeeded;
    } else if (outcome == "FAILED") {
        event.outcome = PaymentOutcome::Failed;
    } else {
        throw MalformedEvent("unknown outcome " + outcome);
    }
    event.failureReason = failureReason(json);
    if ((event.outcome == PaymentOutcome::Failed) != event.failureReason.has_value()) {
        throw MalformedEvent("failure_reason must be set exactly when the outcome is FAILED");
    }
    if (const Json* balance = json.find("balance_after");
        balance != nullptr && !balance->isNull()) {
        event.balanceAfter = money(*balance, "balance_after");
    }
    event.occurredAt = text(json, "occurred_at");
    return event;
}

OrderStatusChanged parseOrderStatusChanged(std::string_view body) {
    const Json json = parseObject(body);
    OrderStatusChanged event;
    event.eventId = uuid(json, "event_id");
    event.orderId = uuid(json, "order_id");
    event.userId = uuid(json, "user_id");
    auto status = domain::parseOrderStatus(text(json, "status"));
    if (!status) {
        throw MalformedEvent("unknown status");
    }
    event.status = *status;
    event.failureReason = failureReason(json);
    const Json& version = field(json, "version");
    if (!version.isNumber()) {
        throw MalformedEvent("version must be a number");
    }
    try {
        event.version = std::stoll(version.numberText());
    } catch (const std::exception&) {
        throw MalformedEvent("version must be an integer");
    }
    event.amount = money(field(json, "amount"), "amount");
    event.occurredAt = text(json, "occurred_at");
    event.description = optionalText(json, "description");
    event.createdAt = optionalText(json, "created_at");
    if (const Json* refunded = json.find("refunded_amount"); refunded != nullptr) {
        event.refundedAmount = money(*refunded, "refunded_amount");
    }
    return event;
}

RefundRequested parseRefundRequested(std::string_view body) {
    const Json json = parseObject(body);
    RefundRequested event;
    event.eventId = uuid(json, "event_id");
    event.refundId = uuid(json, "refund_id");
    event.orderId = uuid(json, "order_id");
    event.userId = uuid(json, "user_id");
    event.amount = positiveMoney(json, "amount");
    event.occurredAt = text(json, "occurred_at");
    return event;
}

RefundResult parseRefundResult(std::string_view body) {
    const Json json = parseObject(body);
    RefundResult event;
    event.eventId = uuid(json, "event_id");
    event.refundId = uuid(json, "refund_id");
    event.orderId = uuid(json, "order_id");
    event.userId = uuid(json, "user_id");
    if (const std::string outcome = text(json, "outcome"); outcome != "SUCCEEDED") {
        throw MalformedEvent("unknown outcome " + outcome);
    }
    event.balanceAfter = money(field(json, "balance_after"), "balance_after");
    event.occurredAt = text(json, "occurred_at");
    return event;
}

}  // namespace shop::events
