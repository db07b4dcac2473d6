#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "shop/outbox/outbox.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::outbox {

/// A process-local wake-up for a relay: an eventfd that writers ring after their outbox rows
/// commit, and that the relay polls beside its LISTEN socket. Rings before the relay reads them
/// add up to one wake-up, so under load one relay round takes the rows of many commits.
class Doorbell final {
  public:
    /// Throws std::system_error when no eventfd can be made.
    Doorbell();
    ~Doorbell();
    Doorbell(const Doorbell&) = delete;
    Doorbell& operator=(const Doorbell&) = delete;

    /// The descriptor to poll for POLLIN.
    int fd() const noexcept { return m_fd; }
    /// Wakes whoever polls fd(); never blocks, never throws.
    void ring() noexcept;
    /// Consumes the pending rings; true when there were any.
    bool drain() noexcept;

  private:
    int m_fd;
};

/// A committed outbox row that its writer hands to the relay of its process in memory, so the
/// relay publishes it without a claim query.
struct HandedRow {
    std::int64_t seq = 0;
    OutboxMessage message;
    /// From when claim queries may take the row too: the grace counted from the writer's clock
    /// before its INSERT (the database counts from a little later).
    std::chrono::steady_clock::time_point claimableAt;
};

/// Published outbox rows, to delete. A row goes only when its seq is among `seqs` and its
/// message id among `ids`: a seq the database handed out again (after a failover that lost the
/// end of the WAL) holds another message, whose id is not listed, so it cannot be deleted (a
/// listed id found at another listed seq is a copy of a published message). Two lists, not
/// pairs: a pair test is a join, which the planner may turn, from the statistics a vacuum
/// leaves, into a walk of the whole outbox in every statement (issue 14's stalls).
struct PublishedRows {
    std::vector<std::int64_t> seqs;
    std::vector<std::string> ids;

    bool empty() const noexcept { return seqs.empty(); }
    std::size_t size() const noexcept { return seqs.size(); }
    void append(std::int64_t seq, std::string id) {
        seqs.push_back(seq);
        ids.push_back(std::move(id));
    }
};

/// The rows handed to one relay, the doorbell that tells it of them, and the rows it published
/// that are still to be deleted: the next writer of this process deletes those in the statement
/// of its own rows (no round trip of the relay's), or the relay does after a linger.
class Handoff final {
  public:
    using Clock = std::chrono::steady_clock;

    /// `grace`: how long a handed row stays out of reach of claim queries (see handOffTerms()).
    explicit Handoff(std::chrono::milliseconds grace) : m_grace(grace) {}

    std::chrono::milliseconds grace() const noexcept { return m_grace; }
    Doorbell& doorbell() noexcept { return m_bell; }
    /// Appends `rows` and rings.
    void post(std::vector<HandedRow> rows);
    /// Takes the oldest rows, at most `max`; `more` tells whether others are left.
    std::vector<HandedRow> take(std::size_t max, bool& more);

    /// Records rows the broker confirmed, to delete.
    void published(const PublishedRows& rows);
    /// Takes at most `max` of the rows to delete; whoever takes them deletes them or gives them
    /// back.
    PublishedRows takePublished(std::size_t max);
    /// Since when the oldest row still to delete waits; nothing when none does.
    std::optional<Clock::time_point> publishedSince();

  private:
    const std::chrono::milliseconds m_grace;
    Doorbell m_bell;
    std::mutex m_mutex;
    std::vector<HandedRow> m_rows;
    PublishedRows m_published;
    Clock::time_point m_publishedSince;
};

/// Which database a connection is on, as a key for the relay registry: host, port, name, user
/// and options (a search_path given there picks the outbox table).
std::string databaseKey(const pg::Connection& connection);

/// While alive, the relay owning `handoff` serves `databaseKey` for the writers of this process:
/// the rows they commit into that database are handed to it (see handOffTerms()). A relay holds
/// one for as long as it runs.
class RelayRegistration final {
  public:
    RelayRegistration(std::string databaseKey, Handoff& handoff);
    ~RelayRegistration();
    RelayRegistration(const RelayRegistration&) = delete;
    RelayRegistration& operator=(const RelayRegistration&) = delete;

  private:
    std::string m_key;
    Handoff& m_handoff;
};

/// What a writer gets from the relay of its process, see handOffTerms().
struct HandOffTerms {
    std::chrono::milliseconds grace{0};
    /// When claim queries may take the rows written under these terms: the grace counted from
    /// now, before the INSERT (the database counts from a little later).
    std::chrono::steady_clock::time_point claimableAt;
    /// Rows the relay published, for the writer to delete in its statement.
    PublishedRows toDelete;
};

/// When a relay of this process serves the database of `connection`, its terms: the writer then
/// inserts its rows with next_attempt_at the grace ahead, so that no claim query (of any relay)
/// takes them while the relay publishes them from memory, and hands them over with handOff()
/// once they are committed. A handed row that is still there after the grace (its process died,
/// or the relay could not publish it) is claimed like any other. With `takePublished`, the
/// writer also takes up to `takePublished` published rows to delete: it must give them back with
/// givePublishedBack() unless its transaction committed. Nothing when no relay serves the
/// database: the writer must then signal relays elsewhere, with NOTIFY.
std::optional<HandOffTerms> handOffTerms(const pg::Connection& connection,
                                         std::size_t takePublished = 0);

/// Hands committed `rows` of the database of `connection` to the relay of this process that
/// serves it (the first registered). When none does any more, nobody: the rows wait for a claim
/// after their grace.
void handOff(const pg::Connection& connection, std::vector<HandedRow> rows);

/// Gives back published rows a writer took and could not delete (its transaction failed).
void givePublishedBack(const pg::Connection& connection, const PublishedRows& rows);

}  // namespace shop::outbox
