#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <optional>

#include "core/api_types.hpp"

namespace shop::client {

/// Orders newest first, as GET /orders lists them, kept current by live pushes.
///
/// Rows change in place: an order that is already shown is only ever replaced by a newer
/// `version` of itself (an older or equal version, from a late push or a slow page, is ignored),
/// so a row never goes back from FINISHED to NEW. Display text only: colours are the view's job.
class OrderModel final : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column {
        StatusColumn,
        AmountColumn,
        DescriptionColumn,
        ReasonColumn,
        AccountColumn,
        CreatedColumn,
        UpdatedColumn,
        OrderIdColumn,
        ColumnCount
    };
    enum Role {
        OrderIdRole = Qt::UserRole + 1,  ///< full order id (QString)
        UserIdRole,                      ///< full user id (QString)
        StatusRole,                      ///< wire status: NEW, FINISHED, CANCELLED (QString)
        VersionRole,                     ///< version (qint64)
    };
    /// What applyEvent() did with a pushed frame.
    enum class EventOutcome { Updated, Stale, Unknown };

    explicit OrderModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces every row (a new query's first page).
    void reset(const QList<Order>& orders);
    /// Adds a further page; orders already shown are merged by version instead.
    void append(const QList<Order>& orders);
    /// Inserts the order by creation time (newest first) or updates its row when newer.
    /// Returns false when a row with the same or a newer version is already there.
    bool upsert(const Order& order);
    /// Applies a pushed status change to the order's row when the frame's version is newer.
    EventOutcome applyEvent(const OrderEvent& event);
    /// Removes the order's row (e.g. when a push moved it out of a status filter); false if absent.
    bool remove(const QString& orderId);

    /// The row of an order, or -1.
    int rowOf(const QString& orderId) const;
    /// The order in a row, std::nullopt when out of range.
    std::optional<Order> orderAt(int row) const;

    /// Rows at most kept when pushes and new orders insert rows: beyond it the oldest are
    /// dropped. Pages the operator asks for (append) are always shown in full.
    static constexpr int kMaxRows = 5000;

  private:
    void insertSorted(const Order& order);
    void replaceRow(int row, const Order& order);

    QList<Order> m_orders;
};

/// People's words for a failure reason ("Insufficient funds"); empty for none.
QString describeFailureReason(const QString& reason);

}  // namespace shop::client
