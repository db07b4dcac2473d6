#include "core/order_model.hpp"

#include <QHash>

#include <algorithm>

#include "core/money_text.hpp"
#include "core/table_roles.hpp"
#include "core/time_text.hpp"

namespace shop::client {
QString describeFailureReason(const QString& reason) {
    if (reason == QLatin1StringView("INSUFFICIENT_FUNDS")) {
        return OrderModel::tr("Insufficient funds");
    }
    if (reason == QLatin1StringView("ACCOUNT_NOT_FOUND")) {
        return OrderModel::tr("Account not found");
    }
    return reason;
}

int orderStatusRank(const QString& status) {
    // The order of the life cycle: waiting, paid, paid and (partly) given back, refused.
    static const QStringList kRanks{
        QString::fromLatin1(status::kNew), QString::fromLatin1(status::kFinished),
        QString::fromLatin1(status::kRefunded), QString::fromLatin1(status::kCancelled)};
    const auto rank = kRanks.indexOf(status);
    return rank < 0 ? static_cast<int>(kRanks.size()) : static_cast<int>(rank);
}

OrderModel::OrderModel(QObject* parent) : QAbstractTableModel(parent) {}

int OrderModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_orders.size());
}

int OrderModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OrderModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Order& order = m_orders.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case StatusColumn:
                    return order.status;
                case AmountColumn:
                    return moneyDisplayText(order.amount);
                case RefundedColumn:
                    // Blank when nothing was refunded, so the refunded rows stand out.
                    return parseMoneyText(order.refundedAmount).value_or(0) > 0
                               ? moneyDisplayText(order.refundedAmount)
                               : QString();
                case DescriptionColumn:
                    return order.description;
                case ReasonColumn:
                    return describeFailureReason(order.failureReason);
                case AccountColumn:
                    return order.userId;
                case CreatedColumn:
                    return longTimeText(order.createdAt);
                case UpdatedColumn:
                    return longTimeText(order.updatedAt);
                case OrderIdColumn:
                    return order.orderId;
                default:
                    return {};
            }
        case CompactTextRole:
            switch (index.column()) {
                case AccountColumn:
                    return QString(order.userId.left(8) + u'\u2026');
                case OrderIdColumn:
                    return QString(order.orderId.left(8) + u'\u2026');
                case CreatedColumn:
                    return shortTimeText(order.createdAt);
                case UpdatedColumn:
                    return shortTimeText(order.updatedAt);
                default:
                    return {};
            }
        case CopyRole:
            switch (index.column()) {
                case StatusColumn:
                    return order.status;
                case AmountColumn:
                    return order.amount;
                case RefundedColumn:
                    return order.refundedAmount;
                case DescriptionColumn:
                    return order.description;
                case ReasonColumn:
                    return order.failureReason;
                case AccountColumn:
                    return order.userId;
                case CreatedColumn:
                    return rfc3339Text(order.createdAt);
                case UpdatedColumn:
                    return rfc3339Text(order.updatedAt);
                case OrderIdColumn:
                    return order.orderId;
                default:
                    return {};
            }
        case SortRole:
            switch (index.column()) {
                case StatusColumn:
                    return orderStatusRank(order.status);
                case AmountColumn:
                    return parseMoneyText(order.amount).value_or(0);
                case RefundedColumn:
                    return parseMoneyText(order.refundedAmount).value_or(0);
                case DescriptionColumn:
                    return order.description;
                case ReasonColumn:
                    return describeFailureReason(order.failureReason);
                case AccountColumn:
                    return order.userId;
                case CreatedColumn:
                    return order.createdAt;
                case UpdatedColumn:
                    return order.updatedAt;
                case OrderIdColumn:
                    return order.orderId;
                default:
                    return {};
            }
        case Qt::ToolTipRole:
            switch (index.column()) {
                case AccountColumn:
                    return order.userId;
                case OrderIdColumn:
                    return order.orderId;
                case ReasonColumn:
                    return order.failureReason;
                case DescriptionColumn:
                    return order.description;
                case RefundedColumn:
                    return tr("%1 of %2 refunded")
                        .arg(moneyDisplayText(order.refundedAmount),
                             moneyDisplayText(order.amount));
                case StatusColumn:
                    return tr("%1, version %2").arg(order.status).arg(order.version);
                case CreatedColumn:
                    return fullTimeText(order.createdAt);
                case UpdatedColumn:
                    return fullTimeText(order.updatedAt);
                default:
                    return {};
            }
        case Qt::TextAlignmentRole:
            if (index.column() == AmountColumn || index.column() == RefundedColumn) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            return {};
        case OrderIdRole:
            return order.orderId;
        case UserIdRole:
            return order.userId;
        case StatusRole:
            return order.status;
        case VersionRole:
            return order.version;
        case RefundedAmountRole:
            return order.refundedAmount;
        default:
            return {};
    }
}

