#include "core/ledger_model.hpp"

#include <QSet>

#include "core/input_validation.hpp"
#include "core/money_text.hpp"
#include "core/table_roles.hpp"
#include "core/time_text.hpp"

namespace shop::client {
namespace {

qint64 signedMinor(const LedgerEntry& entry) {
    const qint64 amount = moneyMinor(entry.amount).value_or(0);
    return entry.isDebit() ? -amount : amount;
}

QByteArray csvField(const QString& text) {
    QByteArray field = text.toUtf8();
    if (field.contains(',') || field.contains('"') || field.contains('\n') ||
        field.contains('\r')) {
        field.replace("\"", "\"\"");
        field = '"' + field + '"';
    }
    return field;
}

QString kindText(const QString& kind) {
    if (kind == QLatin1StringView("OPENING")) {
        return LedgerModel::tr("Opening balance");
    }
    if (kind == QLatin1StringView("TOPUP")) {
        return LedgerModel::tr("Top-up");
    }
    if (kind == QLatin1StringView("DEBIT")) {
        return LedgerModel::tr("Order paid");
    }
    if (kind == QLatin1StringView("REFUND")) {
        return LedgerModel::tr("Refund");
    }
    return kind;
}

}  // namespace

LedgerModel::LedgerModel(QObject* parent) : QAbstractTableModel(parent) {}

int LedgerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int LedgerModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LedgerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const LedgerEntry& entry = m_entries.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case CreatedColumn:
                    return longTimeText(entry.createdAt);
                case KindColumn:
                    return kindText(entry.kind);
                case AmountColumn:
                    return moneyDisplayText(entry.isDebit() ? signedAmount(entry)
                                                            : u'+' + entry.amount);
                case BalanceColumn:
                    return moneyDisplayText(balanceAfter(index.row()));
                case OrderColumn:
                    return entry.orderId;
                case RefundColumn:
                    return entry.refundId;
                case EntryIdColumn:
                    return entry.entryId;
                default:
                    return {};
            }
        case CompactTextRole:
            switch (index.column()) {
                case CreatedColumn:
                    return shortTimeText(entry.createdAt);
                case OrderColumn:
                    return entry.orderId.isEmpty() ? QString()
                                                   : QString(entry.orderId.left(8) + u'\u2026');
                case RefundColumn:
                    return entry.refundId.isEmpty() ? QString()
                                                    : QString(entry.refundId.left(8) + u'\u2026');
                default:
                    return {};
            }
        case CopyRole:
            switch (index.column()) {
                case CreatedColumn:
                    return rfc3339Text(entry.createdAt);
                case KindColumn:
                    return entry.kind;
                case AmountColumn:
                    return signedAmount(entry);
                case BalanceColumn:
                    return balanceAfter(index.row());
                case OrderColumn:
                    return entry.orderId;
                case RefundColumn:
                    return entry.refundId;
                case EntryIdColumn:
                    return entry.entryId;
                default:
                    return {};
            }
        case SortRole:
            switch (index.column()) {
                case CreatedColumn:
                    return entry.createdAt;
                case KindColumn:
                    return kindText(entry.kind);
                case AmountColumn:
                    return parseMoneyText(signedAmount(entry)).value_or(0);
                case BalanceColumn:
                    return m_balances.value(index.row()).value_or(0);
                case OrderColumn:
                    return entry.orderId;
                case RefundColumn:
                    return entry.refundId;
                case EntryIdColumn:
                    // Entry ids are numbers: 9 before 10.
                    return entry.entryId.toLongLong();
                default:
                    return {};
            }
        case Qt::ToolTipRole:
            switch (index.column()) {
                case CreatedColumn:
                    return fullTimeText(entry.createdAt);
                case KindColumn:
                    return entry.kind;
                case OrderColumn:
                    return entry.orderId;
                case RefundColumn:
                    return entry.refundId;
                default:
                    return {};
            }
        case Qt::TextAlignmentRole:
            if (index.column() == AmountColumn || index.column() == BalanceColumn ||
                index.column() == EntryIdColumn) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            return {};
        case EntryIdRole:
            return entry.entryId;
        case KindRole:
            return entry.kind;
        case SignedAmountRole:
            return signedAmount(entry);
        case BalanceAfterRole:
            return balanceAfter(index.row());
        default:
            return {};
    }
}

