#include "repository/refunds_repository.hpp"

#include "shop/outbox/outbox.hpp"
#include "shop/service/pagination.hpp"

namespace shop::payments::refunds_repository {

RefundCredit creditRefund(pg::Transaction& tx, std::string_view consumer,
                          const std::string& messageId, const std::string& refundId,
                          const std::string& orderId, const std::string& userId,
                          domain::Minor amount) {
    // `fresh` has a row when the message is new and the refund was never credited; `paid` when
    // its payment could take it. The "already credited" probe is a scalar subquery on the
    // partial unique index, never a scan. A second credit of one refund that races this one
    // fails on that index and is retried, then found here.
    static const std::string kSql =
        "WITH " + std::string(outbox::kClaimInboxCte) +
        ", credited AS (SELECT (SELECT true FROM ledger WHERE refund_id = $3::uuid "
        "AND kind = 'REFUND') IS NOT NULL AS found), "
        "fresh AS (SELECT 1 FROM claim, credited WHERE NOT credited.found), "
        "paid AS (UPDATE payments SET refunded = refunded + $6::bigint "
        "WHERE order_id = $4::uuid AND user_id = $5::uuid AND outcome = 'SUCCEEDED' "
        "AND refunded + $6::bigint <= amount AND EXISTS (SELECT 1 FROM fresh) RETURNING 1), "
        "credit AS (UPDATE accounts SET balance = balance + $6::bigint, "
        "updated_at = clock_timestamp() WHERE user_id = $5::uuid "
        "AND EXISTS (SELECT 1 FROM paid) RETURNING balance), "
        "ledger AS (INSERT INTO ledger (user_id, kind, amount, order_id, refund_id) "
        "SELECT $5::uuid, 'REFUND', $6::bigint, $4::uuid, $3::uuid FROM credit) "
        "SELECT EXISTS (SELECT 1 FROM claim), credited.found, (SELECT balance FROM credit) "
        "FROM credited";
    const auto result = tx.exec(kSql, consumer, messageId, refundId, orderId, userId, amount);
    RefundCredit credit;
    credit.claimed = result.boolean(0, 0);
    credit.alreadyCredited = result.boolean(0, 1);
    if (!result.isNull(0, 2)) {
        credit.balanceAfter = result.int64(0, 2);
    }
    return credit;
}

std::vector<LedgerRow> ledgerPage(pg::Transaction& tx, const std::string& userId, int limit,
                                  std::optional<std::int64_t> before) {
    // Both read ledger_user_idx (migration payments/0005 says why not an index on (user_id, id)).
    static const std::string kColumns =
        "id, kind, amount, order_id::text, refund_id::text, " + service::rfc3339Sql("created_at");
    static const std::string kFirstSql = "SELECT " + kColumns +
                                         " FROM ledger WHERE user_id = $1 "
                                         "ORDER BY id DESC LIMIT $2";
    static const std::string kNextSql = "SELECT " + kColumns +
                                        " FROM ledger WHERE user_id = $1 AND id < $3 "
                                        "ORDER BY id DESC LIMIT $2";
    const auto result =
        before ? tx.exec(kNextSql, userId, limit, *before) : tx.exec(kFirstSql, userId, limit);
    std::vector<LedgerRow> rows;
    rows.reserve(static_cast<std::size_t>(result.rows()));
    for (int i = 0; i < result.rows(); ++i) {
        LedgerRow row;
        row.entryId = result.int64(i, 0);
        row.kind = result.str(i, 1);
        row.amount = result.int64(i, 2);
        if (!result.isNull(i, 3)) {
            row.orderId = result.str(i, 3);
        }
        if (!result.isNull(i, 4)) {
            row.refundId = result.str(i, 4);
        }
        row.createdAt = result.str(i, 5);
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace shop::payments::refunds_repository
