#include "api/orders_api.hpp"

#include "api/order_json.hpp"
#include "repository/orders_repository.hpp"
#include "shop/core/errors.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/events/events.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/service/idempotency.hpp"
#include "shop/service/requests.hpp"

namespace shop::orders {
namespace {

using core::ApiError;
using core::ErrorCode;

inline constexpr std::size_t kMaxDescription = 500;

http::Response createOrder(pg::Pool& pool, const http::Request& request) {
    const auto key = service::idempotencyKeyOf(request);
    const domain::Json body = service::parseJsonBody(request);
    domain::FieldReader reader(body);
    reader.allowOnly({"user_id", "amount", "description"});
    auto userId = reader.uuid("user_id", true);
    auto amount = reader.money("amount", true, true);
    auto description = reader.text("description", true, 1, kMaxDescription);
    service::requireValid(reader);

    pg::Transaction tx(pool);
    std::optional<service::IdempotencyUse> use;
    if (key) {
        use = service::IdempotencyUse{"orders.create:" + *userId, *key,
                                      *userId + "|" + std::to_string(*amount) + "|" + *description};
        if (auto replay = service::beginIdempotent(tx, *use)) {
            tx.commit();
            return *replay;
        }
    }
    const OrderRow order =
        orders_repository::newOrder(domain::newUuid(), *userId, *amount, *description);

    // Also the order's NEW status for the gateways (events::newOrderStatus): no
    // OrderStatusChanged of its own.
    events::PaymentRequested payment{domain::newUuid(), order.orderId,   order.userId,
                                     order.amount,      order.updatedAt, order.description};
    const outbox::OutboxMessage message{payment.eventId,
                                        std::string(events::kPaymentRequestedType),
                                        std::string(events::kPaymentRequestedKey),
                                        order.orderId,
                                        events::toJson(payment),
                                        request.requestId};

    auto response = http::Response::data(201, orderJson(order));
    if (use) {
        service::finishIdempotent(tx, *use, response);
    }
    orders_repository::placeAndCommit(tx, order, message);
    return response;
}

http::Response listOrders(pg::Pool& pool, const http::Request& request) {
    OrderFilter filter;
    if (auto user = request.queryParam("user_id"); user && !user->empty()) {
        filter.userId = domain::normalizeUuid(*user);
        if (!filter.userId) {
            throw ApiError(ErrorCode::BadRequest, "user_id must be a UUID");
        }
    }
    if (auto status = request.queryParam("status"); status && !status->empty()) {
        filter.status = domain::parseOrderStatus(*status);
        if (!filter.status) {
            throw ApiError(ErrorCode::BadRequest,
                           "status must be NEW, FINISHED, CANCELLED or REFUNDED");
        }
    }
    filter.orderIds = service::idPrefixParam(request);
    const auto page = service::readPageRequest(request);
    pg::Transaction tx(pool);
    auto rows = orders_repository::page(tx, filter, page.limit + 1, page.after);
    tx.commit();
    return http::Response::data(
        200, service::pageJson(rows, page.limit, writeOrder, [](const OrderRow& row) {
            return service::Cursor{row.createdMicros, row.orderId};
        }));
}

http::Response getOrder(pg::Pool& pool, const http::Request& request) {
    const std::string orderId = service::uuidParam(request, "order_id");
    pg::Transaction tx(pool);
    auto order = orders_repository::find(tx, orderId);
    tx.commit();
    if (!order) {
        throw ApiError(ErrorCode::NotFound, "order not found");
    }
    return http::Response::data(200, orderJson(*order));
}

}  // namespace

void addOrderRoutes(http::Router& router, pg::Pool& pool) {
    router.add("POST", "/orders", [&pool](const http::Request& r) { return createOrder(pool, r); });
    router.add("GET", "/orders", [&pool](const http::Request& r) { return listOrders(pool, r); });
    router.add("GET", "/orders/{order_id}",
               [&pool](const http::Request& r) { return getOrder(pool, r); });
}

}  // namespace shop::orders
