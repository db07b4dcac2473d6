#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <optional>

#include "core/api_types.hpp"

namespace shop::client {

/// Accounts with their balances, newest first as GET /accounts pages them (each further page
/// brings older accounts below), plus accounts created or changed here: a new one goes where its
/// creation time puts it (at the top when just made), and an upsert replaces a row only with a
/// newer `updated_at`. Display text for people (grouped money, local times); CopyRole and
/// SortRole (core/table_roles.hpp) give the plain values.
class AccountModel final : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column { UserIdColumn, BalanceColumn, CreatedColumn, UpdatedColumn, ColumnCount };
    enum Role {
        UserIdRole = Qt::UserRole + 1,  ///< full user id (QString)
        BalanceRole,                    ///< balance text, two decimals (QString)
    };

    explicit AccountModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces every row with a first page.
    void reset(const QList<Account>& accounts);
    /// Adds a further page; accounts already shown are updated instead of repeated.
    void append(const QList<Account>& accounts);
    /// Updates the account's row, or adds it by creation time (newest first) when it is not
    /// shown. Returns false when the row already holds the same or a later state.
    bool upsert(const Account& account);

    /// The row of an account, or -1.
    int rowOf(const QString& userId) const;
    /// The account in a row, std::nullopt when out of range.
    std::optional<Account> accountAt(int row) const;

  private:
    void insertSorted(const Account& account);

    QList<Account> m_accounts;
};

}  // namespace shop::client