QVariant OrderModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case StatusColumn:
            return tr("Status");
        case AmountColumn:
            return tr("Amount");
        case RefundedColumn:
            return tr("Refunded");
        case DescriptionColumn:
            return tr("Description");
        case ReasonColumn:
            return tr("Failure reason");
        case AccountColumn:
            return tr("Account");
        case CreatedColumn:
            return tr("Created");
        case UpdatedColumn:
            return tr("Updated");
        case OrderIdColumn:
            return tr("Order");
        default:
            return {};
    }
}

void OrderModel::reset(const QList<Order>& orders, const QString& nextCursor) {
    // A page read before a push arrived may hold an older version of an order than the one
    // shown: keep the newer, or a row could fall back to NEW for good after FINISHED was pushed.
    QHash<QString, Order> held;
    held.reserve(m_orders.size());
    for (const Order& order : std::as_const(m_orders)) {
        held.insert(order.orderId, order);
    }
    beginResetModel();
    m_orders.clear();
    QHash<QString, qsizetype> rowOfId;
    for (const Order& order : orders) {
        const auto shown = held.constFind(order.orderId);
        const Order& newest =
            shown != held.cend() && shown->version > order.version ? *shown : order;
        // A page never holds an order twice, but be safe: keep the newest version.
        if (const auto row = rowOfId.constFind(order.orderId); row != rowOfId.cend()) {
            if (newest.version > m_orders.at(*row).version) {
                m_orders[*row] = newest;
            }
            continue;
        }
        rowOfId.insert(order.orderId, m_orders.size());
        m_orders.append(newest);
    }
    m_pageCursors = QStringList{QString()};
    m_pageOf.clear();
    for (const Order& order : std::as_const(m_orders)) {
        m_pageOf.insert(order.orderId, 0);
    }
    m_moreCursor = nextCursor;
    m_hasMore = !nextCursor.isEmpty();
    endResetModel();
    trim();
}

bool OrderModel::append(const QString& cursor, const QList<Order>& orders,
                        const QString& nextCursor) {
    if (!m_hasMore || cursor != m_moreCursor) {
        return false;
    }
    const int page = static_cast<int>(m_pageCursors.size());
    m_pageCursors.append(cursor);
    m_moreCursor = nextCursor;
    m_hasMore = !nextCursor.isEmpty();
    QList<Order> fresh;
    for (const Order& order : orders) {
        m_pageOf.insert(order.orderId, page);
        const int row = rowOf(order.orderId);
        if (row >= 0) {
            if (order.version > m_orders.at(row).version) {
                replaceRow(row, order);
            }
        } else if (std::none_of(fresh.begin(), fresh.end(),
                                [&](const Order& o) { return o.orderId == order.orderId; })) {
            fresh.append(order);
        }
    }
    if (!fresh.isEmpty()) {
        const int first = static_cast<int>(m_orders.size());
        beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
        m_orders.append(fresh);
        endInsertRows();
        trim();
    }
    return true;
}

