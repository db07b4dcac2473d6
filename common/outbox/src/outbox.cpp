#include "shop/outbox/outbox.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "shop/outbox/doorbell.hpp"

namespace shop::outbox {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// At most this many published rows a writer deletes in its statement.
constexpr std::size_t kDeleteAtMost = 500;

/// How a writer tells a relay of its rows.
class Signal final {
  public:
    explicit Signal(const pg::Connection& connection) : m_connection(connection) {}
    /// Gives the published rows taken to delete back to the relay, unless kept().
    ~Signal() {
        if (handOff && !m_kept) {
            try {
                givePublishedBack(m_connection, handOff->toDelete);
            } catch (...) {
                // Not given back: claimed again after their grace, published twice.
            }
        }
    }
    Signal(const Signal&) = delete;
    Signal& operator=(const Signal&) = delete;

    /// The statement that deleted the rows taken committed.
    void kept() noexcept { m_kept = true; }

    /// Set when a relay of this process serves the database: the rows are handed to it.
    std::optional<HandOffTerms> handOff;
    /// Else whether a NOTIFY goes with the commit.
    bool notify = false;

  private:
    const pg::Connection& m_connection;
    bool m_kept = false;
};

/// A NOTIFY is due at most once per kNotifyEvery per database and process: it makes PostgreSQL
/// hold a database-wide lock from the notifying commit until that commit is durable, so a NOTIFY
/// in every transaction serialises all the commits (one WAL flush each, no group commit). Rows
/// written in between are found by the relay's hot polling (RelayOptions::hotWindow), which the
/// signals keep alive while there is traffic.
///
/// A writer whose statement goes with the COMMIT (`commit`) also deletes rows the relay
/// published: it knows at once whether they are gone, and gives them back if they are not.
void signalFor(pg::Transaction& tx, bool commit, Signal& signal) {
    signal.handOff = handOffTerms(tx.connection(), commit ? kDeleteAtMost : 0);
    if (signal.handOff) {
        return;
    }
    static std::mutex mutex;
    static std::unordered_map<std::string, SteadyClock::time_point> last;
    std::string database = databaseKey(tx.connection());
    const auto now = SteadyClock::now();
    std::lock_guard lock(mutex);
    auto [it, fresh] = last.try_emplace(std::move(database), now);
    if (fresh || now - it->second >= kNotifyEvery) {
        it->second = now;
        signal.notify = true;
    }
}

/// The INSERT of one outbox row whose six values are the parameters after the first `offset`;
/// for a row to hand over, with next_attempt_at the grace (milliseconds, the seventh) ahead.
/// (A statement that hands over also has deletePublishedCte() of the eighth and ninth.)
std::string insertOneSql(std::size_t offset, bool handed) {
    const auto param = [offset](std::size_t i) { return "$" + std::to_string(offset + i); };
    std::string sql =
        "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload, request_id";
    sql += handed ? ", next_attempt_at) VALUES (" : ") VALUES (";
    sql += param(1) + ", " + param(2) + ", " + param(3) + ", " + param(4) + ", " + param(5) +
           ", NULLIF(" + param(6) + ", '')";
    if (handed) {
        sql += ", clock_timestamp() + " + param(7) + "::bigint * interval '1 millisecond'";
    }
    return sql + ")";
}

/// The published rows a writer deletes, as a common table expression of a statement that hands
/// over: their seqs are parameter `n`, their ids parameter `n + 1` (see PublishedRows).
/// A row a claim holds locked is skipped (the claimer deletes it once confirmed): the writer's
/// commit never waits for a relay's publish.
///
/// Both scans are lookups of the listed seqs in the primary key, and nothing joins them: the
/// rows locked become an array. (As `seq IN (subquery)` with a pair test, the generic plan made
/// after a vacuum had left the outbox empty walked the whole index and ran the locking
/// subquery once per outbox row, in every order's statement, until the next vacuum: issue 14's
/// 25-second stalls.)
std::string deletePublishedCte(std::size_t n) {
    const std::string seqs = "$" + std::to_string(n) + "::bigint[]";
    const std::string ids = "$" + std::to_string(n + 1) + "::uuid[]";
    const std::string locked = "SELECT seq FROM outbox WHERE seq = ANY(" + seqs +
                               ") AND id = ANY(" + ids + ") FOR UPDATE SKIP LOCKED";
    return "gone AS (DELETE FROM outbox WHERE seq = ANY(ARRAY(" + locked + ")))";
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

/// The rows to hand over: `messages` with the seq the server gave each (`result`: seq, id). A
/// message whose id the call holds twice is not handed over (which seq is whose is unknown): its
/// rows are claimed after the grace.
std::vector<HandedRow> handedRows(std::span<const OutboxMessage> messages, const pg::Result& result,
                                  SteadyClock::time_point claimableAt) {
    std::vector<HandedRow> rows;
    rows.reserve(messages.size());
    if (messages.size() == 1 && result.rows() == 1) {
        rows.push_back(HandedRow{result.int64(0, 0), messages.front(), claimableAt});
        return rows;
    }
    std::unordered_map<std::string, const OutboxMessage*> byId;
    for (const auto& message : messages) {
        const auto [it, fresh] = byId.emplace(lowercase(message.id), &message);
        if (!fresh) {
            it->second = nullptr;
        }
    }
    for (int row = 0; row < result.rows(); ++row) {
        if (const auto it = byId.find(result.str(row, 1)); it != byId.end() && it->second) {
            rows.push_back(HandedRow{result.int64(row, 0), *it->second, claimableAt});
        }
    }
    return rows;
}

/// Hands the rows of `result` (claimable at `claimableAt`) to the relay once `tx` committed: now
/// when `committed`, else after the commit. Never throws: the transaction is committed (or will
/// be) whatever happens here, and a row not handed over is claimed after the grace.
void handOver(pg::Transaction& tx, std::span<const OutboxMessage> messages,
              const pg::Result& result, bool committed,
              SteadyClock::time_point claimableAt) noexcept {
    try {
        auto rows = handedRows(messages, result, claimableAt);
        if (committed) {
            handOff(tx.connection(), std::move(rows));
            return;
        }
        tx.afterCommit([&connection = tx.connection(), rows = std::move(rows)]() mutable {
            handOff(connection, std::move(rows));
        });
    } catch (const std::exception&) {
    }
}

/// Inserts `messages` (at least one) with the signal signalFor() asks for, in one statement;
/// with the transaction's COMMIT in the same round trip when `commit`.
void insert(pg::Transaction& tx, std::span<const OutboxMessage> messages, bool commit) {
    const auto run = [&tx, commit](const std::string& sql, const auto&... args) {
        return commit ? tx.commitWith(sql, args...) : tx.exec(sql, args...);
    };
    // The notification reaches listeners only when (and if) the transaction commits.
    Signal signal(tx.connection());
    signalFor(tx, commit, signal);
    if (messages.size() == 1) {
        static const std::string kInsertOne = insertOneSql(0, false);
        static const std::string kInsertOneAndNotify =
            "WITH queued AS (" + kInsertOne + " RETURNING 1) SELECT pg_notify($7, '') FROM queued";
        static const std::string kInsertOneToHand =
            "WITH " + deletePublishedCte(8) + " " + insertOneSql(0, true) + " RETURNING seq";
        const OutboxMessage& m = messages.front();
        if (signal.handOff) {
            const auto& terms = *signal.handOff;
            const auto result =
                run(kInsertOneToHand, m.id, m.eventType, m.routingKey, m.correlationId, m.payload,
                    m.requestId, static_cast<std::int64_t>(terms.grace.count()),
                    terms.toDelete.seqs, terms.toDelete.ids);
            signal.kept();
            handOver(tx, messages, result, commit, terms.claimableAt);
        } else if (signal.notify) {
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
    static const std::string kColumns =
        "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload, request_id";
    static const std::string kFrom =
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) "
        "AS m (id, t, k, c, p, r)";
    static const std::string kInsert = kColumns + ") SELECT id, t, k, c, p, NULLIF(r, '')" + kFrom;
    static const std::string kInsertAndNotify =
        "WITH queued AS (" + kInsert + " RETURNING 1) SELECT pg_notify($7, '') LIMIT 1";
    static const std::string kInsertToHand =
        "WITH " + deletePublishedCte(8) + " " + kColumns +
        ", next_attempt_at) SELECT id, t, k, c, p, NULLIF(r, ''), "
        "clock_timestamp() + $7::bigint * interval '1 millisecond'" +
        kFrom + " RETURNING seq, id";
    if (signal.handOff) {
        const auto& terms = *signal.handOff;
        const auto result = run(kInsertToHand, ids, types, keys, correlations, payloads, requestIds,
                                static_cast<std::int64_t>(terms.grace.count()), terms.toDelete.seqs,
                                terms.toDelete.ids);
        signal.kept();
        handOver(tx, messages, result, commit, terms.claimableAt);
    } else if (signal.notify) {
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
    Signal signal(tx.connection());
    signalFor(tx, true, signal);
    const bool handed = signal.handOff.has_value();
    const std::size_t offset = params.size();
    // A data-modifying WITH runs though nothing reads it, in the same statement as the outbox
    // row: both are written or neither.
    std::string sql = "WITH written AS (";
    sql.append(write);
    sql += "), ";
    if (handed) {
        sql += deletePublishedCte(offset + 8) + ", ";
    }
    sql += "queued AS (" + insertOneSql(offset, handed) + " RETURNING seq) ";
    if (handed) {
        sql += "SELECT seq FROM queued";
    } else if (signal.notify) {
        sql += "SELECT pg_notify($" + std::to_string(offset + 7) + ", '') FROM queued";
    } else {
        sql += "SELECT 1 FROM queued";
    }
    params.insert(params.end(), {message.id, message.eventType, message.routingKey,
                                 message.correlationId, message.payload, message.requestId});
    if (handed) {
        params.push_back(pg::toParam(static_cast<std::int64_t>(signal.handOff->grace.count())));
        params.push_back(pg::toParam(signal.handOff->toDelete.seqs));
        params.push_back(pg::toParam(signal.handOff->toDelete.ids));
    } else if (signal.notify) {
        params.emplace_back(std::string(kNotifyChannel));
    }
    const auto result = tx.commitWithParams(sql, params);
    signal.kept();
    if (handed) {
        handOver(tx, std::span(&message, 1), result, true, signal.handOff->claimableAt);
    }
}

bool claimInbox(pg::Transaction& tx, std::string_view consumer, std::string_view messageId) {
    auto result =
        tx.exec("INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                consumer, messageId);
    return result.affected() == 1;
}

}  // namespace shop::outbox
