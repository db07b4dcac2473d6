#include "core/refund_model.hpp"

#include <algorithm>

#include "core/input_validation.hpp"
#include "core/money_text.hpp"
#include "core/table_roles.hpp"
#include "core/time_text.hpp"

namespace shop::client {

RefundModel::RefundModel(QObject* parent) : QAbstractTableModel(parent) {}

int RefundModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_refunds.size());
}

int RefundModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RefundModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Refund& refund = m_refunds.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case CreatedColumn:
                    return longTimeText(refund.createdAt);
                case AmountColumn:
                    return moneyDisplayText(refund.amount);
                case StatusColumn:
                    return refund.status;
                case ReasonColumn:
                    return refund.reason;
                case RefundIdColumn:
                    return refund.refundId;
                default:
                    return {};
            }
        case CompactTextRole:
            switch (index.column()) {
                case CreatedColumn:
                    return shortTimeText(refund.createdAt);
                case RefundIdColumn:
                    return QString(refund.refundId.left(8) + u'\u2026');
                default:
                    return {};
            }
        case CopyRole:
            switch (index.column()) {
                case CreatedColumn:
                    return rfc3339Text(refund.createdAt);
                case AmountColumn:
                    return refund.amount;
                case StatusColumn:
                    return refund.status;
                case ReasonColumn:
                    return refund.reason;
                case RefundIdColumn:
                    return refund.refundId;
                default:
                    return {};
            }
        case SortRole:
            switch (index.column()) {
                case CreatedColumn:
                    return refund.createdAt;
                case AmountColumn:
                    return parseMoneyText(refund.amount).value_or(0);
                case StatusColumn:
                    // Pending first: what is still to happen.
                    return refund.status == QLatin1StringView(refund_status::kCompleted) ? 1 : 0;
                case ReasonColumn:
                    return refund.reason;
                case RefundIdColumn:
                    return refund.refundId;
                default:
                    return {};
            }
        case Qt::ToolTipRole:
            switch (index.column()) {
                case CreatedColumn:
                    return fullTimeText(refund.createdAt);
                case StatusColumn:
                    return refund.status == QLatin1StringView(refund_status::kCompleted)
                               ? tr("Credited to the account %1")
                                     .arg(fullTimeText(refund.updatedAt))
                               : tr("Requested; the account is credited shortly");
                case ReasonColumn:
                    return refund.reason;
                case RefundIdColumn:
                    return refund.refundId;
                default:
                    return {};
            }
        case Qt::TextAlignmentRole:
            if (index.column() == AmountColumn) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            return {};
        case RefundIdRole:
            return refund.refundId;
        case StatusRole:
            return refund.status;
        default:
            return {};
    }
}

QVariant RefundModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case CreatedColumn:
            return tr("Requested");
        case AmountColumn:
            return tr("Amount");
        case StatusColumn:
            return tr("Status");
        case ReasonColumn:
            return tr("Reason");
        case RefundIdColumn:
            return tr("Refund");
        default:
            return {};
    }
}

void RefundModel::reset(const QList<Refund>& refunds) {
    beginResetModel();
    m_refunds = refunds;
    endResetModel();
}

void RefundModel::upsert(const Refund& refund) {
    const auto it = std::find_if(m_refunds.begin(), m_refunds.end(), [&](const Refund& shown) {
        return shown.refundId == refund.refundId;
    });
    if (it != m_refunds.end()) {
        const int row = static_cast<int>(it - m_refunds.begin());
        *it = refund;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    const int row = static_cast<int>(m_refunds.size());
    beginInsertRows({}, row, row);
    m_refunds.append(refund);
    endInsertRows();
}

std::optional<Refund> RefundModel::refundAt(int row) const {
    if (row < 0 || row >= m_refunds.size()) {
        return std::nullopt;
    }
    return m_refunds.at(row);
}

qint64 RefundModel::requestedMinor() const {
    qint64 sum = 0;
    for (const Refund& refund : m_refunds) {
        sum += moneyMinor(refund.amount).value_or(0);
    }
    return sum;
}

qint64 RefundModel::completedMinor() const {
    qint64 sum = 0;
    for (const Refund& refund : m_refunds) {
        if (refund.status == QLatin1StringView(refund_status::kCompleted)) {
            sum += moneyMinor(refund.amount).value_or(0);
        }
    }
    return sum;
}

QString RefundModel::refundableOf(const QString& orderAmount) const {
    const auto amount = moneyMinor(orderAmount);
    if (!amount) {
        return {};
    }
    return moneyText(std::max<qint64>(0, *amount - requestedMinor()));
}

}  // namespace shop::client
