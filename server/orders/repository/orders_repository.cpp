#include "repository/orders_repository.hpp"

#include <chrono>
#include <utility>

#include "shop/core/clock.hpp"
#include "shop/outbox/outbox.hpp"

namespace shop::orders::orders_repository {

const std::string& columns() {
    static const std::string kColumns =
        "order_id::text, user_id::text, amount, description, status, failure_reason, version, " +
        service::rfc3339Sql("created_at") + ", " + service::rfc3339Sql("updated_at") +
        ", (extract(epoch FROM created_at) * 1000000)::bigint, refunded_amount";
    return kColumns;
}

OrderRow rowAt(const pg::Result& result, int i) {
    OrderRow row;
    row.orderId = result.str(i, 0);
    row.userId = result.str(i, 1);
    row.amount = result.int64(i, 2);
    row.description = result.str(i, 3);
    row.status = domain::parseOrderStatus(result.text(i, 4)).value_or(domain::OrderStatus::New);
    if (!result.isNull(i, 5)) {
        row.failureReason = domain::parseFailureReason(result.text(i, 5));
    }
    row.version = result.int64(i, 6);
    row.createdAt = result.str(i, 7);
    row.updatedAt = result.str(i, 8);
    row.createdMicros = result.int64(i, 9);
    row.refundedAmount = result.int64(i, 10);
    return row;
}

namespace {

std::vector<OrderRow> rowsOf(const pg::Result& result) {
    std::vector<OrderRow> rows;
    rows.reserve(static_cast<std::size_t>(result.rows()));
    for (int i = 0; i < result.rows(); ++i) {
        rows.push_back(rowAt(result, i));
    }
    return rows;
}

std::optional<OrderRow> first(const pg::Result& result) {
    if (result.empty()) {
        return std::nullopt;
    }
    return rowsOf(result).front();
}

}  // namespace

OrderRow newOrder(std::string orderId, std::string userId, domain::Minor amount,
                  std::string description) {
    // One clock reading for both times: a new order's created_at and updated_at are the same
    // instant (its NEW status frame, built from the PaymentRequested, carries both).
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    OrderRow order;
    order.orderId = std::move(orderId);
    order.userId = std::move(userId);
    order.amount = amount;
    order.description = std::move(description);
    order.createdAt = core::formatRfc3339(std::chrono::system_clock::time_point(micros));
    order.updatedAt = order.createdAt;
    order.createdMicros = micros.count();
    return order;
}

void placeAndCommit(pg::Transaction& tx, const OrderRow& order,
                    const outbox::OutboxMessage& message) {
    static const std::string kSql =
        "INSERT INTO orders (order_id, user_id, amount, description, status, version, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, 'NEW', 1, $5, $5)";
    outbox::enqueueWithAndCommit(tx, kSql,
                                 {order.orderId, order.userId, std::to_string(order.amount),
                                  order.description, order.createdAt},
                                 message);
}

std::optional<OrderRow> find(pg::Transaction& tx, const std::string& orderId) {
    static const std::string kSql = "SELECT " + columns() + " FROM orders WHERE order_id = $1";
    return first(tx.exec(kSql, orderId));
}

std::vector<OrderRow> page(pg::Transaction& tx, const OrderFilter& filter, int limit,
                           const std::optional<service::Cursor>& before) {
    // Each combination of filters becomes its own statement, so every one can use its index.
    // An id prefix's range is read from the primary key first and only its few orders are
    // filtered and sorted: MATERIALIZED keeps the planner from folding the range into the outer
    // query, where it walked orders_page_idx backwards testing every entry (a generic plan did,
    // and a custom one did from a cursor).
    std::vector<pg::Param> params;
    auto next = [&params](pg::Param value) {
        params.push_back(std::move(value));
        return "$" + std::to_string(params.size());
    };
    std::string sql;
    if (filter.orderIds) {
        sql = "WITH matched AS MATERIALIZED (SELECT * FROM orders WHERE order_id BETWEEN " +
              next(filter.orderIds->low) + "::uuid AND " + next(filter.orderIds->high) +
              "::uuid) SELECT " + columns() + " FROM matched WHERE true";
    } else {
        sql = "SELECT " + columns() + " FROM orders WHERE true";
    }
    if (filter.userId) {
        sql += " AND user_id = " + next(*filter.userId) + "::uuid";
    }
    if (filter.status) {
        sql += " AND status = " + next(std::string(domain::toString(*filter.status)));
    }
    if (before) {
        sql += " AND (created_at, order_id) < (to_timestamp(0) + " +
               next(std::to_string(before->micros)) + " * interval '1 microsecond', " +
               next(before->id) + "::uuid)";
    }
    sql += " ORDER BY created_at DESC, order_id DESC LIMIT " + next(std::to_string(limit));
    return rowsOf(tx.execParams(sql, params));
}

std::optional<OrderRow> settle(pg::Transaction& tx, const std::string& orderId,
                               domain::OrderStatus status,
                               const std::optional<domain::FailureReason>& reason) {
    static const std::string kSql =
        "UPDATE orders SET status = $2, failure_reason = $3, version = version + 1, "
        "updated_at = clock_timestamp() WHERE order_id = $1 AND version = 1 RETURNING " +
        columns();
    std::optional<std::string> reasonText;
    if (reason) {
        reasonText = std::string(domain::toString(*reason));
    }
    return first(tx.exec(kSql, orderId, std::string(domain::toString(status)), reasonText));
}

SettleOutcome claimAndSettle(pg::Transaction& tx, std::string_view consumer,
                             const std::string& messageId, const std::string& orderId,
                             domain::OrderStatus status,
                             const std::optional<domain::FailureReason>& reason) {
    // Always one row: the order's columns (NULL when nothing was settled), then the claim.
    static const std::string kSql =
        "WITH " + std::string(outbox::kClaimInboxCte) +
        ", settled AS (UPDATE orders SET status = $4, failure_reason = $5, version = version + 1, "
        "updated_at = clock_timestamp() WHERE order_id = $3 AND version = 1 "
        "AND EXISTS (SELECT 1 FROM claim) RETURNING *) "
        "SELECT " +
        columns() +
        ", EXISTS (SELECT 1 FROM claim) FROM (VALUES (1)) AS one (x) LEFT JOIN settled ON true";
    std::optional<std::string> reasonText;
    if (reason) {
        reasonText = std::string(domain::toString(*reason));
    }
    const auto result = tx.exec(kSql, consumer, messageId, orderId,
                                std::string(domain::toString(status)), reasonText);
    SettleOutcome outcome;
    outcome.claimed = result.boolean(0, kColumnCount);
    if (!result.isNull(0, 0)) {
        outcome.order = rowAt(result, 0);
    }
    return outcome;
}

std::vector<BatchSettleOutcome> claimAndSettleAll(pg::Transaction& tx, std::string_view consumer,
                                                  std::span<const Settlement> settlements) {
    // One row per settlement, in the order given: the order's columns after the change (NULL
    // when nothing was settled), then whether the message was claimed and the order exists.
    // Every read of orders goes through the primary key whatever the planner thinks of the
    // table's size: the update names the batch's ids (`= ANY`), and "exists" is a scalar
    // subquery, not EXISTS, which may run as a hashed subplan reading every order. A generic
    // plan cached while the table was small joined it by a full scan per batch (289 full scans,
    // 11.8 million rows read in a one-minute run).
    static const std::string kSql =
        "WITH input AS (SELECT * FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[]) "
        "WITH ORDINALITY AS i (message_id, order_id, status, reason, n)), " +
        outbox::claimInboxBatchCte("input") +
        ", settled AS (UPDATE orders SET status = input.status, failure_reason = input.reason, "
        "version = orders.version + 1, updated_at = clock_timestamp() FROM input "
        "JOIN claim USING (message_id) WHERE orders.order_id = input.order_id "
        "AND orders.version = 1 AND orders.order_id = ANY($3::uuid[]) RETURNING orders.*) "
        "SELECT s.*, claim.message_id IS NOT NULL, "
        "(SELECT true FROM orders WHERE orders.order_id = input.order_id) IS NOT NULL FROM input "
        "LEFT JOIN claim USING (message_id) LEFT JOIN LATERAL (SELECT " +
        columns() +
        " FROM settled WHERE settled.order_id = input.order_id) AS s ON true ORDER BY input.n";
    std::vector<std::string> messageIds, orderIds, statuses;
    std::vector<std::optional<std::string>> reasons;
    for (const auto& one : settlements) {
        messageIds.push_back(one.messageId);
        orderIds.push_back(one.orderId);
        statuses.emplace_back(domain::toString(one.status));
        reasons.push_back(one.reason ? std::optional<std::string>(domain::toString(*one.reason))
                                     : std::nullopt);
    }
    const auto result = tx.exec(kSql, consumer, messageIds, orderIds, statuses, reasons);
    std::vector<BatchSettleOutcome> outcomes;
    outcomes.reserve(settlements.size());
    for (int i = 0; i < result.rows(); ++i) {
        BatchSettleOutcome outcome;
        outcome.claimed = result.boolean(i, kColumnCount);
        outcome.known = result.boolean(i, kColumnCount + 1);
        if (!result.isNull(i, 0)) {
            outcome.order = rowAt(result, i);
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

}  // namespace shop::orders::orders_repository
