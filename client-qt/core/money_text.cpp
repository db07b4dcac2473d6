#include "core/money_text.hpp"

namespace shop::client {
namespace {

constexpr int kMaxIntegerDigits = 15;

QString displayText(qint64 minor, bool showPlus, const QLocale& locale) {
    const bool negative = minor < 0;
    // |minor| fits: parseMoneyText never yields more than 15 integer digits.
    const qint64 magnitude = negative ? -minor : minor;
    const qint64 fraction = magnitude % 100;
    QString text;
    if (negative) {
        text += locale.negativeSign();
    } else if (showPlus) {
        text += locale.positiveSign();
    }
    // The locale's own integer formatting: its grouping, its group separator and its digits.
    QLocale grouped = locale;
    grouped.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    text += grouped.toString(magnitude / 100);
    text += locale.decimalPoint();
    text += locale.toString(fraction / 10);
    text += locale.toString(fraction % 10);
    return text;
}

}  // namespace

std::optional<qint64> parseMoneyText(const QString& text) {
    qsizetype at = 0;
    bool negative = false;
    if (!text.isEmpty() && (text.front() == u'-' || text.front() == u'+')) {
        negative = text.front() == u'-';
        at = 1;
    }
    const qsizetype point = text.indexOf(u'.', at);
    const qsizetype integerDigits = point - at;
    if (point < 0 || integerDigits < 1 || integerDigits > kMaxIntegerDigits ||
        text.size() - point - 1 != 2) {
        return std::nullopt;
    }
    qint64 minor = 0;
    for (qsizetype i = at; i < text.size(); ++i) {
        if (i == point) {
            continue;
        }
        const QChar c = text.at(i);
        if (c < u'0' || c > u'9') {
            return std::nullopt;
        }
        minor = minor * 10 + (c.unicode() - u'0');
    }
    return negative ? -minor : minor;
}

QString moneyDisplayText(const QString& amount, const QLocale& locale) {
    const auto minor = parseMoneyText(amount);
    if (!minor) {
        return amount;
    }
    return displayText(*minor, amount.startsWith(u'+'), locale);
}

QString moneyDisplayText(qint64 minor, const QLocale& locale) {
    return displayText(minor, false, locale);
}

}  // namespace shop::client
