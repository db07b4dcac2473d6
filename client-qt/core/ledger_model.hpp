#pragma once

#include <QAbstractTableModel>
#include <QByteArray>
#include <QList>
#include <optional>

#include "core/api_types.hpp"

namespace shop::client {

/// An account's ledger, newest first, as GET /accounts/{id}/ledger pages it, with the balance
/// after each entry.
///
/// The running balance starts from the account's current balance (setCurrentBalance()) at the
/// newest entry and walks back: the balance after an entry is the balance after the next newer
/// one less that one's signed amount (credits add, a DEBIT subtracts). It is empty until a
/// current balance is known. Display text only.
class LedgerModel final : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column {
        CreatedColumn,
        KindColumn,
        AmountColumn,
        BalanceColumn,
        OrderColumn,
        RefundColumn,
        EntryIdColumn,
        ColumnCount
    };
    enum Role {
        EntryIdRole = Qt::UserRole + 1,  ///< the entry id (QString)
        KindRole,                        ///< OPENING, TOPUP, DEBIT or REFUND (QString)
        SignedAmountRole,                ///< the amount with its sign, money text (QString)
        BalanceAfterRole,                ///< the balance after the entry, money text (QString)
    };

    explicit LedgerModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The account's balance now (money text): the balance after the newest entry. Empty (or
    /// not money text) leaves the balance column empty.
    void setCurrentBalance(const QString& balance);
    QString currentBalance() const { return m_currentBalance; }

    /// Replaces every row with a first page; `nextCursor` is empty on the last page.
    void reset(const QList<LedgerEntry>& entries, const QString& nextCursor);
    /// Adds the next page (entries already shown are skipped).
    void append(const QList<LedgerEntry>& entries, const QString& nextCursor);
    bool hasMore() const { return !m_nextCursor.isEmpty(); }
    QString nextCursor() const { return m_nextCursor; }

    /// The entry in a row, std::nullopt when out of range.
    std::optional<LedgerEntry> entryAt(int row) const;
    /// The balance after the entry in `row` (money text), empty when unknown.
    QString balanceAfter(int row) const;
    /// The amount of an entry with its sign: "-30.50" for a DEBIT, "100.00" otherwise.
    static QString signedAmount(const LedgerEntry& entry);

    /// Every row as CSV (RFC 4180, CRLF line ends), with a header row:
    /// entry_id,created_at,kind,amount,balance_after,order_id,refund_id; times in RFC 3339 UTC,
    /// amounts as plain decimals with a sign ("-30.50" for a debit).
    QByteArray toCsv() const;

  private:
    void recomputeBalances();

    QList<LedgerEntry> m_entries;
    QList<std::optional<qint64>> m_balances;  ///< per row, the balance after it
    QString m_currentBalance;
    QString m_nextCursor;
};

}  // namespace shop::client
