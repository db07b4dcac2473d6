#pragma once

#include <QLocale>
#include <QString>
#include <optional>

namespace shop::client {

/// Money text as the API sends it, with an optional sign ("1234.50", "-30.50", "+100.00"), in
/// exact minor units (123450, -3050, 10000); std::nullopt when it is not such a text (exactly
/// two decimals, at most 15 integer digits). No floating point on the way.
std::optional<qint64> parseMoneyText(const QString& text);

/// Money for people to read, in `locale`: the integer part grouped as the locale groups numbers
/// ("200,000,000.00" in en_US, "200.000.000,00" in de_DE), always exactly two decimals, the sign
/// kept ("+100.00" stays signed). Text that is not money (see parseMoneyText) comes back
/// unchanged, so nothing is ever hidden. The one function for money on screen; wire, CSV and
/// clipboard keep the plain text.
QString moneyDisplayText(const QString& amount, const QLocale& locale = QLocale());
/// The same for minor units: 2 -> "0.02", -123450 -> "-1,234.50".
QString moneyDisplayText(qint64 minor, const QLocale& locale = QLocale());

}  // namespace shop::client