bool OrderModel::upsert(const Order& order) {
    const int row = rowOf(order.orderId);
    if (row < 0) {
        insertSorted(order);
        return true;
    }
    if (order.version <= m_orders.at(row).version) {
        return false;
    }
    replaceRow(row, order);
    return true;
}

OrderModel::EventOutcome OrderModel::applyEvent(const OrderEvent& event) {
    const int row = rowOf(event.orderId);
    if (row < 0) {
        return EventOutcome::Unknown;
    }
    Order order = m_orders.at(row);
    if (event.version <= order.version) {
        return EventOutcome::Stale;
    }
    order.status = event.status;
    order.failureReason = event.failureReason;
    order.version = event.version;
    if (!event.amount.isEmpty()) {
        order.amount = event.amount;
    }
    if (!event.refundedAmount.isEmpty()) {
        order.refundedAmount = event.refundedAmount;
    } else if (event.status == QLatin1StringView(status::kRefunded)) {
        // REFUNDED means the completed refunds add up to the whole amount.
        order.refundedAmount = order.amount;
    }
    if (event.updatedAt.isValid()) {
        order.updatedAt = event.updatedAt;
    }
    replaceRow(row, order);
    return EventOutcome::Updated;
}

bool OrderModel::remove(const QString& orderId) {
    const int row = rowOf(orderId);
    if (row < 0) {
        return false;
    }
    beginRemoveRows({}, row, row);
    m_orders.remove(row);
    endRemoveRows();
    // It left the query: nothing is missing where it was, paging goes on as before.
    m_pageOf.remove(orderId);
    return true;
}

int OrderModel::rowOf(const QString& orderId) const {
    for (qsizetype i = 0; i < m_orders.size(); ++i) {
        if (m_orders.at(i).orderId == orderId) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::optional<Order> OrderModel::orderAt(int row) const {
    if (row < 0 || row >= m_orders.size()) {
        return std::nullopt;
    }
    return m_orders.at(row);
}

void OrderModel::insertSorted(const Order& order) {
    // Newest first; among equal times the newcomer goes first.
    const auto it = std::find_if(m_orders.begin(), m_orders.end(),
                                 [&](const Order& o) { return o.createdAt <= order.createdAt; });
    const int row = static_cast<int>(it - m_orders.begin());
    beginInsertRows({}, row, row);
    m_orders.insert(row, order);
    endInsertRows();
    trim();
}

void OrderModel::setMaxRows(int rows) {
    m_maxRows = std::max(rows, 1);
    trim();
}

void OrderModel::trim() {
    if (m_orders.size() <= m_maxRows) {
        return;
    }
    auto firstLost = static_cast<int>(m_pageCursors.size());
    for (qsizetype row = m_maxRows; row < m_orders.size(); ++row) {
        if (const auto page = m_pageOf.constFind(m_orders.at(row).orderId);
            page != m_pageOf.cend()) {
            firstLost = std::min(firstLost, *page);
        }
    }
    beginRemoveRows({}, m_maxRows, static_cast<int>(m_orders.size()) - 1);
    m_orders.remove(m_maxRows, m_orders.size() - m_maxRows);
    endRemoveRows();
    if (firstLost < m_pageCursors.size()) {
        // Rows of that page are gone: the next page must start where it started (its rows
        // still shown are merged again), or the rows dropped would never come back. Rows of the
        // pages from there on count as not paged in.
        m_moreCursor = m_pageCursors.at(firstLost);
        m_hasMore = true;
        m_pageCursors.resize(firstLost);
        m_pageOf.removeIf([firstLost](const QHash<QString, int>::iterator& entry) {
            return entry.value() >= firstLost;
        });
    }
}

void OrderModel::replaceRow(int row, const Order& order) {
    m_orders[row] = order;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

}  // namespace shop::client
