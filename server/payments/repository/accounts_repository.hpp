#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shop/domain/money.hpp"
#include "shop/domain/order_status.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/pg/transaction.hpp"
#include "shop/service/pagination.hpp"

namespace shop::payments {

struct AccountRow {
    std::string userId;
    domain::Minor balance = 0;
    std::string createdAt;
    std::string updatedAt;
    std::int64_t createdMicros = 0;
};

enum class LedgerKind { Opening, TopUp, Debit };

/// What decidePayment found and did.
struct PaymentDecision {
    /// False when the message was handled before (inbox) or the order already has a payment:
    /// then nothing changed apart from the inbox row.
    bool decided = false;
    /// The balance after the debit; nullopt when the payment failed.
    std::optional<domain::Minor> balanceAfter;
    /// Why it failed (when it did and was decided).
    std::optional<domain::FailureReason> failureReason;
};

/// One PaymentRequested of a batch, for decidePayments.
struct PaymentRequest {
    std::string messageId;
    std::string orderId;
    std::string userId;
    domain::Minor amount = 0;
};

/// All SQL of the accounts, the ledger and the payments, with $n parameters only.
namespace accounts_repository {

/// Inserts a new account; nullopt when the user already has one.
std::optional<AccountRow> insert(pg::Transaction& tx, const std::string& userId,
                                 domain::Minor balance);
std::optional<AccountRow> find(pg::Transaction& tx, const std::string& userId);
/// Up to `limit` accounts older than the cursor, newest first; only those whose user id is in
/// `ids` when given (an id prefix's range: found through the primary key).
std::vector<AccountRow> page(pg::Transaction& tx, int limit,
                             const std::optional<service::Cursor>& before,
                             const std::optional<domain::UuidRange>& ids = std::nullopt);
/// Adds `amount`; nullopt when there is no such account.
std::optional<AccountRow> credit(pg::Transaction& tx, const std::string& userId,
                                 domain::Minor amount);
/// Subtracts `amount` only if the balance covers it (the row lock makes it race-free);
/// returns the new balance, or nullopt when the account is missing or cannot afford it.
std::optional<domain::Minor> debitIfAffordable(pg::Transaction& tx, const std::string& userId,
                                               domain::Minor amount);
bool exists(pg::Transaction& tx, const std::string& userId);
void appendLedger(pg::Transaction& tx, const std::string& userId, LedgerKind kind,
                  domain::Minor amount, const std::optional<std::string>& orderId);

/// A whole PaymentRequested in one statement (one round trip): claims (`consumer`, `messageId`)
/// in the inbox and, only when the message and the order are both new, debits `amount` if the
/// balance covers it (under the row lock, like debitIfAffordable) with its DEBIT ledger row, and
/// records the payment row (SUCCEEDED, or FAILED with INSUFFICIENT_FUNDS / ACCOUNT_NOT_FOUND).
PaymentDecision decidePayment(pg::Transaction& tx, std::string_view consumer,
                              const std::string& messageId, const std::string& orderId,
                              const std::string& userId, domain::Minor amount);

/// decidePayment for a batch (distinct message ids), in two statements whatever its size. The
/// first locks the batch's accounts in user_id order, so two batches cannot deadlock on them,
/// then claims every message and reads the balances and the payments already made; each payment
/// is then decided in the order given, seeing the debits before it; the second statement writes
/// the new balances, the ledger rows and the payment rows. Answers in the order given.
std::vector<PaymentDecision> decidePayments(pg::Transaction& tx, std::string_view consumer,
                                            std::span<const PaymentRequest> requests);

/// True when a payment for this order was already decided.
bool paymentExists(pg::Transaction& tx, const std::string& orderId);
void insertPayment(pg::Transaction& tx, const std::string& orderId, const std::string& userId,
                   domain::Minor amount, bool succeeded, const std::optional<std::string>& reason,
                   const std::optional<domain::Minor>& balanceAfter);

}  // namespace accounts_repository
}  // namespace shop::payments
