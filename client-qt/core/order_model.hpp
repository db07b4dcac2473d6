#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QStringList>
#include <optional>

#include "core/api_types.hpp"

namespace shop::client {

/// Orders newest first, as GET /orders lists them, kept current by live pushes.
///
/// Rows change in place: an order that is already shown is only ever replaced by a newer
/// `version` of itself (an older or equal version, from a late push or a slow page, is ignored),
/// so a row never goes back from FINISHED to NEW. Display text only (grouped money, full ids,
/// local times; CopyRole and SortRole of core/table_roles.hpp give the plain values): colours
/// are the view's job.
///
/// The model also knows where paging continues. It keeps at most maxRows() rows, whether they
/// come from pages or pushes: beyond it the oldest go, and when rows a page brought go,
/// moreCursor() moves back to where that page began, so "Load more" leaves no gap.
class OrderModel final : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column {
        StatusColumn,
        AmountColumn,
        RefundedColumn,
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
        StatusRole,          ///< wire status: NEW, FINISHED, CANCELLED, REFUNDED (QString)
        VersionRole,         ///< version (qint64)
        RefundedAmountRole,  ///< completed refunds, money text, "0.00" when none (QString)
    };
    /// What applyEvent() did with a pushed frame.
    enum class EventOutcome { Updated, Stale, Unknown };

    explicit OrderModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces every row with a query's first page; `nextCursor` is the page's `next_cursor`
    /// (empty on the last page).
    void reset(const QList<Order>& orders, const QString& nextCursor = {});
    /// Adds the page GET /orders answered for `cursor`, whose `next_cursor` is `nextCursor`;
    /// orders already shown are merged by version instead. A page that does not continue the
    /// rows held (`cursor` is not moreCursor(), e.g. rows were dropped since it was asked for)
    /// changes nothing and returns false.
    bool append(const QString& cursor, const QList<Order>& orders, const QString& nextCursor);
    /// Inserts the order by creation time (newest first) or updates its row when newer.
    /// Returns false when a row with the same or a newer version is already there.
    bool upsert(const Order& order);
    /// Applies a pushed status change to the order's row when the frame's version is newer
    /// (its refunded amount too: from the frame, or the whole amount for REFUNDED when the frame
    /// has none).
    EventOutcome applyEvent(const OrderEvent& event);
    /// Removes the order's row (e.g. when a push moved it out of a status filter); false if absent.
    bool remove(const QString& orderId);

    /// The row of an order, or -1.
    int rowOf(const QString& orderId) const;
    /// The order in a row, std::nullopt when out of range.
    std::optional<Order> orderAt(int row) const;

    /// Whether the server has orders older than the rows paged in so far.
    bool hasMore() const { return m_hasMore; }
    /// The cursor to ask GET /orders with for the next page (empty: the first page again,
    /// when pushes pushed every paged row out); meaningful while hasMore().
    QString moreCursor() const { return m_moreCursor; }
    /// Whether the model holds maxRows() rows: a further page would only push rows out.
    bool isFull() const { return m_orders.size() >= m_maxRows; }

    /// Rows kept by default.
    static constexpr int kMaxRows = 5000;
    int maxRows() const { return m_maxRows; }
    /// Changes the cap (at least 1), dropping the oldest rows beyond it at once.
    void setMaxRows(int rows);

  private:
    void insertSorted(const Order& order);
    void replaceRow(int row, const Order& order);
    /// Drops the rows beyond maxRows() (the oldest) and moves moreCursor() back to the start of
    /// the first page that lost rows. Every way in calls it.
    void trim();

    QList<Order> m_orders;
    int m_maxRows = kMaxRows;
    /// The cursor each page held was asked for with ("" for the first), in paging order.
    QStringList m_pageCursors;
    /// Order id -> index in m_pageCursors of the page that brought the row; rows from pushes
    /// and from pages no longer held in full are not here.
    QHash<QString, int> m_pageOf;
    QString m_moreCursor;
    bool m_hasMore = false;
};

/// Where a wire status sorts: NEW, FINISHED, REFUNDED, CANCELLED, then anything else.
int orderStatusRank(const QString& status);

/// People's words for a failure reason ("Insufficient funds"); empty for none.
QString describeFailureReason(const QString& reason);

}  // namespace shop::client
