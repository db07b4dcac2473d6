#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/domain/money.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::payments {

/// What creditRefund found and did.
struct RefundCredit {
    bool claimed = false;          ///< first delivery of the message (false: a duplicate)
    bool alreadyCredited = false;  ///< another message already credited this refund
    /// The balance after the credit; nullopt when nothing was credited. Claimed, not already
    /// credited and no balance: the refund is refused (the order was never debited by this
    /// account, or the refund would take the order's refunds past its debit).
    std::optional<domain::Minor> balanceAfter;
};

/// One entry of an account's ledger, as GET /accounts/{user_id}/ledger shows it.
struct LedgerRow {
    std::int64_t entryId = 0;
    std::string kind;  ///< OPENING, TOPUP, DEBIT or REFUND
    domain::Minor amount = 0;
    std::optional<std::string> orderId;
    std::optional<std::string> refundId;
    std::string createdAt;
};

/// The SQL of refunds and of the ledger's reading, with $n parameters only.
namespace refunds_repository {

/// A whole RefundRequested in one statement: claims (`consumer`, `messageId`) in the inbox and,
/// when that is the message's first delivery and the refund has no credit yet, adds `amount` to
/// the refunded part of the order's successful payment by `userId` only while it stays within
/// the debit (the payment row's lock orders concurrent refunds of one order), credits the
/// account and writes the REFUND ledger entry (unique per refund).
RefundCredit creditRefund(pg::Transaction& tx, std::string_view consumer,
                          const std::string& messageId, const std::string& refundId,
                          const std::string& orderId, const std::string& userId,
                          domain::Minor amount);

/// Up to `limit` ledger entries of the account, newest first, older than entry `before` if set.
std::vector<LedgerRow> ledgerPage(pg::Transaction& tx, const std::string& userId, int limit,
                                  std::optional<std::int64_t> before);

}  // namespace refunds_repository
}  // namespace shop::payments
