#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <optional>

#include "core/api_types.hpp"

namespace shop::client {

/// The refunds of one order, oldest first, as GET /orders/{id}/refunds lists them, plus refunds
/// requested here (a refund already shown is replaced, never repeated). Display text only.
class RefundModel final : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column {
        CreatedColumn,
        AmountColumn,
        StatusColumn,
        ReasonColumn,
        RefundIdColumn,
        ColumnCount
    };
    enum Role {
        RefundIdRole = Qt::UserRole + 1,  ///< full refund id (QString)
        StatusRole,                       ///< PENDING or COMPLETED (QString)
    };

    explicit RefundModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces every row.
    void reset(const QList<Refund>& refunds);
    /// Adds a refund at the end, or replaces the row of the same refund.
    void upsert(const Refund& refund);

    /// The refund in a row, std::nullopt when out of range.
    std::optional<Refund> refundAt(int row) const;
    /// The sum of every refund shown, pending ones included, in minor units.
    qint64 requestedMinor() const;
    /// The sum of the completed refunds shown, in minor units.
    qint64 completedMinor() const;
    /// What of an order of `orderAmount` (money text) is still refundable: the amount less every
    /// refund shown, never below zero; empty when `orderAmount` is not money text.
    QString refundableOf(const QString& orderAmount) const;

  private:
    QList<Refund> m_refunds;
};

}  // namespace shop::client
