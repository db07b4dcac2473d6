#include "core/wire.hpp"

#include <QJsonArray>
#include <QJsonObject>

namespace shop::client::wire {
namespace {

bool readString(const QJsonObject& object, QLatin1StringView key, QString& out) {
    const QJsonValue value = object.value(key);
    if (!value.isString()) {
        return false;
    }
    out = value.toString();
    return true;
}

// The API returns money as a string with exactly two decimals; kept as text, never a double.
bool readMoney(const QJsonObject& object, QLatin1StringView key, QString& out) {
    return readString(object, key, out);
}

bool readNullableString(const QJsonObject& object, QLatin1StringView key, QString& out) {
    const QJsonValue value = object.value(key);
    if (value.isNull() || value.isUndefined()) {
        out.clear();
        return true;
    }
    return readString(object, key, out);
}

bool readTime(const QJsonObject& object, QLatin1StringView key, QDateTime& out) {
    QString text;
    if (!readString(object, key, text)) {
        return false;
    }
    out = parseTime(text);
    return out.isValid();
}

bool readNullableTime(const QJsonObject& object, QLatin1StringView key, QDateTime& out) {
    const QJsonValue value = object.value(key);
    if (value.isNull() || value.isUndefined()) {
        out = QDateTime();
        return true;
    }
    return readTime(object, key, out);
}

bool readInteger(const QJsonObject& object, QLatin1StringView key, qint64& out) {
    const QJsonValue value = object.value(key);
    if (!value.isDouble()) {
        return false;
    }
    out = value.toInteger(-1);
    return out >= 0;
}

template <typename T, typename Reader>
std::optional<Page<T>> page(const QJsonValue& value, Reader reader) {
    const QJsonObject object = value.toObject();
    const QJsonValue items = object.value(QLatin1StringView("items"));
    if (!items.isArray()) {
        return std::nullopt;
    }
    Page<T> result;
    for (const QJsonValue& item : items.toArray()) {
        auto parsed = reader(item);
        if (!parsed) {
            return std::nullopt;
        }
        result.items.append(std::move(*parsed));
    }
    if (!readNullableString(object, QLatin1StringView("next_cursor"), result.nextCursor)) {
        return std::nullopt;
    }
    return result;
}

}  // namespace

QDateTime parseTime(const QString& text) {
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        return {};
    }
    return time.toUTC();
}

