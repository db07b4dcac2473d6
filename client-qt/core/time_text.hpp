#pragma once

#include <QDateTime>
#include <QString>

namespace shop::client {

/// A time for a table cell, in local time: "14:03:27" when it is on `today`, else
/// "2025-11-21 14:03". Empty for an invalid time.
QString shortTimeText(const QDateTime& time, const QDate& today = QDate::currentDate());

/// A time for a wide table cell, in local time to the second: "2025-11-21 14:03:27". Empty for
/// an invalid time.
QString longTimeText(const QDateTime& time);

/// A time for a tooltip: local "2025-11-21 14:03:27.250" and the UTC instant.
QString fullTimeText(const QDateTime& time);

/// A time for machines (clipboard, CSV): RFC 3339 in UTC with milliseconds,
/// "2025-11-21T13:03:27.250Z". Empty for an invalid time.
QString rfc3339Text(const QDateTime& time);

}  // namespace shop::client
