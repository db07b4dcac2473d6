#include "core/account_model.hpp"

#include <algorithm>

#include "core/money_text.hpp"
#include "core/table_roles.hpp"
#include "core/time_text.hpp"

namespace shop::client {
AccountModel::AccountModel(QObject* parent) : QAbstractTableModel(parent) {}

int AccountModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_accounts.size());
}

int AccountModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AccountModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Account& account = m_accounts.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case UserIdColumn:
                    return account.userId;
                case BalanceColumn:
                    return moneyDisplayText(account.balance);
                case CreatedColumn:
                    return longTimeText(account.createdAt);
                case UpdatedColumn:
                    return longTimeText(account.updatedAt);
                default:
                    return {};
            }
        case CompactTextRole:
            switch (index.column()) {
                case UserIdColumn:
                    return QString(account.userId.left(8) + u'\u2026');
                case CreatedColumn:
                    return shortTimeText(account.createdAt);
                case UpdatedColumn:
                    return shortTimeText(account.updatedAt);
                default:
                    return {};
            }
        case CopyRole:
            switch (index.column()) {
                case UserIdColumn:
                    return account.userId;
                case BalanceColumn:
                    return account.balance;
                case CreatedColumn:
                    return rfc3339Text(account.createdAt);
                case UpdatedColumn:
                    return rfc3339Text(account.updatedAt);
                default:
                    return {};
            }
        case SortRole:
            switch (index.column()) {
                case UserIdColumn:
                    return account.userId;
                case BalanceColumn:
                    return parseMoneyText(account.balance).value_or(0);
                case CreatedColumn:
                    return account.createdAt;
                case UpdatedColumn:
                    return account.updatedAt;
                default:
                    return {};
            }
        case Qt::ToolTipRole:
            switch (index.column()) {
                case UserIdColumn:
                    return account.userId;
                case CreatedColumn:
                    return fullTimeText(account.createdAt);
                case UpdatedColumn:
                    return fullTimeText(account.updatedAt);
                default:
                    return {};
            }
        case Qt::TextAlignmentRole:
            if (index.column() == BalanceColumn) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            return {};
        case UserIdRole:
            return account.userId;
        case BalanceRole:
            return account.balance;
        default:
            return {};
    }
}

QVariant AccountModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case UserIdColumn:
            return tr("Account (user id)");
        case BalanceColumn:
            return tr("Balance");
        case CreatedColumn:
            return tr("Created");
        case UpdatedColumn:
            return tr("Updated");
        default:
            return {};
    }
}

void AccountModel::reset(const QList<Account>& accounts) {
    beginResetModel();
    m_accounts.clear();
    endResetModel();
    append(accounts);
}

void AccountModel::append(const QList<Account>& accounts) {
    QList<Account> fresh;
    for (const Account& account : accounts) {
        if (rowOf(account.userId) >= 0) {
            upsert(account);
            continue;
        }
        const bool repeated = std::any_of(fresh.begin(), fresh.end(), [&](const Account& a) {
            return a.userId == account.userId;
        });
        if (!repeated) {
            fresh.append(account);
        }
    }
    if (fresh.isEmpty()) {
        return;
    }
    const int first = static_cast<int>(m_accounts.size());
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    m_accounts.append(fresh);
    endInsertRows();
}

bool AccountModel::upsert(const Account& account) {
    const int row = rowOf(account.userId);
    if (row < 0) {
        insertSorted(account);
        return true;
    }
    const Account& current = m_accounts.at(row);
    if (current.updatedAt.isValid() && account.updatedAt.isValid() &&
        account.updatedAt < current.updatedAt) {
        return false;
    }
    if (current.balance == account.balance && current.updatedAt == account.updatedAt) {
        return false;
    }
    m_accounts[row] = account;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return true;
}

int AccountModel::rowOf(const QString& userId) const {
    for (qsizetype i = 0; i < m_accounts.size(); ++i) {
        if (m_accounts.at(i).userId == userId) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

void AccountModel::insertSorted(const Account& account) {
    // Newest first, as GET /accounts lists them; among equal times (or none) the newcomer goes
    // first, so an account just made is at the top.
    const auto it = std::find_if(m_accounts.begin(), m_accounts.end(), [&](const Account& a) {
        return !account.createdAt.isValid() || !a.createdAt.isValid() ||
               a.createdAt <= account.createdAt;
    });
    const int row = static_cast<int>(it - m_accounts.begin());
    beginInsertRows({}, row, row);
    m_accounts.insert(row, account);
    endInsertRows();
}

std::optional<Account> AccountModel::accountAt(int row) const {
    if (row < 0 || row >= m_accounts.size()) {
        return std::nullopt;
    }
    return m_accounts.at(row);
}

}  // namespace shop::client
