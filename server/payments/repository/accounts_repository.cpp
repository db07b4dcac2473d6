#include "repository/accounts_repository.hpp"

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
                             const std::optional<service::Cursor>& after) {
    if (!after) {
        static const std::string kSql =
            "SELECT " + columns() + " FROM accounts ORDER BY created_at, user_id LIMIT $1";
        return rowsOf(tx.exec(kSql, limit));
    }
    static const std::string kSql = "SELECT " + columns() +
                                    " FROM accounts WHERE (created_at, user_id) > "
                                    "(to_timestamp(0) + $2 * interval '1 microsecond', $3::uuid) "
                                    "ORDER BY created_at, user_id LIMIT $1";
    return rowsOf(tx.exec(kSql, limit, after->micros, after->id));
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
