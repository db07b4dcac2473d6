#include "repository/refunds_repository.hpp"

#include "shop/outbox/outbox.hpp"
#include "shop/service/pagination.hpp"

namespace shop::orders::refunds_repository {
namespace {

const std::string& columns() {
    static const std::string kColumns =
        "refund_id::text, order_id::text, user_id::text, amount, reason, status, " +
        service::rfc3339Sql("created_at") + ", " + service::rfc3339Sql("updated_at");
    return kColumns;
}

std::vector<RefundRow> rowsOf(const pg::Result& result) {
    std::vector<RefundRow> rows;
    rows.reserve(static_cast<std::size_t>(result.rows()));
    for (int i = 0; i < result.rows(); ++i) {
        RefundRow row;
        row.refundId = result.str(i, 0);
        row.orderId = result.str(i, 1);
        row.userId = result.str(i, 2);
        row.amount = result.int64(i, 3);
        if (!result.isNull(i, 4)) {
            row.reason = result.str(i, 4);
        }
        row.status = result.str(i, 5);
        row.createdAt = result.str(i, 6);
        row.updatedAt = result.str(i, 7);
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace

std::optional<OrderRow> lockOrder(pg::Transaction& tx, const std::string& orderId) {
    static const std::string kSql =
        "SELECT " + orders_repository::columns() + " FROM orders WHERE order_id = $1 FOR UPDATE";
    const auto result = tx.exec(kSql, orderId);
    if (result.empty()) {
        return std::nullopt;
    }
    return orders_repository::rowAt(result, 0);
}

domain::Minor requestedTotal(pg::Transaction& tx, const std::string& orderId) {
    return tx
        .exec("SELECT COALESCE(sum(amount), 0)::bigint FROM refunds WHERE order_id = $1", orderId)
        .int64(0, 0);
}

RefundRow insert(pg::Transaction& tx, const std::string& refundId, const OrderRow& order,
                 domain::Minor amount, const std::optional<std::string>& reason) {
    static const std::string kSql =
        "INSERT INTO refunds (refund_id, order_id, user_id, amount, reason, status) "
        "VALUES ($1, $2, $3, $4, $5, 'PENDING') RETURNING " +
        columns();
    return rowsOf(tx.exec(kSql, refundId, order.orderId, order.userId, amount, reason)).front();
}

std::vector<RefundRow> ofOrder(pg::Transaction& tx, const std::string& orderId) {
    static const std::string kSql = "SELECT " + columns() +
                                    " FROM refunds WHERE order_id = $1 "
                                    "ORDER BY created_at, refund_id";
    return rowsOf(tx.exec(kSql, orderId));
}

RefundCompletion claimAndComplete(pg::Transaction& tx, std::string_view consumer,
                                  const std::string& messageId, const std::string& refundId) {
    // Always one row: the order's columns after the change (NULL when nothing changed), then
    // the claim and whether the refund exists. The order's update waits for a refund being
    // written for the same order (its row lock), and sees it committed.
    static const std::string kSql =
        "WITH " + std::string(outbox::kClaimInboxCte) +
        ", done AS (UPDATE refunds SET status = 'COMPLETED', updated_at = clock_timestamp() "
        "WHERE refund_id = $3::uuid AND status = 'PENDING' AND EXISTS (SELECT 1 FROM claim) "
        "RETURNING order_id, amount), "
        "changed AS (UPDATE orders SET refunded_amount = orders.refunded_amount + done.amount, "
        "status = CASE WHEN orders.refunded_amount + done.amount = orders.amount "
        "THEN 'REFUNDED' ELSE orders.status END, version = orders.version + 1, "
        "updated_at = clock_timestamp() FROM done WHERE orders.order_id = done.order_id "
        "RETURNING orders.*) "
        "SELECT " +
        orders_repository::columns() +
        ", EXISTS (SELECT 1 FROM claim), "
        "(SELECT true FROM refunds WHERE refund_id = $3::uuid) IS NOT NULL "
        "FROM (VALUES (1)) AS one (x) LEFT JOIN changed ON true";
    const auto result = tx.exec(kSql, consumer, messageId, refundId);
    RefundCompletion completion;
    completion.claimed = result.boolean(0, orders_repository::kColumnCount);
    completion.known = result.boolean(0, orders_repository::kColumnCount + 1);
    if (!result.isNull(0, 0)) {
        completion.order = orders_repository::rowAt(result, 0);
    }
    return completion;
}

}  // namespace shop::orders::refunds_repository
