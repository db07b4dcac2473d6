#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "shop/events/events.hpp"
#include "ws/frames.hpp"

namespace shop::gateway {

/// What one WebSocket subscribed to.
struct Subscription {
    enum class Kind { Order, User, All };
    Kind kind = Kind::All;
    std::string id;  ///< the order id or user id (canonical UUID); empty for All
};

/// Where OrderStreams puts its messages: the WebSocket hub in the gateway, a recorder in tests.
class FrameSink {
  public:
    /// A message prepared once (e.g. encoded as a WebSocket frame) for all its recipients.
    using Message = std::shared_ptr<const std::string>;

    virtual ~FrameSink() = default;
    virtual Message prepare(std::string json) = 0;
    /// False when the connection is gone (or was just dropped as too slow).
    virtual bool send(std::uint64_t connection, const Message& message) = 0;
};

/// The gateway's subscriptions and the fan-out of order status events to them.
///
/// Each event goes only to the sockets subscribed to its order, its user, or to everything.
/// A subscriber is held from subscribe() (before its handshake completes) until start() or, for
/// a single order, sendSnapshot(); events arriving meanwhile are kept, so nothing that happens
/// after the client sees its handshake is missed. A single-order subscriber gets the order's
/// current state first and afterwards only newer versions, so reading the state after
/// subscribing repeats nothing either. Redelivered or late events (a version not newer than one
/// already seen for the order) are dropped for everyone. Thread-safe.
class OrderStreams final {
  public:
    using ConnectionId = std::uint64_t;

    /// `sink` must outlive this object. The latest version of up to `versionMemory` orders is
    /// remembered to drop repeats.
    explicit OrderStreams(FrameSink& sink, std::size_t versionMemory = 100000);

    /// Registers a held subscriber.
    void subscribe(ConnectionId id, Subscription subscription);
    /// Releases a held user or all-orders subscriber: sends what was held, then every event.
    /// Does nothing for unknown ids (the socket closed meanwhile).
    void start(ConnectionId id);
    /// Releases a held single-order subscriber: sends its current state, then the held events
    /// newer than it. Does nothing for unknown ids.
    void sendSnapshot(ConnectionId id, const StatusFrame& current);
    void unsubscribe(ConnectionId id);

    /// Fans the event out; returns how many sockets it was queued to.
    std::size_t publish(const events::OrderStatusChanged& event);

    std::size_t subscribers() const;
    /// Every subscriber's connection id (for closing them all).
    std::vector<ConnectionId> subscriberIds() const;
    /// Events dropped because their version was not newer than one already seen.
    std::uint64_t staleDropped() const noexcept { return m_staleDropped.load(); }

  private:
    struct Held {
        std::int64_t version;
        FrameSink::Message message;
    };
    struct Entry {
        Subscription subscription;
        bool held = true;
        std::int64_t lastVersion = 0;  // single-order subscribers only
        std::vector<Held> pending;     // events that came while held
    };

    bool isNewVersion(const std::string& orderId, std::int64_t version);
    void deliver(ConnectionId id, Entry& entry, std::int64_t version,
                 const FrameSink::Message& message, std::size_t& sent);
    void release(ConnectionId id, Entry& entry);
    std::unordered_set<ConnectionId>* indexFor(const Subscription& subscription, bool create);

    FrameSink& m_sink;
    const std::size_t m_versionMemory;
    mutable std::mutex m_mutex;
    std::unordered_map<ConnectionId, Entry> m_entries;
    std::unordered_map<std::string, std::unordered_set<ConnectionId>> m_byOrder;
    std::unordered_map<std::string, std::unordered_set<ConnectionId>> m_byUser;
    std::unordered_set<ConnectionId> m_all;
    std::unordered_map<std::string, std::int64_t> m_latest;
    std::deque<std::string> m_latestOrder;  // insertion order, for eviction
    std::atomic<std::uint64_t> m_staleDropped{0};
};

}  // namespace shop::gateway
