#include "core/order_history.hpp"

#include <algorithm>

namespace shop::client {

OrderHistory::OrderHistory(QObject* parent) : QObject(parent) {}

void OrderHistory::setLimits(int maxOrders, int maxVersions) {
    m_maxOrders = std::max(1, maxOrders);
    m_maxVersions = std::max(1, maxVersions);
    for (Known& known : m_orders) {
        while (known.versions.size() > m_maxVersions) {
            known.versions.removeFirst();
        }
    }
    trim();
}

OrderHistory::Known& OrderHistory::touch(const QString& orderId) {
    auto it = m_orders.find(orderId);
    if (it == m_orders.end()) {
        m_seen.enqueue(orderId);
        it = m_orders.insert(orderId, Known());
    }
    return *it;
}

void OrderHistory::trim() {
    while (m_orders.size() > m_maxOrders && !m_seen.isEmpty()) {
        m_orders.remove(m_seen.dequeue());
    }
}

bool OrderHistory::record(const OrderEvent& event, const QDateTime& receivedAt) {
    if (event.orderId.isEmpty()) {
        return false;
    }
    const auto held = m_orders.constFind(event.orderId);
    if (held != m_orders.constEnd() && !held->versions.isEmpty() &&
        event.version <= held->versions.last().event.version) {
        return false;
    }
    Known& known = touch(event.orderId);
    const OrderHistoryEntry entry{event, receivedAt};
    known.versions.append(entry);
    while (known.versions.size() > m_maxVersions) {
        known.versions.removeFirst();
    }
    trim();
    emit recorded(entry);
    return true;
}

QList<OrderHistoryEntry> OrderHistory::entries(const QString& orderId) const {
    const auto it = m_orders.constFind(orderId);
    return it == m_orders.constEnd() ? QList<OrderHistoryEntry>() : it->versions;
}

void OrderHistory::notePlaced(const QString& orderId, const QString& requestId) {
    if (orderId.isEmpty()) {
        return;
    }
    touch(orderId).placedRequestId = requestId;
    trim();
}

QString OrderHistory::placedRequestId(const QString& orderId) const {
    const auto it = m_orders.constFind(orderId);
    return it == m_orders.constEnd() ? QString() : it->placedRequestId;
}

void OrderHistory::clear() {
    m_orders.clear();
    m_seen.clear();
}

}  // namespace shop::client
