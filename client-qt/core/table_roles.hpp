#pragma once

#include <Qt>

namespace shop::client {

/// Roles every table model of the client answers, besides Qt's, so one proxy sorts and one
/// helper copies any of them. Above the models' own roles (Qt::UserRole + 1 on).
enum TableRole : int {
    /// What a column sorts by: exact minor units for money (qint64), the instant for times
    /// (QDateTime), a rank for statuses (int), else the text.
    SortRole = Qt::UserRole + 100,
    /// What Ctrl+C puts on the clipboard: full ids, plain amounts ("1234.50"), wire statuses,
    /// RFC 3339 UTC times.
    CopyRole,
    /// A shorter text shown when the display text does not fit the column ("3f2a6c1e…" for an
    /// id, "14:03:27" for a time today); none when the display text is short already.
    CompactTextRole,
};

}  // namespace shop::client
