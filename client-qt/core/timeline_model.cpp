#include "core/timeline_model.hpp"

#include "core/money_text.hpp"
#include "core/order_model.hpp"
#include "core/table_roles.hpp"
#include "core/time_text.hpp"

namespace shop::client {

TimelineModel::TimelineModel(int capacity, QObject* parent)
    : QAbstractTableModel(parent), m_capacity(capacity < 1 ? 1 : capacity) {}

int TimelineModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int TimelineModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Entry& entry = m_entries.at(index.row());
    const OrderEvent& event = entry.event;
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case TimeColumn:
                    return entry.receivedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
                case StatusColumn:
                    return event.status;
                case AmountColumn:
                    return moneyDisplayText(event.amount);
                case OrderColumn:
                    return event.orderId;
                case AccountColumn:
                    return event.userId;
                case ReasonColumn:
                    return describeFailureReason(event.failureReason);
                default:
                    return {};
            }
        case CompactTextRole:
            switch (index.column()) {
                case OrderColumn:
                    return QString(event.orderId.left(8) + u'\u2026');
                case AccountColumn:
                    return QString(event.userId.left(8) + u'\u2026');
                default:
                    return {};
            }
        case CopyRole:
            switch (index.column()) {
                case TimeColumn:
                    return rfc3339Text(entry.receivedAt);
                case StatusColumn:
                    return event.status;
                case AmountColumn:
                    return event.amount;
                case OrderColumn:
                    return event.orderId;
                case AccountColumn:
                    return event.userId;
                case ReasonColumn:
                    return event.failureReason;
                default:
                    return {};
            }
        case SortRole:
            switch (index.column()) {
                case TimeColumn:
                    return entry.receivedAt;
                case StatusColumn:
                    return orderStatusRank(event.status);
                case AmountColumn:
                    return parseMoneyText(event.amount).value_or(0);
                case OrderColumn:
                    return event.orderId;
                case AccountColumn:
                    return event.userId;
                case ReasonColumn:
                    return describeFailureReason(event.failureReason);
                default:
                    return {};
            }
        case Qt::ToolTipRole:
            return tr("Order %1 of account %2: %3 (version %4)")
                .arg(event.orderId, event.userId, event.status)
                .arg(event.version);
        case Qt::TextAlignmentRole:
            if (index.column() == AmountColumn) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            return {};
        case OrderIdRole:
            return event.orderId;
        case StatusRole:
            return event.status;
        case VersionRole:
            return event.version;
        default:
            return {};
    }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case TimeColumn:
            return tr("Time");
        case StatusColumn:
            return tr("Status");
        case AmountColumn:
            return tr("Amount");
        case OrderColumn:
            return tr("Order");
        case AccountColumn:
            return tr("Account");
        case ReasonColumn:
            return tr("Reason");
        default:
            return {};
    }
}

void TimelineModel::add(const OrderEvent& event, const QDateTime& receivedAt) {
    beginInsertRows({}, 0, 0);
    m_entries.prepend(Entry{event, receivedAt});
    endInsertRows();
    if (m_entries.size() > m_capacity) {
        const int last = static_cast<int>(m_entries.size()) - 1;
        beginRemoveRows({}, m_capacity, last);
        m_entries.remove(m_capacity, m_entries.size() - m_capacity);
        endRemoveRows();
    }
}

void TimelineModel::clear() {
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

}  // namespace shop::client
