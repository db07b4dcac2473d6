#pragma once

#include <QString>

namespace shop::client {

/// A fresh Idempotency-Key ("qt-" + a random UUID): one per user action, reused by its retries.
QString newIdempotencyKey();

/// POST /accounts. The client always chooses the user id itself (a random UUID when the operator
/// leaves it blank), so a retry after a lost answer gets 409 for the same account instead of
/// creating a second one.
struct NewAccountRequest {
    QString userId;
    QString openingBalance;  ///< normalized money text, empty for none

    /// A request for `userId` (a new UUID when empty) with an optional opening balance.
    static NewAccountRequest make(const QString& userId, const QString& openingBalance);
};

/// POST /accounts/topup. Send the same value again to retry: it carries its Idempotency-Key.
struct TopUpRequest {
    QString userId;
    QString amount;  ///< normalized money text
    QString idempotencyKey;

    /// A request with a new Idempotency-Key.
    static TopUpRequest make(const QString& userId, const QString& amount);
};

/// POST /orders. Send the same value again to retry: it carries its Idempotency-Key.
struct NewOrderRequest {
    QString userId;
    QString amount;  ///< normalized money text
    QString description;
    QString idempotencyKey;

    /// A request with a new Idempotency-Key.
    static NewOrderRequest make(const QString& userId, const QString& amount,
                                const QString& description);
};

/// POST /orders/{orderId}/refunds. Send the same value again to retry: it carries its
/// Idempotency-Key.
struct RefundRequest {
    QString orderId;
    QString amount;  ///< normalized money text; empty lets the server refund all that is left
    QString reason;  ///< empty for none
    QString idempotencyKey;

    /// A request with a new Idempotency-Key.
    static RefundRequest make(const QString& orderId, const QString& amount, const QString& reason);
    /// Whether `other` asks for the same refund (the key aside): only then may it reuse the key.
    bool sameRefundAs(const RefundRequest& other) const {
        return orderId == other.orderId && amount == other.amount && reason == other.reason;
    }
};

/// GET /orders: `userId` empty for every user, `status` empty for every status, `idPrefix`
/// empty for every order id (else 4..36 characters the order id starts with, see checkIdPrefix).
struct OrdersQuery {
    QString userId;
    QString status;
    int limit = 50;
    QString cursor;
    QString idPrefix;

    bool operator==(const OrdersQuery&) const = default;
};

/// GET /accounts: `idPrefix` empty for every account, else 4..36 characters the user id starts
/// with (see checkIdPrefix).
struct AccountsQuery {
    int limit = 50;
    QString cursor;
    QString idPrefix;

    bool operator==(const AccountsQuery&) const = default;
};

}  // namespace shop::client
