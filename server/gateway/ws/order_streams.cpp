#include "ws/order_streams.hpp"

#include <algorithm>

namespace shop::gateway {
namespace {

// A subscriber is held for its handshake (and, for one order, one upstream round trip): a few
// milliseconds. The bound only guards memory if that ever takes long under a flood of events.
constexpr std::size_t kMaxHeld = 256;

}  // namespace

OrderStreams::OrderStreams(FrameSink& sink, std::size_t versionMemory)
    : m_sink(sink), m_versionMemory(std::max<std::size_t>(versionMemory, 1)) {}

std::unordered_set<OrderStreams::ConnectionId>* OrderStreams::indexFor(
    const Subscription& subscription, bool create) {
    auto lookup = [&](auto& map) -> std::unordered_set<ConnectionId>* {
        if (create) {
            return &map[subscription.id];
        }
        auto it = map.find(subscription.id);
        return it == map.end() ? nullptr : &it->second;
    };
    switch (subscription.kind) {
        case Subscription::Kind::Order:
            return lookup(m_byOrder);
        case Subscription::Kind::User:
            return lookup(m_byUser);
        case Subscription::Kind::All:
            return &m_all;
    }
    return nullptr;
}

void OrderStreams::subscribe(ConnectionId id, Subscription subscription) {
    std::lock_guard lock(m_mutex);
    Entry entry;
    entry.subscription = std::move(subscription);
    indexFor(entry.subscription, true)->insert(id);
    m_entries[id] = std::move(entry);
}

void OrderStreams::unsubscribe(ConnectionId id) {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end()) {
        return;
    }
    const Subscription& subscription = it->second.subscription;
    if (auto* index = indexFor(subscription, false)) {
        index->erase(id);
        if (index->empty() && subscription.kind == Subscription::Kind::Order) {
            m_byOrder.erase(subscription.id);
        } else if (index->empty() && subscription.kind == Subscription::Kind::User) {
            m_byUser.erase(subscription.id);
        }
    }
    m_entries.erase(it);
}

void OrderStreams::start(ConnectionId id) {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(id);
    if (it != m_entries.end()) {
        release(id, it->second);
    }
}

void OrderStreams::sendSnapshot(ConnectionId id, const StatusFrame& current) {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end()) {
        return;
    }
    Entry& entry = it->second;
    entry.held = false;
    std::size_t sent = 0;
    deliver(id, entry, current.version, m_sink.prepare(toJson(current)), sent);
    // Only versions newer than the snapshot go out, in order.
    std::sort(entry.pending.begin(), entry.pending.end(),
              [](const Held& a, const Held& b) { return a.version < b.version; });
    release(id, entry);
}

void OrderStreams::release(ConnectionId id, Entry& entry) {
    entry.held = false;
    std::vector<Held> pending;
    pending.swap(entry.pending);
    std::size_t sent = 0;
    for (const Held& event : pending) {
        deliver(id, entry, event.version, event.message, sent);
    }
}

void OrderStreams::deliver(ConnectionId id, Entry& entry, std::int64_t version,
                           const FrameSink::Message& message, std::size_t& sent) {
    if (entry.held) {
        if (entry.pending.size() >= kMaxHeld) {
            entry.pending.erase(entry.pending.begin());
        }
        entry.pending.push_back(Held{version, message});
        return;
    }
    if (entry.subscription.kind == Subscription::Kind::Order) {
        if (version <= entry.lastVersion) {
            return;
        }
        entry.lastVersion = version;
    }
    if (m_sink.send(id, message)) {
        ++sent;
    }
}

bool OrderStreams::isNewVersion(const std::string& orderId, std::int64_t version) {
    auto [it, inserted] = m_latest.try_emplace(orderId, version);
    if (!inserted) {
        if (version <= it->second) {
            return false;
        }
        it->second = version;
        return true;
    }
    m_latestOrder.push_back(orderId);
    while (m_latestOrder.size() > m_versionMemory) {
        m_latest.erase(m_latestOrder.front());
        m_latestOrder.pop_front();
    }
    return true;
}

std::size_t OrderStreams::publish(const events::OrderStatusChanged& event) {
    std::lock_guard lock(m_mutex);
    if (!isNewVersion(event.orderId, event.version)) {
        ++m_staleDropped;
        return 0;
    }
    const auto byOrder = m_byOrder.find(event.orderId);
    const auto byUser = m_byUser.find(event.userId);
    const bool anyone = !m_all.empty() || byOrder != m_byOrder.end() || byUser != m_byUser.end();
    if (!anyone) {
        return 0;
    }
    const FrameSink::Message message = m_sink.prepare(toJson(frameFromEvent(event)));
    std::size_t sent = 0;
    auto fanOut = [&](const std::unordered_set<ConnectionId>& ids) {
        for (ConnectionId id : ids) {
            auto entry = m_entries.find(id);
            if (entry != m_entries.end()) {
                deliver(id, entry->second, event.version, message, sent);
            }
        }
    };
    if (byOrder != m_byOrder.end()) {
        fanOut(byOrder->second);
    }
    if (byUser != m_byUser.end()) {
        fanOut(byUser->second);
    }
    fanOut(m_all);
    return sent;
}

std::size_t OrderStreams::subscribers() const {
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

std::vector<OrderStreams::ConnectionId> OrderStreams::subscriberIds() const {
    std::lock_guard lock(m_mutex);
    std::vector<ConnectionId> ids;
    ids.reserve(m_entries.size());
    for (const auto& entry : m_entries) {
        ids.push_back(entry.first);
    }
    return ids;
}

}  // namespace shop::gateway
