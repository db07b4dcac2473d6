#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace shop::client {

/// An account as the API returns it. Money stays the API's exact decimal text ("199.99").
struct Account {
    QString userId;
    QString balance;
    QDateTime createdAt;
    QDateTime updatedAt;
};

/// An order as the API returns it. `failureReason` is empty unless the order was cancelled;
/// `refundedAmount` counts the completed refunds ("0.00" when none).
struct Order {
    QString orderId;
    QString userId;
    QString amount;
    QString description;
    QString status;  ///< "NEW", "FINISHED", "CANCELLED" or "REFUNDED"
    QString failureReason;
    QString refundedAmount = QStringLiteral("0.00");
    qint64 version = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
};

/// One `order.status` frame of the live stream. The contract's frames carry the whole order;
/// members a frame lacks stay empty (and invalid for times), and carriesWholeOrder() says
/// whether the order can be shown from the frame alone.
struct OrderEvent {
    QString orderId;
    QString userId;
    QString status;
    QString failureReason;
    qint64 version = 0;
    QString amount;
    QString refundedAmount;  ///< empty when the frame has none
    QString description;     ///< empty when the frame has none
    QDateTime createdAt;     ///< invalid when the frame has none
    QDateTime updatedAt;

    /// Whether the frame has everything an Order has (description and creation time included).
    bool carriesWholeOrder() const {
        return !userId.isEmpty() && !amount.isEmpty() && !description.isEmpty() &&
               createdAt.isValid() && updatedAt.isValid();
    }
    /// The order as the frame describes it; meaningful when carriesWholeOrder().
    Order toOrder() const {
        Order order;
        order.orderId = orderId;
        order.userId = userId;
        order.amount = amount;
        order.description = description;
        order.status = status;
        order.failureReason = failureReason;
        if (!refundedAmount.isEmpty()) {
            order.refundedAmount = refundedAmount;
        }
        order.version = version;
        order.createdAt = createdAt;
        order.updatedAt = updatedAt;
        return order;
    }
};

/// A refund of (part of) a FINISHED order. `reason` is empty when none was given.
struct Refund {
    QString refundId;
    QString orderId;
    QString userId;
    QString amount;
    QString reason;
    QString status;  ///< "PENDING" or "COMPLETED"
    QDateTime createdAt;
    QDateTime updatedAt;
};

/// One entry of an account's ledger. `amount` is positive; the kind says its direction (a
/// DEBIT subtracts, the others add). The ids are empty where they do not apply.
struct LedgerEntry {
    QString entryId;
    QString kind;  ///< "OPENING", "TOPUP", "DEBIT" or "REFUND"
    QString amount;
    QString orderId;
    QString refundId;
    QDateTime createdAt;

    bool isDebit() const { return kind == QLatin1StringView("DEBIT"); }
};

/// One page of a list endpoint; `nextCursor` is empty on the last page.
template <typename T>
struct Page {
    QList<T> items;
    QString nextCursor;
};

/// What POST /auth/token grants.
struct TokenGrant {
    QString accessToken;
    QString tokenType;
    qint64 expiresIn = 0;  ///< seconds
    QString role;
    QString userId;
};

/// An API key of an account (a script signs in with it as that account). `apiKey`, the secret,
/// is only in the answer that created the key and never sent again; `revokedAt` is invalid
/// while the key is in force.
struct ApiKey {
    QString keyId;
    QString userId;
    QDateTime createdAt;
    QDateTime revokedAt;
    QString apiKey;

    bool isRevoked() const { return revokedAt.isValid(); }
};

/// The order statuses of the contract, as sent on the wire.
namespace status {
inline constexpr auto kNew = "NEW";
inline constexpr auto kFinished = "FINISHED";
inline constexpr auto kCancelled = "CANCELLED";
inline constexpr auto kRefunded = "REFUNDED";
}  // namespace status

/// The refund statuses of the contract, as sent on the wire.
namespace refund_status {
inline constexpr auto kPending = "PENDING";
inline constexpr auto kCompleted = "COMPLETED";
}  // namespace refund_status

}  // namespace shop::client
