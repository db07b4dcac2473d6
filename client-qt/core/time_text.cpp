#include "core/time_text.hpp"

namespace shop::client {

QString shortTimeText(const QDateTime& time, const QDate& today) {
    if (!time.isValid()) {
        return {};
    }
    const QDateTime local = time.toLocalTime();
    return local.date() == today ? local.toString(QStringLiteral("HH:mm:ss"))
                                 : local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString longTimeText(const QDateTime& time) {
    if (!time.isValid()) {
        return {};
    }
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString fullTimeText(const QDateTime& time) {
    if (!time.isValid()) {
        return {};
    }
    return QStringLiteral("%1 (%2)").arg(
        time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")), rfc3339Text(time));
}

QString rfc3339Text(const QDateTime& time) {
    if (!time.isValid()) {
        return {};
    }
    return time.toUTC().toString(Qt::ISODateWithMs);
}

}  // namespace shop::client
