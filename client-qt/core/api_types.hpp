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

/// An order as the API returns it. `failureReason` is empty unless the order was cancelled.
struct Order {
    QString orderId;
    QString userId;
    QString amount;
    QString description;
    QString status;  ///< "NEW", "FINISHED" or "CANCELLED"
    QString failureReason;
    qint64 version = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
};

/// One `order.status` frame of the live stream.
struct OrderEvent {
    QString orderId;
    QString userId;
    QString status;
    QString failureReason;
    qint64 version = 0;
    QString amount;
    QDateTime updatedAt;
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
}  // namespace status

}  // namespace shop::client
