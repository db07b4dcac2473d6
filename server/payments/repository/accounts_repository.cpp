#include "repository/accounts_repository.hpp"

#include <map>
#include <set>

#include "shop/outbox/outbox.hpp"

namespace shop::payments::accounts_repository {
namespace {

const std::string& columns() {
    static const std::string kColumns =
        "user_id::text, balance, " + service::rfc3339Sql("created_at") + ", " +
        service::rfc3339Sql("updated_at") + ", (extract(epoch FROM created_at) * 1000000)::bigint";
    return kColumns;
}

std::vector<AccountRow> rowsOf(const pg::Result& result) {
    std::vector<AccountRow> rows;
    rows.reserve(static_cast<std::size_t>(result.rows()));
    for (int i = 0; i < result.rows(); ++i) {
        rows.push_back(AccountRow{result.str(i, 0), result.int64(i, 1), result.str(i, 2),
                                  result.str(i, 3), result.int64(i, 4)});
    }
    return rows;
}

std::optional<AccountRow> first(const pg::Result& result) {
    if (result.empty()) {
        return std::nullopt;
    }
    return rowsOf(result).front();
}

std::string_view kindName(LedgerKind kind) {
    switch (kind) {
        case LedgerKind::Opening:
            return "OPENING";
        case LedgerKind::TopUp:
            return "TOPUP";
        case LedgerKind::Debit:
            return "DEBIT";
    }
    return "TOPUP";
}

}  // namespace

std::optional<AccountRow> insert(pg::Transaction& tx, const std::string& userId,
                                 domain::Minor balance) {
    static const std::string kSql =
        "INSERT INTO accounts (user_id, balance) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING "
        "RETURNING " +
        columns();
    return first(tx.exec(kSql, userId, balance));
}

std::optional<AccountRow> find(pg::Transaction& tx, const std::string& userId) {
    static const std::string kSql = "SELECT " + columns() + " FROM accounts WHERE user_id = $1";
    return first(tx.exec(kSql, userId));
}

std::vector<AccountRow> page(pg::Transaction& tx, int limit,
                             const std::optional<service::Cursor>& before,
                             const std::optional<domain::UuidRange>& ids) {
    // Each combination becomes its own statement (so its own cached plan). Without a prefix the
    // page is read backwards from accounts_page_idx. With one, the ids' range is read from the
    // primary key first, which narrows even a 4-character prefix to 1/65536 of the ids, and only
    // those are sorted: MATERIALIZED keeps the planner from folding the range into the outer
    // query, where a generic plan walked the whole page index backwards, testing every entry.
    std::vector<pg::Param> params;
    auto next = [&params](pg::Param value) {
        params.push_back(std::move(value));
        return "$" + std::to_string(params.size());
    };
    std::string sql;
    if (ids) {
        sql = "WITH matched AS MATERIALIZED (SELECT * FROM accounts WHERE user_id BETWEEN " +
              next(ids->low) + "::uuid AND " + next(ids->high) + "::uuid) SELECT " + columns() +
              " FROM matched WHERE true";
    } else {
        sql = "SELECT " + columns() + " FROM accounts WHERE true";
    }
    if (before) {
        sql += " AND (created_at, user_id) < (to_timestamp(0) + " +
               next(std::to_string(before->micros)) + " * interval '1 microsecond', " +
               next(before->id) + "::uuid)";
    }
    sql += " ORDER BY created_at DESC, user_id DESC LIMIT " + next(std::to_string(limit));
    return rowsOf(tx.execParams(sql, params));
}

std::optional<AccountRow> credit(pg::Transaction& tx, const std::string& userId,
                                 domain::Minor amount) {
    static const std::string kSql =
        "UPDATE accounts SET balance = balance + $2, updated_at = clock_timestamp() "
        "WHERE user_id = $1 RETURNING " +
        columns();
    return first(tx.exec(kSql, userId, amount));
}

std::optional<domain::Minor> debitIfAffordable(pg::Transaction& tx, const std::string& userId,
                                               domain::Minor amount) {
    auto result = tx.exec(
        "UPDATE accounts SET balance = balance - $2, updated_at = clock_timestamp() "
        "WHERE user_id = $1 AND balance >= $2 RETURNING balance",
        userId, amount);
    if (result.empty()) {
        return std::nullopt;
    }
    return result.int64(0, 0);
}

bool exists(pg::Transaction& tx, const std::string& userId) {
    return !tx.exec("SELECT 1 FROM accounts WHERE user_id = $1", userId).empty();
}

void appendLedger(pg::Transaction& tx, const std::string& userId, LedgerKind kind,
                  domain::Minor amount, const std::optional<std::string>& orderId) {
    tx.exec("INSERT INTO ledger (user_id, kind, amount, order_id) VALUES ($1, $2, $3, $4)", userId,
            kindName(kind), amount, orderId);
}

PaymentDecision decidePayment(pg::Transaction& tx, std::string_view consumer,
                              const std::string& messageId, const std::string& orderId,
                              const std::string& userId, domain::Minor amount) {
    // Every part sees the snapshot taken at the start of the statement, which includes this
    // transaction's earlier statements (an earlier delivery of the same batch); a payment that
    // another transaction has not committed yet is caught by the payments primary key.
    // `fresh` has a row exactly when the message and the order are both new.
    static const std::string kSql =
        "WITH " + std::string(outbox::kClaimInboxCte) +
        ", fresh AS (SELECT 1 FROM claim WHERE NOT EXISTS "
        "(SELECT 1 FROM payments WHERE order_id = $3::uuid)), "
        "debit AS (UPDATE accounts SET balance = balance - $5::bigint, "
        "updated_at = clock_timestamp() WHERE user_id = $4::uuid AND balance >= $5::bigint "
        "AND EXISTS (SELECT 1 FROM fresh) RETURNING balance), "
        "account AS (SELECT EXISTS (SELECT 1 FROM accounts WHERE user_id = $4::uuid) AS found), "
        "ledger AS (INSERT INTO ledger (user_id, kind, amount, order_id) "
        "SELECT $4::uuid, 'DEBIT', $5::bigint, $3::uuid FROM debit), "
        "payment AS (INSERT INTO payments (order_id, user_id, amount, outcome, failure_reason, "
        "balance_after) SELECT $3::uuid, $4::uuid, $5::bigint, "
        "CASE WHEN debit.balance IS NULL THEN 'FAILED' ELSE 'SUCCEEDED' END, "
        "CASE WHEN debit.balance IS NOT NULL THEN NULL WHEN account.found THEN $6::text "
        "ELSE $7::text END, debit.balance "
        "FROM fresh CROSS JOIN account LEFT JOIN debit ON true RETURNING balance_after, "
        "failure_reason) "
        "SELECT payment.balance_after, payment.failure_reason, EXISTS (SELECT 1 FROM fresh) "
        "FROM (VALUES (1)) AS one (x) LEFT JOIN payment ON true";
    const auto result = tx.exec(kSql, consumer, messageId, orderId, userId, amount,
                                domain::toString(domain::FailureReason::InsufficientFunds),
                                domain::toString(domain::FailureReason::AccountNotFound));
    PaymentDecision decision;
    decision.decided = result.boolean(0, 2);
    if (!decision.decided) {
        return decision;
    }
    if (!result.isNull(0, 0)) {
        decision.balanceAfter = result.int64(0, 0);
    } else {
        decision.failureReason = domain::parseFailureReason(result.text(0, 1));
    }
    return decision;
}

std::vector<PaymentDecision> decidePayments(pg::Transaction& tx, std::string_view consumer,
                                            std::span<const PaymentRequest> requests) {
    // One row per request, in the order given: claimed, the order already paid, the balance
    // (NULL: no account). `claim` reads `locked` in full before it inserts anything, so the
    // accounts are locked (in user_id order) before any inbox row is written. "Already paid" is
    // a scalar subquery on the primary key, not EXISTS: PostgreSQL may run an EXISTS as a hashed
    // subplan, which reads the whole payments table for every batch (a cached generic plan did,
    // 1,185 full scans in a one-minute run); a scalar subquery is always one index probe per row.
    // Accounts are named by their ids (`= ANY`) for the same reason, here and in the write.
    static const std::string kClaimSql =
        "WITH input AS (SELECT * FROM unnest($2::text[], $3::uuid[], $4::uuid[]) "
        "WITH ORDINALITY AS i (message_id, order_id, user_id, n)), "
        "locked AS (SELECT user_id, balance FROM accounts "
        "WHERE user_id = ANY($4::uuid[]) ORDER BY user_id FOR UPDATE), " +
        outbox::claimInboxBatchCte("input, (SELECT count(*) FROM locked) AS all_locked") +
        " SELECT claim.message_id IS NOT NULL, "
        "(SELECT true FROM payments WHERE payments.order_id = input.order_id) IS NOT NULL, "
        "locked.balance FROM input LEFT JOIN claim USING (message_id) "
        "LEFT JOIN locked USING (user_id) ORDER BY input.n";
    static const std::string kWriteSql =
        "WITH debit AS (UPDATE accounts SET balance = b.balance, updated_at = clock_timestamp() "
        "FROM unnest($1::uuid[], $2::bigint[]) AS b (user_id, balance) "
        "WHERE accounts.user_id = b.user_id AND accounts.user_id = ANY($1::uuid[])), "
        "ledger AS (INSERT INTO ledger (user_id, kind, amount, order_id) "
        "SELECT user_id, 'DEBIT', amount, order_id "
        "FROM unnest($3::uuid[], $4::bigint[], $5::uuid[]) AS d (user_id, amount, order_id)) "
        "INSERT INTO payments (order_id, user_id, amount, outcome, failure_reason, balance_after) "
        "SELECT * FROM unnest($6::uuid[], $7::uuid[], $8::bigint[], $9::text[], $10::text[], "
        "$11::bigint[])";

    std::vector<std::string> messageIds, orderIds, userIds;
    for (const auto& request : requests) {
        messageIds.push_back(request.messageId);
        orderIds.push_back(request.orderId);
        userIds.push_back(request.userId);
    }
    const auto read = tx.exec(kClaimSql, consumer, messageIds, orderIds, userIds);

    std::map<std::string, domain::Minor> balances;  // accounts decided on, their balance now
    std::set<std::string> debited, decidedOrders;
    std::vector<std::string> debitUsers, debitOrders, paidOrders, paidUsers, outcomes;
    std::vector<domain::Minor> debitAmounts, paidAmounts;
    std::vector<std::optional<std::string>> reasons;
    std::vector<std::optional<domain::Minor>> balancesAfter;
    std::vector<PaymentDecision> decisions(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const PaymentRequest& request = requests[i];
        const int row = static_cast<int>(i);
        const bool claimed = read.boolean(row, 0);
        const bool paid = read.boolean(row, 1);
        if (!claimed || paid || !decidedOrders.insert(request.orderId).second) {
            continue;  // not decided: a duplicate
        }
        PaymentDecision& decision = decisions[i];
        decision.decided = true;
        if (read.isNull(row, 2)) {
            decision.failureReason = domain::FailureReason::AccountNotFound;
        } else {
            auto it = balances.try_emplace(request.userId, read.int64(row, 2)).first;
            if (it->second >= request.amount) {
                it->second -= request.amount;
                debited.insert(request.userId);
                decision.balanceAfter = it->second;
                debitUsers.push_back(request.userId);
                debitAmounts.push_back(request.amount);
                debitOrders.push_back(request.orderId);
            } else {
                decision.failureReason = domain::FailureReason::InsufficientFunds;
            }
        }
        paidOrders.push_back(request.orderId);
        paidUsers.push_back(request.userId);
        paidAmounts.push_back(request.amount);
        outcomes.emplace_back(decision.balanceAfter ? "SUCCEEDED" : "FAILED");
        reasons.push_back(decision.failureReason ? std::optional<std::string>(
                                                       domain::toString(*decision.failureReason))
                                                 : std::nullopt);
        balancesAfter.push_back(decision.balanceAfter);
    }
    if (!paidOrders.empty()) {
        std::vector<std::string> accountIds;
        std::vector<domain::Minor> accountBalances;
        for (const auto& userId : debited) {
            accountIds.push_back(userId);
            accountBalances.push_back(balances.at(userId));
        }
        tx.exec(kWriteSql, accountIds, accountBalances, debitUsers, debitAmounts, debitOrders,
                paidOrders, paidUsers, paidAmounts, outcomes, reasons, balancesAfter);
    }
    return decisions;
}

bool paymentExists(pg::Transaction& tx, const std::string& orderId) {
    return !tx.exec("SELECT 1 FROM payments WHERE order_id = $1", orderId).empty();
}

void insertPayment(pg::Transaction& tx, const std::string& orderId, const std::string& userId,
                   domain::Minor amount, bool succeeded, const std::optional<std::string>& reason,
                   const std::optional<domain::Minor>& balanceAfter) {
    tx.exec(
        "INSERT INTO payments (order_id, user_id, amount, outcome, failure_reason, balance_after) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        orderId, userId, amount, succeeded ? "SUCCEEDED" : "FAILED", reason, balanceAfter);
}

}  // namespace shop::payments::accounts_repository
