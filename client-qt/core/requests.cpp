#include "core/requests.hpp"

#include <QUuid>

namespace shop::client {

QString newIdempotencyKey() {
    return QStringLiteral("qt-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

NewAccountRequest NewAccountRequest::make(const QString& userId, const QString& openingBalance) {
    NewAccountRequest request;
    request.userId =
        userId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : userId.toLower();
    request.openingBalance = openingBalance;
    return request;
}

TopUpRequest TopUpRequest::make(const QString& userId, const QString& amount) {
    return TopUpRequest{userId, amount, newIdempotencyKey()};
}

NewOrderRequest NewOrderRequest::make(const QString& userId, const QString& amount,
                                      const QString& description) {
    return NewOrderRequest{userId, amount, description, newIdempotencyKey()};
}

RefundRequest RefundRequest::make(const QString& orderId, const QString& amount,
                                  const QString& reason) {
    return RefundRequest{orderId, amount, reason, newIdempotencyKey()};
}

}  // namespace shop::client