QVariant LedgerModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case CreatedColumn:
            return tr("Time");
        case KindColumn:
            return tr("Kind");
        case AmountColumn:
            return tr("Amount");
        case BalanceColumn:
            return tr("Balance after");
        case OrderColumn:
            return tr("Order");
        case RefundColumn:
            return tr("Refund");
        case EntryIdColumn:
            return tr("Entry");
        default:
            return {};
    }
}

void LedgerModel::setCurrentBalance(const QString& balance) {
    m_currentBalance = balance;
    recomputeBalances();
    if (!m_entries.isEmpty()) {
        emit dataChanged(index(0, BalanceColumn), index(rowCount() - 1, BalanceColumn));
    }
}

void LedgerModel::reset(const QList<LedgerEntry>& entries, const QString& nextCursor) {
    beginResetModel();
    m_entries.clear();
    QSet<QString> seen;
    for (const LedgerEntry& entry : entries) {
        if (!seen.contains(entry.entryId)) {
            seen.insert(entry.entryId);
            m_entries.append(entry);
        }
    }
    m_nextCursor = nextCursor;
    recomputeBalances();
    endResetModel();
}

void LedgerModel::append(const QList<LedgerEntry>& entries, const QString& nextCursor) {
    m_nextCursor = nextCursor;
    QSet<QString> seen;
    for (const LedgerEntry& entry : std::as_const(m_entries)) {
        seen.insert(entry.entryId);
    }
    QList<LedgerEntry> fresh;
    for (const LedgerEntry& entry : entries) {
        if (!seen.contains(entry.entryId)) {
            seen.insert(entry.entryId);
            fresh.append(entry);
        }
    }
    if (fresh.isEmpty()) {
        return;
    }
    // Older entries go below: the balances of the rows shown do not change.
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    m_entries.append(fresh);
    recomputeBalances();
    endInsertRows();
}

std::optional<LedgerEntry> LedgerModel::entryAt(int row) const {
    if (row < 0 || row >= m_entries.size()) {
        return std::nullopt;
    }
    return m_entries.at(row);
}

QString LedgerModel::balanceAfter(int row) const {
    if (row < 0 || row >= m_balances.size() || !m_balances.at(row)) {
        return {};
    }
    return moneyText(*m_balances.at(row));
}

QString LedgerModel::signedAmount(const LedgerEntry& entry) {
    return entry.isDebit() ? u'-' + entry.amount : entry.amount;
}

QByteArray LedgerModel::toCsv() const {
    QByteArray csv("entry_id,created_at,kind,amount,balance_after,order_id,refund_id\r\n");
    for (int row = 0; row < rowCount(); ++row) {
        const LedgerEntry& entry = m_entries.at(row);
        const QStringList fields{entry.entryId,     rfc3339Text(entry.createdAt),
                                 entry.kind,        signedAmount(entry),
                                 balanceAfter(row), entry.orderId,
                                 entry.refundId};
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (i > 0) {
                csv += ',';
            }
            csv += csvField(fields.at(i));
        }
        csv += "\r\n";
    }
    return csv;
}

void LedgerModel::recomputeBalances() {
    m_balances.clear();
    std::optional<qint64> balance = moneyMinor(m_currentBalance);
    for (const LedgerEntry& entry : std::as_const(m_entries)) {
        m_balances.append(balance);
        if (balance) {
            *balance -= signedMinor(entry);
        }
    }
}

}  // namespace shop::client
