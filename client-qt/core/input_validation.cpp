#include "core/input_validation.hpp"

#include <QList>
#include <string>

#include "shop/domain/money.hpp"
#include "shop/domain/uuid.hpp"

namespace shop::client {
namespace {

constexpr qsizetype kMaxDescriptionChars = 500;
constexpr qsizetype kMaxReasonChars = 200;

FieldCheck failed(QString message) {
    return FieldCheck{QString(), std::move(message)};
}

}  // namespace

FieldCheck checkAmount(const QString& text, bool positive, const QString& field) {
    std::string error;
    // Space around a pasted or typed amount is no mistake; space inside one is.
    const std::string utf8 = text.trimmed().toStdString();
    const auto minor = domain::parseMoney(utf8, error, field.toStdString());
    if (!minor) {
        return failed(QString::fromStdString(error));
    }
    if (positive && *minor <= 0) {
        return failed(field + QStringLiteral(" must be greater than 0"));
    }
    return FieldCheck{QString::fromStdString(domain::formatMoney(*minor)), QString()};
}

FieldCheck checkDescription(const QString& text) {
    // What is sent is trimmed: the server would store "   " as a description, which describes
    // nothing, so blank is empty here.
    const QString trimmed = text.trimmed();
    const QList<uint> codePoints = trimmed.toUcs4();
    // The same order of checks as the orders service, so the messages agree.
    for (const uint c : codePoints) {
        if (c < 0x20 || c == 0x7f) {
            return failed(QStringLiteral("description must not contain control characters"));
        }
    }
    if (codePoints.isEmpty()) {
        return failed(QStringLiteral("a description is required"));
    }
    if (codePoints.size() > kMaxDescriptionChars) {
        return failed(
            QStringLiteral("description must be at most %1 characters").arg(kMaxDescriptionChars));
    }
    return FieldCheck{trimmed, QString()};
}

FieldCheck checkRefundReason(const QString& text) {
    const QString trimmed = text.trimmed();
    const QList<uint> codePoints = trimmed.toUcs4();
    // The same checks, in the same order, as the orders service's.
    for (const uint c : codePoints) {
        if (c < 0x20 || c == 0x7f) {
            return failed(QStringLiteral("reason must not contain control characters"));
        }
    }
    if (codePoints.size() > kMaxReasonChars) {
        return failed(QStringLiteral("reason must be at most %1 characters").arg(kMaxReasonChars));
    }
    return FieldCheck{trimmed, QString()};
}

std::optional<qint64> moneyMinor(const QString& text) {
    std::string error;
    const auto minor = domain::parseMoney(text.toStdString(), error);
    if (!minor) {
        return std::nullopt;
    }
    return static_cast<qint64>(*minor);
}

QString moneyText(qint64 minor) {
    return QString::fromStdString(domain::formatMoney(static_cast<domain::Minor>(minor)));
}

FieldCheck checkUserId(const QString& text, bool optional) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        return optional ? FieldCheck{} : failed(QStringLiteral("user id is required"));
    }
    const auto normalized = domain::normalizeUuid(trimmed.toStdString());
    if (!normalized) {
        return failed(
            QStringLiteral("user id must be a UUID such as "
                           "3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b"));
    }
    return FieldCheck{QString::fromStdString(*normalized), QString()};
}

}  // namespace shop::client
