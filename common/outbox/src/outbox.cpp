#include "shop/outbox/outbox.hpp"

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "shop/outbox/doorbell.hpp"

namespace shop::outbox {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// Whether this transaction should signal relays with NOTIFY. Not when a relay of this process
/// serves the database: its doorbell rings on commit instead, at no cost to the server. Else at
/// most once per kNotifyEvery per database and process: a NOTIFY makes PostgreSQL hold a
/// database-wide lock from the notifying commit until that commit is durable, so a NOTIFY in
/// every transaction serialises all the commits (one WAL flush each, no group commit). Rows
/// written in between are found by the relay's hot polling (RelayOptions::hotWindow), which the
/// signals keep alive while there is traffic.
bool notifyDue(pg::Transaction& tx) {
    if (ringAfterCommit(tx)) {
        return false;
    }
    static std::mutex mutex;
    static std::unordered_map<std::string, SteadyClock::time_point> last;
    std::string database = databaseKey(tx.connection());
    const auto now = SteadyClock::now();
    std::lock_guard lock(mutex);
    auto [it, fresh] = last.try_emplace(std::move(database), now);
    if (!fresh && now - it->second < kNotifyEvery) {
        return false;
    }
    it->second = now;
    return true;
}

/// The INSERT of one outbox row whose six values are the parameters after the first `offset`.
std::string insertOneSql(std::size_t offset) {
    const auto param = [offset](std::size_t i) { return "$" + std::to_string(offset + i); };
    return "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload, request_id) "
           "VALUES (" +
           param(1) + ", " + param(2) + ", " + param(3) + ", " + param(4) + ", " + param(5) +
           ", NULLIF(" + param(6) + ", ''))";
}

/// Inserts `messages` (at least one) with the signal notifyDue() asks for, in one statement;
/// with the transaction's COMMIT in the same round trip when `commit`.
void insert(pg::Transaction& tx, std::span<const OutboxMessage> messages, bool commit) {
    const auto run = [&tx, commit](const std::string& sql, const auto&... args) {
        if (commit) {
            tx.commitWith(sql, args...);
        } else {
            tx.exec(sql, args...);
        }
    };
    // The notification reaches listeners only when (and if) the transaction commits.
    const bool notify = notifyDue(tx);
    if (messages.size() == 1) {
        static const std::string kInsertOne = insertOneSql(0);
        static const std::string kInsertOneAndNotify =
            "WITH queued AS (" + kInsertOne + " RETURNING 1) SELECT pg_notify($7, '') FROM queued";
        const OutboxMessage& m = messages.front();
        if (notify) {
            run(kInsertOneAndNotify, m.id, m.eventType, m.routingKey, m.correlationId, m.payload,
                m.requestId, kNotifyChannel);
        } else {
            run(kInsertOne, m.id, m.eventType, m.routingKey, m.correlationId, m.payload,
                m.requestId);
        }
        return;
    }
    std::vector<std::string> ids, types, keys, correlations, payloads, requestIds;
    for (auto* column : {&ids, &types, &keys, &correlations, &payloads, &requestIds}) {
        column->reserve(messages.size());
    }
    for (const auto& message : messages) {
        ids.push_back(message.id);
        types.push_back(message.eventType);
        keys.push_back(message.routingKey);
        correlations.push_back(message.correlationId);
        payloads.push_back(message.payload);
        requestIds.push_back(message.requestId);
    }
    static const std::string kInsert =
        "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload, request_id) "
        "SELECT id, t, k, c, p, NULLIF(r, '') FROM unnest($1::uuid[], $2::text[], $3::text[], "
        "$4::text[], $5::text[], $6::text[]) AS m (id, t, k, c, p, r)";
    static const std::string kInsertAndNotify =
        "WITH queued AS (" + kInsert + " RETURNING 1) SELECT pg_notify($7, '') LIMIT 1";
    if (notify) {
        run(kInsertAndNotify, ids, types, keys, correlations, payloads, requestIds, kNotifyChannel);
    } else {
        run(kInsert, ids, types, keys, correlations, payloads, requestIds);
    }
}

}  // namespace

void enqueue(pg::Transaction& tx, const OutboxMessage& message) {
    insert(tx, std::span(&message, 1), false);
}

void enqueueAll(pg::Transaction& tx, std::span<const OutboxMessage> messages) {
    if (!messages.empty()) {
        insert(tx, messages, false);
    }
}

void enqueueAllAndCommit(pg::Transaction& tx, std::span<const OutboxMessage> messages) {
    if (messages.empty()) {
        tx.commit();
        return;
    }
    insert(tx, messages, true);
}

void enqueueWithAndCommit(pg::Transaction& tx, std::string_view write,
                          std::vector<pg::Param> params, const OutboxMessage& message) {
    const bool notify = notifyDue(tx);
    const std::size_t offset = params.size();
    // A data-modifying WITH runs though nothing reads it, in the same statement as the outbox
    // row: both are written or neither.
    std::string sql = "WITH written AS (";
    sql.append(write);
    sql += "), queued AS (" + insertOneSql(offset) + " RETURNING 1) ";
    sql += notify ? "SELECT pg_notify($" + std::to_string(offset + 7) + ", '') FROM queued"
                  : "SELECT 1 FROM queued";
    params.insert(params.end(), {message.id, message.eventType, message.routingKey,
                                 message.correlationId, message.payload, message.requestId});
    if (notify) {
        params.emplace_back(std::string(kNotifyChannel));
    }
    tx.commitWithParams(sql, params);
}

bool claimInbox(pg::Transaction& tx, std::string_view consumer, std::string_view messageId) {
    auto result =
        tx.exec("INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                consumer, messageId);
    return result.affected() == 1;
}

}  // namespace shop::outbox
