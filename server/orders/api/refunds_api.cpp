#include "api/refunds_api.hpp"

#include "repository/refunds_repository.hpp"
#include "shop/core/clock.hpp"
#include "shop/core/errors.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/domain/validation.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/service/idempotency.hpp"
#include "shop/service/requests.hpp"

namespace shop::orders {
namespace {

using core::ApiError;
using core::ErrorCode;

inline constexpr std::size_t kMaxReason = 200;

void writeRefund(domain::JsonWriter& out, const RefundRow& refund) {
    out.beginObject()
        .field("refund_id", refund.refundId)
        .field("order_id", refund.orderId)
        .field("user_id", refund.userId)
        .field("amount", domain::formatMoney(refund.amount));
    if (refund.reason) {
        out.field("reason", *refund.reason);
    } else {
        out.fieldNull("reason");
    }
    out.field("status", refund.status)
        .field("created_at", refund.createdAt)
        .field("updated_at", refund.updatedAt)
        .endObject();
}

http::Response requestRefund(pg::Pool& pool, const http::Request& request) {
    const std::string orderId = service::uuidParam(request, "order_id");
    const auto key = service::idempotencyKeyOf(request);
    // No body at all asks for the rest of the order, like {}.
    const domain::Json body = service::parseJsonBody(request, true);
    domain::FieldReader reader(body);
    reader.allowOnly({"amount", "reason"});
    const auto amount = reader.money("amount", false, true);
    const auto reason = reader.text("reason", false, 0, kMaxReason);
    service::requireValid(reader);

    pg::Transaction tx(pool);
    std::optional<service::IdempotencyUse> use;
    if (key) {
        use = service::IdempotencyUse{
            "orders.refund:" + orderId, *key,
            (amount ? std::to_string(*amount) : "rest") + "|" + (reason ? "+" + *reason : "-")};
        if (auto replay = service::beginIdempotent(tx, *use)) {
            tx.commit();
            return *replay;
        }
    }
    // The lock makes "what is still refundable" hold until this refund is written: of two
    // concurrent refunds that together exceed the order, the second sees the first.
    const auto order = refunds_repository::lockOrder(tx, orderId);
    if (!order) {
        throw ApiError(ErrorCode::NotFound, "order not found");
    }
    if (order->status != domain::OrderStatus::Finished) {
        throw ApiError(ErrorCode::Conflict,
                       order->status == domain::OrderStatus::Refunded
                           ? "the order is already refunded in full"
                           : "only a FINISHED order can be refunded; this one is " +
                                 std::string(domain::toString(order->status)));
    }
    const domain::Minor refundable =
        order->amount - refunds_repository::requestedTotal(tx, orderId);
    if (refundable <= 0) {
        throw ApiError(ErrorCode::Conflict,
                       "nothing is left to refund: refunds already asked for cover the order");
    }
    const domain::Minor refundAmount = amount.value_or(refundable);
    if (refundAmount > refundable) {
        throw ApiError(ErrorCode::Conflict, "amount exceeds what is still refundable (" +
                                                domain::formatMoney(refundable) + ")");
    }
    const RefundRow refund =
        refunds_repository::insert(tx, domain::newUuid(), *order, refundAmount, reason);

    const events::RefundRequested event{domain::newUuid(), refund.refundId, refund.orderId,
                                        refund.userId,     refund.amount,   refund.createdAt};
    const outbox::OutboxMessage message{event.eventId,
                                        std::string(events::kRefundRequestedType),
                                        std::string(events::kRefundRequestedKey),
                                        refund.orderId,
                                        events::toJson(event),
                                        request.requestId};
    domain::JsonWriter out;
    writeRefund(out, refund);
    auto response = http::Response::data(202, out.take());
    if (use) {
        service::finishIdempotent(tx, *use, response);
    }
    outbox::enqueueAllAndCommit(tx, std::span(&message, 1));
    return response;
}

http::Response listRefunds(pg::Pool& pool, const http::Request& request) {
    const std::string orderId = service::uuidParam(request, "order_id");
    pg::Transaction tx(pool);
    const auto order = orders_repository::find(tx, orderId);
    if (!order) {
        throw ApiError(ErrorCode::NotFound, "order not found");
    }
    const auto refunds = refunds_repository::ofOrder(tx, orderId);
    tx.commit();
    // The order's owner comes along, so that the gateway can tell whose refunds these are.
    domain::JsonWriter out;
    out.beginObject()
        .field("order_id", order->orderId)
        .field("user_id", order->userId)
        .key("items")
        .beginArray();
    for (const auto& refund : refunds) {
        writeRefund(out, refund);
    }
    out.endArray().endObject();
    return http::Response::data(200, out.take());
}

}  // namespace

void addRefundRoutes(http::Router& router, pg::Pool& pool) {
    router.add("POST", "/orders/{order_id}/refunds",
               [&pool](const http::Request& r) { return requestRefund(pool, r); });
    router.add("GET", "/orders/{order_id}/refunds",
               [&pool](const http::Request& r) { return listRefunds(pool, r); });
}

}  // namespace shop::orders
