#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cost.hpp"
#include "stats.hpp"

namespace shop::bench {

/// Reads the cumulative counters of the databases `orders` and `payments` through a superuser
/// connection: transactions from pg_stat_database, statements from pg_stat_statements (through
/// database `orders`, where `./shop bench` creates the extension). Never throws: what cannot be
/// read is reported as nullopt with a note saying why.
///
/// PostgreSQL 15 backends publish their transaction counts at most once a second, and an idle
/// backend its last second only after 10 s (PGSTAT_IDLE_INTERVAL): read the end figure that long
/// after the load. pg_stat_statements counts at once.
class PgCounters final {
  public:
    /// Connects with `url` (a libpq URL); an empty url means "not given".
    explicit PgCounters(const std::string& url);
    ~PgCounters();
    PgCounters(const PgCounters&) = delete;
    PgCounters& operator=(const PgCounters&) = delete;

    /// The counters now; a counter that fails once stays unavailable.
    DbCounts read();
    bool transactionsAvailable() const { return m_transactionsNote.empty(); }
    const std::string& transactionsNote() const { return m_transactionsNote; }
    const std::string& statementsNote() const { return m_statementsNote; }

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_transactionsNote;
    std::string m_statementsNote;
};

/// The management API of a broker: `http://user:password@host:port`.
struct AdminUrl {
    Endpoint endpoint;
    std::string user;
    std::string password;
};

/// Parses `http://[user[:password]@]host[:port][/]`; nullopt for anything else.
std::optional<AdminUrl> parseAdminUrl(std::string_view url);

/// `message_stats.publish`, `deliver_get` and `ack` of a GET /api/overview body (absent counters
/// are 0: a broker that has seen no message has no message_stats); nullopt when the body is not
/// a JSON object.
std::optional<BrokerCounts> parseOverview(std::string_view body);

/// GET /api/overview; nullopt, with the reason in `note`, when the API does not answer 200
/// with a JSON object.
std::optional<BrokerCounts> readBrokerCounts(const AdminUrl& admin, std::string& note);

/// The database and broker figures of the cost report: one reading when the load starts, one
/// after it. Both sources lag (see PgCounters; the management API emits its counters every
/// 5 s), so finish() first waits, bounded, for them to catch up. Work done just before start()
/// (creating the accounts) can likewise still show up after it: for the database at most about
/// a second of it per backend. Never throws.
class CounterProbe final {
  public:
    /// `pgUrl` may be empty and `admin` nullopt: those figures are then unavailable.
    CounterProbe(const std::string& pgUrl, std::optional<AdminUrl> admin);

    /// Takes the first reading.
    void start();
    /// Waits until PostgreSQL's idle backends have published (10.5 s after `loadEnd`) and the
    /// broker's publish counter has held still for one emission interval (at most 12 s after
    /// `loadEnd`), telling `log` why; then takes the second reading.
    void finish(std::chrono::steady_clock::time_point loadEnd,
                const std::function<void(const std::string&)>& log);
    /// Fills the database and broker fields of `cost` with the differences.
    void fill(CostReport& cost) const;

  private:
    PgCounters m_pg;
    std::optional<AdminUrl> m_admin;
    DbCounts m_dbBefore;
    DbCounts m_dbAfter;
    std::optional<BrokerCounts> m_brokerBefore;
    std::optional<BrokerCounts> m_brokerAfter;
    std::string m_brokerNote;
};

}  // namespace shop::bench
