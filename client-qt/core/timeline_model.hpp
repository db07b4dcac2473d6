#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

#include "core/api_types.hpp"

namespace shop::client {

/// The live timeline: status changes as they were pushed, newest first, at most `capacity`
/// entries (the oldest fall off).
class TimelineModel final : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column {
        TimeColumn,
        StatusColumn,
        AmountColumn,
        OrderColumn,
        AccountColumn,
        ReasonColumn,
        ColumnCount
    };
    enum Role {
        OrderIdRole = Qt::UserRole + 1,  ///< full order id (QString)
        StatusRole,                      ///< wire status (QString)
        VersionRole,                     ///< version (qint64)
    };

    explicit TimelineModel(int capacity = 500, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Adds a pushed change at the top, received at `receivedAt`.
    void add(const OrderEvent& event, const QDateTime& receivedAt);
    /// Empties the timeline.
    void clear();

  private:
    struct Entry {
        OrderEvent event;
        QDateTime receivedAt;
    };
    int m_capacity;
    QList<Entry> m_entries;
};

}  // namespace shop::client