std::optional<Account> account(const QJsonValue& value) {
    if (!value.isObject()) {
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    Account result;
    if (!readString(object, QLatin1StringView("user_id"), result.userId) ||
        !readMoney(object, QLatin1StringView("balance"), result.balance) ||
        !readTime(object, QLatin1StringView("created_at"), result.createdAt) ||
        !readTime(object, QLatin1StringView("updated_at"), result.updatedAt)) {
        return std::nullopt;
    }
    return result;
}

std::optional<Order> order(const QJsonValue& value) {
    if (!value.isObject()) {
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    Order result;
    if (!readString(object, QLatin1StringView("order_id"), result.orderId) ||
        !readString(object, QLatin1StringView("user_id"), result.userId) ||
        !readMoney(object, QLatin1StringView("amount"), result.amount) ||
        !readString(object, QLatin1StringView("description"), result.description) ||
        !readString(object, QLatin1StringView("status"), result.status) ||
        !readNullableString(object, QLatin1StringView("failure_reason"), result.failureReason) ||
        !readInteger(object, QLatin1StringView("version"), result.version) ||
        !readTime(object, QLatin1StringView("created_at"), result.createdAt) ||
        !readTime(object, QLatin1StringView("updated_at"), result.updatedAt)) {
        return std::nullopt;
    }
    // Absent from answers of a gateway older than refunds: nothing refunded.
    if (object.contains(QLatin1StringView("refunded_amount")) &&
        !readMoney(object, QLatin1StringView("refunded_amount"), result.refundedAmount)) {
        return std::nullopt;
    }
    return result;
}

std::optional<Refund> refund(const QJsonValue& value) {
    if (!value.isObject()) {
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    Refund result;
    if (!readString(object, QLatin1StringView("refund_id"), result.refundId) ||
        !readString(object, QLatin1StringView("order_id"), result.orderId) ||
        !readMoney(object, QLatin1StringView("amount"), result.amount) ||
        !readNullableString(object, QLatin1StringView("reason"), result.reason) ||
        !readString(object, QLatin1StringView("status"), result.status) ||
        !readTime(object, QLatin1StringView("created_at"), result.createdAt) ||
        !readTime(object, QLatin1StringView("updated_at"), result.updatedAt)) {
        return std::nullopt;
    }
    readString(object, QLatin1StringView("user_id"), result.userId);
    return result;
}

std::optional<QList<Refund>> refundList(const QJsonValue& value) {
    const QJsonValue items = value.toObject().value(QLatin1StringView("items"));
    if (!items.isArray()) {
        return std::nullopt;
    }
    QList<Refund> result;
    for (const QJsonValue& item : items.toArray()) {
        auto parsed = refund(item);
        if (!parsed) {
            return std::nullopt;
        }
        result.append(std::move(*parsed));
    }
    return result;
}

std::optional<LedgerEntry> ledgerEntry(const QJsonValue& value) {
    if (!value.isObject()) {
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    LedgerEntry result;
    // A string of digits by the contract; a bare number is read as well.
    const QJsonValue id = object.value(QLatin1StringView("entry_id"));
    if (id.isDouble()) {
        result.entryId = QString::number(id.toInteger());
    } else if (!readString(object, QLatin1StringView("entry_id"), result.entryId)) {
        return std::nullopt;
    }
    if (!readString(object, QLatin1StringView("kind"), result.kind) ||
        !readMoney(object, QLatin1StringView("amount"), result.amount) ||
        !readNullableString(object, QLatin1StringView("order_id"), result.orderId) ||
        !readNullableString(object, QLatin1StringView("refund_id"), result.refundId) ||
        !readTime(object, QLatin1StringView("created_at"), result.createdAt)) {
        return std::nullopt;
    }
    return result;
}

std::optional<Page<LedgerEntry>> ledgerPage(const QJsonValue& value) {
    return page<LedgerEntry>(value, &ledgerEntry);
}

std::optional<Page<Account>> accountPage(const QJsonValue& value) {
    return page<Account>(value, &account);
}

std::optional<Page<Order>> orderPage(const QJsonValue& value) {
    return page<Order>(value, &order);
}

std::optional<TokenGrant> tokenGrant(const QJsonValue& value) {
    const QJsonObject object = value.toObject();
    TokenGrant result;
    if (!readString(object, QLatin1StringView("access_token"), result.accessToken) ||
        result.accessToken.isEmpty() ||
        !readInteger(object, QLatin1StringView("expires_in"), result.expiresIn)) {
        return std::nullopt;
    }
    readString(object, QLatin1StringView("token_type"), result.tokenType);
    readString(object, QLatin1StringView("role"), result.role);
    readNullableString(object, QLatin1StringView("user_id"), result.userId);
    return result;
}

std::optional<ApiKey> apiKey(const QJsonValue& value) {
    if (!value.isObject()) {
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    ApiKey result;
    if (!readString(object, QLatin1StringView("key_id"), result.keyId) || result.keyId.isEmpty() ||
        !readTime(object, QLatin1StringView("created_at"), result.createdAt) ||
        !readNullableTime(object, QLatin1StringView("revoked_at"), result.revokedAt) ||
        !readNullableString(object, QLatin1StringView("user_id"), result.userId) ||
        !readNullableString(object, QLatin1StringView("api_key"), result.apiKey)) {
        return std::nullopt;
    }
    return result;
}

std::optional<QList<ApiKey>> apiKeyList(const QJsonValue& value) {
    const QJsonValue items = value.toObject().value(QLatin1StringView("items"));
    if (!items.isArray()) {
        return std::nullopt;
    }
    QList<ApiKey> result;
    for (const QJsonValue& item : items.toArray()) {
        auto key = apiKey(item);
        if (!key) {
            return std::nullopt;
        }
        result.append(std::move(*key));
    }
    return result;
}

std::optional<OrderEvent> orderEvent(const QJsonValue& value) {
    const QJsonObject object = value.toObject();
    if (object.value(QLatin1StringView("type")).toString() != QLatin1StringView("order.status")) {
        return std::nullopt;
    }
    OrderEvent result;
    if (!readString(object, QLatin1StringView("order_id"), result.orderId) ||
        !readString(object, QLatin1StringView("status"), result.status) ||
        !readInteger(object, QLatin1StringView("version"), result.version) ||
        !readNullableString(object, QLatin1StringView("failure_reason"), result.failureReason)) {
        return std::nullopt;
    }
    readString(object, QLatin1StringView("user_id"), result.userId);
    readMoney(object, QLatin1StringView("amount"), result.amount);
    readTime(object, QLatin1StringView("updated_at"), result.updatedAt);
    // The whole order, as the contract's frames carry it; a frame without them is still a
    // status change (the client then reads the order over REST when it needs the rest).
    readMoney(object, QLatin1StringView("refunded_amount"), result.refundedAmount);
    readString(object, QLatin1StringView("description"), result.description);
    readTime(object, QLatin1StringView("created_at"), result.createdAt);
    return result;
}

}  // namespace shop::client::wire
