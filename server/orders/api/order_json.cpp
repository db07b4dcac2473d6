#include "api/order_json.hpp"

namespace shop::orders {

void writeOrder(domain::JsonWriter& out, const OrderRow& order) {
    out.beginObject()
        .field("order_id", order.orderId)
        .field("user_id", order.userId)
        .field("amount", domain::formatMoney(order.amount))
        .field("description", order.description)
        .field("status", domain::toString(order.status));
    if (order.failureReason) {
        out.field("failure_reason", domain::toString(*order.failureReason));
    } else {
        out.fieldNull("failure_reason");
    }
    out.field("refunded_amount", domain::formatMoney(order.refundedAmount))
        .field("version", order.version)
        .field("created_at", order.createdAt)
        .field("updated_at", order.updatedAt)
        .endObject();
}

std::string orderJson(const OrderRow& order) {
    domain::JsonWriter out;
    writeOrder(out, order);
    return out.take();
}

}  // namespace shop::orders
