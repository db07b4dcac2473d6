#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shop/pg/transaction.hpp"

namespace shop::outbox {

/// The NOTIFY channel the writer signals and the relay listens on.
inline constexpr std::string_view kNotifyChannel = "outbox";

/// A process signals the relay of a database at most this often (see enqueue()); a relay keeps
/// polling for RelayOptions::hotWindow, which must be well above this, after every sign of work.
inline constexpr std::chrono::milliseconds kNotifyEvery{100};

/// One event to publish. `id` becomes the AMQP message_id, so a republished row is recognisable
/// as the same message by every inbox downstream.
struct OutboxMessage {
    std::string id;
    std::string eventType;
    std::string routingKey;
    std::string correlationId;
    std::string payload;
    std::string requestId;
};

/// Inserts the message in the caller's transaction, in one round trip. The row (and so the
/// publish) exists exactly when that transaction commits. It also tells a relay: when one runs
/// in this process for this database, the row is handed to it after the commit and kept from
/// claims for the relay's grace, counted from the INSERT (doorbell.hpp; a transaction that stays
/// open longer may see its row published twice); otherwise a NOTIFY goes with the commit, unless
/// this process already sent one for this database within kNotifyEvery: the relay is then
/// polling anyway. (If that earlier transaction rolled back, the row waits at most for the
/// relay's fallback poll.) Message ids are UUIDs in canonical form; in another form a row is
/// not handed over and waits for the grace.
void enqueue(pg::Transaction& tx, const OutboxMessage& message);

/// enqueue() of several messages in one statement (one round trip), with the same signal.
void enqueueAll(pg::Transaction& tx, std::span<const OutboxMessage> messages);

/// enqueueAll() as the transaction's last statement, sent together with its COMMIT in one round
/// trip (pg::Transaction::commitWith); throws and reports as pg::Transaction::commit(). Without
/// messages, a plain commit(). When it hands its rows over, the same statement deletes rows the
/// relay has published (up to 500); in a transaction above READ COMMITTED it may not see them,
/// and they are published again after their grace (every caller today is READ COMMITTED).
void enqueueAllAndCommit(pg::Transaction& tx, std::span<const OutboxMessage> messages);

/// enqueueAllAndCommit() of one message, with `write` run first in the same statement (a
/// data-modifying WITH): the business write, the outbox row and the COMMIT reach the server in
/// one round trip. `write` is an INSERT that always inserts (nothing checks that it wrote a row),
/// without RETURNING, whose parameters are $1..$n, given in `params`; when it fails, nothing is
/// written and its error is thrown. Give a fixed text: statements are prepared by their text.
void enqueueWithAndCommit(pg::Transaction& tx, std::string_view write,
                          std::vector<pg::Param> params, const OutboxMessage& message);

/// Records that `consumer` has taken `messageId`, in the caller's transaction. Returns false when
/// it was already recorded: the delivery is a duplicate and must have no effect.
bool claimInbox(pg::Transaction& tx, std::string_view consumer, std::string_view messageId);

/// claimInbox as a common table expression, for a repository that makes the rest of one
/// statement depend on the claim (one round trip instead of two): `WITH ` + kClaimInboxCte + ...
/// It records ($1 = consumer, $2 = message id) and names `claim`, which has one row exactly when
/// this is the first delivery of the message.
inline constexpr std::string_view kClaimInboxCte =
    "claim AS (INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING "
    "RETURNING 1)";

/// kClaimInboxCte for a batch: records ($1 = consumer) the `message_id` of every row of `from`
/// (the rest of a FROM clause) and names `claim`, which has a row (message_id) for each message
/// delivered for the first time.
inline std::string claimInboxBatchCte(std::string_view from) {
    return "claim AS (INSERT INTO inbox (consumer, message_id) SELECT $1, message_id FROM " +
           std::string(from) + " ON CONFLICT DO NOTHING RETURNING message_id)";
}

}  // namespace shop::outbox
