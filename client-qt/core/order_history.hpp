#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QString>

#include "core/api_types.hpp"

namespace shop::client {

/// One pushed version of an order and when this client received it.
struct OrderHistoryEntry {
    OrderEvent event;
    QDateTime receivedAt;
};

/// What this session learnt of each order beyond its current state: every status push received
/// for it (version by version) and, for an order placed from this client, the X-Request-Id of
/// the answer that created it.
///
/// Bounded: it holds at most maxOrders() orders (beyond that, the one first seen longest ago is
/// forgotten) and the newest maxVersions() pushes of each. A push whose version is
/// not newer than the newest one held for its order is not recorded.
class OrderHistory final : public QObject {
    Q_OBJECT

  public:
    static constexpr int kMaxOrders = 2000;
    static constexpr int kMaxVersions = 32;

    explicit OrderHistory(QObject* parent = nullptr);

    /// Changes the bounds (each at least 1); what is beyond them goes at once.
    void setLimits(int maxOrders, int maxVersions);
    int maxOrders() const { return m_maxOrders; }
    int maxVersions() const { return m_maxVersions; }

    /// Records a push received at `receivedAt`; false when its version is not newer than the
    /// newest held for its order (then nothing changes and recorded() is not emitted).
    bool record(const OrderEvent& event,
                const QDateTime& receivedAt = QDateTime::currentDateTimeUtc());
    /// The pushes held for an order, oldest version first; empty when none.
    QList<OrderHistoryEntry> entries(const QString& orderId) const;

    /// Remembers that this client placed the order, answered with `requestId`.
    void notePlaced(const QString& orderId, const QString& requestId);
    /// The X-Request-Id of the answer to the POST /orders that placed the order from this
    /// client; empty when it was not placed here (or was forgotten).
    QString placedRequestId(const QString& orderId) const;

    /// Forgets everything (the session that received it ended).
    void clear();

    /// How many orders are held.
    int orderCount() const { return static_cast<int>(m_orders.size()); }

  signals:
    /// A push was recorded for its order.
    void recorded(const shop::client::OrderHistoryEntry& entry);

  private:
    struct Known {
        QList<OrderHistoryEntry> versions;
        QString placedRequestId;
    };
    Known& touch(const QString& orderId);
    void trim();

    QHash<QString, Known> m_orders;
    QQueue<QString> m_seen;  ///< order ids, the one first seen longest ago first
    int m_maxOrders = kMaxOrders;
    int m_maxVersions = kMaxVersions;
};

}  // namespace shop::client
