#pragma once

#include <QJsonValue>
#include <optional>

#include "core/api_types.hpp"

namespace shop::client::wire {

/// Readers of the contract's JSON shapes. Each returns std::nullopt when a required member is
/// missing or has the wrong type; they never throw.
std::optional<Account> account(const QJsonValue& value);
std::optional<Order> order(const QJsonValue& value);
std::optional<Page<Account>> accountPage(const QJsonValue& value);
std::optional<Page<Order>> orderPage(const QJsonValue& value);
std::optional<TokenGrant> tokenGrant(const QJsonValue& value);
/// An API key; `api_key` (the secret) is read when present.
std::optional<ApiKey> apiKey(const QJsonValue& value);
/// {"items": [ApiKey]}.
std::optional<QList<ApiKey>> apiKeyList(const QJsonValue& value);
/// A refund.
std::optional<Refund> refund(const QJsonValue& value);
/// {"order_id", "user_id", "items": [Refund]}: the refunds, oldest first.
std::optional<QList<Refund>> refundList(const QJsonValue& value);
/// One ledger entry.
std::optional<LedgerEntry> ledgerEntry(const QJsonValue& value);
/// {"items": [LedgerEntry], "next_cursor"}.
std::optional<Page<LedgerEntry>> ledgerPage(const QJsonValue& value);
/// An `order.status` frame (the whole frame object, "type" included).
std::optional<OrderEvent> orderEvent(const QJsonValue& value);

/// An RFC 3339 time, in UTC; invalid QDateTime when the text is not one.
QDateTime parseTime(const QString& text);

}  // namespace shop::client::wire
