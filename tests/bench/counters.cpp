#include "counters.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timespan.h>
#include <libpq-fe.h>

#include <charconv>
#include <sstream>
#include <thread>

#include "shop/domain/json.hpp"

namespace shop::bench {
namespace {

struct ConnDeleter {
    void operator()(PGconn* conn) const { PQfinish(conn); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;

struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

/// The first line of libpq's message (it may end in a newline or carry a DETAIL line).
std::string firstLine(const char* message) {
    std::string text = message ? message : "";
    return text.substr(0, text.find('\n'));
}

/// Connects with `url`, in database `database` when it is not empty.
Conn connect(const std::string& url, const std::string& database, std::string& error) {
    // With expand_dbname the first "dbname" is the URL; a later one overrides its database.
    const char* keys[] = {"dbname", "dbname", "application_name", "connect_timeout", nullptr};
    const char* values[] = {url.c_str(), database.empty() ? nullptr : database.c_str(),
                            "shop-bench", "5", nullptr};
    Conn conn(PQconnectdbParams(keys, values, 1));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        error = conn ? firstLine(PQerrorMessage(conn.get())) : "out of memory";
        return nullptr;
    }
    return conn;
}

/// The single value of a one-row, one-column query; nullopt with `error` set otherwise.
std::optional<std::string> scalar(PGconn* conn, const std::string& sql, std::string& error) {
    PgResult result(PQexec(conn, sql.c_str()));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
        error = firstLine(PQresultErrorMessage(result.get()));
        return std::nullopt;
    }
    if (PQntuples(result.get()) != 1 || PQnfields(result.get()) != 1) {
        return std::nullopt;
    }
    return std::string(PQgetvalue(result.get(), 0, 0));
}

std::optional<std::int64_t> toInt(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

/// An integer counter from `sql`; nullopt with `note` set when it fails.
std::optional<std::int64_t> counter(PGconn* conn, const std::string& sql, std::string& note) {
    std::string error;
    const auto text = scalar(conn, sql, error);
    const auto value = text ? toInt(*text) : std::nullopt;
    if (!value) {
        note = "query failed: " + (error.empty() ? "unexpected result" : error);
    }
    return value;
}

std::optional<std::int64_t> difference(const std::optional<std::int64_t>& before,
                                       const std::optional<std::int64_t>& after) {
    if (!before || !after) {
        return std::nullopt;
    }
    return *after - *before;
}

std::int64_t countAt(const domain::Json& stats, std::string_view key) {
    const auto* v = stats.find(key);
    return v && v->isNumber() ? toInt(v->numberText()).value_or(0) : 0;
}

}  // namespace

struct PgCounters::Impl {
    Conn admin;              // the URL's database: pg_stat_database
    Conn orders;             // database orders: the pg_stat_statements view
    std::string statements;  // the query over the view, schema-qualified
};

PgCounters::PgCounters(const std::string& url) : m_impl(std::make_unique<Impl>()) {
    if (url.empty()) {
        m_transactionsNote = m_statementsNote = "no --pg-url";
        return;
    }
    std::string error;
    m_impl->admin = connect(url, "", error);
    if (!m_impl->admin) {
        m_transactionsNote = m_statementsNote = "cannot connect with --pg-url: " + error;
        return;
    }
    const auto preload =
        scalar(m_impl->admin.get(), "SELECT current_setting('shared_preload_libraries')", error);
    if (!preload || preload->find("pg_stat_statements") == std::string::npos) {
        m_statementsNote =
            "pg_stat_statements is not loaded: the server runs with shared_preload_libraries='" +
            preload.value_or("?") +
            "' (started before ./shop preloaded it; restart PostgreSQL to load it)";
        return;
    }
    m_impl->orders = connect(url, "orders", error);
    if (!m_impl->orders) {
        m_statementsNote = "cannot connect to database orders: " + error;
        return;
    }
    const auto schema =
        scalar(m_impl->orders.get(),
               "SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace "
               "n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
               error);
    if (!schema) {
        m_statementsNote = "extension pg_stat_statements is not created in database orders (" +
                           (error.empty() ? "CREATE EXTENSION pg_stat_statements" : error) + ")";
        return;
    }
    // The bench's own readings run as the superuser; the services do not.
    m_impl->statements = "SELECT coalesce(sum(s.calls), 0)::bigint FROM " + *schema +
                         ".pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                         "WHERE d.datname IN ('orders', 'payments') AND s.userid <> "
                         "(SELECT oid FROM pg_roles WHERE rolname = current_user)";
}

PgCounters::~PgCounters() = default;

DbCounts PgCounters::read() {
    DbCounts counts;
    if (m_transactionsNote.empty()) {
        counts.transactions =
            counter(m_impl->admin.get(),
                    "SELECT coalesce(sum(xact_commit + xact_rollback), 0)::bigint "
                    "FROM pg_stat_database WHERE datname IN ('orders', 'payments')",
                    m_transactionsNote);
    }
    if (m_statementsNote.empty()) {
        counts.statements = counter(m_impl->orders.get(), m_impl->statements, m_statementsNote);
    }
    return counts;
}

// ---------------------------------------------------------------------------------------------

std::optional<AdminUrl> parseAdminUrl(std::string_view url) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) {
        return std::nullopt;
    }
    auto rest = url.substr(kScheme.size());
    AdminUrl admin;
    if (const auto at = rest.substr(0, rest.find('/')).rfind('@'); at != std::string_view::npos) {
        const auto userinfo = rest.substr(0, at);
        const auto colon = userinfo.find(':');
        admin.user = std::string(userinfo.substr(0, colon));
        if (colon != std::string_view::npos) {
            admin.password = std::string(userinfo.substr(colon + 1));
        }
        rest = rest.substr(at + 1);
    }
    const auto endpoint = parseHttpUrl("http://" + std::string(rest));
    if (!endpoint) {
        return std::nullopt;
    }
    admin.endpoint = *endpoint;
    return admin;
}

std::optional<BrokerCounts> parseOverview(std::string_view body) {
    std::string error;
    const auto json = domain::parseJson(body, error);
    if (!json || !json->isObject()) {
        return std::nullopt;
    }
    BrokerCounts counts;
    if (const auto* stats = json->find("message_stats"); stats && stats->isObject()) {
        counts.published = countAt(*stats, "publish");
        counts.delivered = countAt(*stats, "deliver_get");
        counts.acked = countAt(*stats, "ack");
    }
    return counts;
}

std::optional<BrokerCounts> readBrokerCounts(const AdminUrl& admin, std::string& note) {
    const std::string where = "http://" + admin.endpoint.host + ":" +
                              std::to_string(admin.endpoint.port) + "/api/overview";
    try {
        Poco::Net::HTTPClientSession session(admin.endpoint.host, admin.endpoint.port);
        session.setTimeout(Poco::Timespan(5, 0));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/api/overview",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPBasicCredentials(admin.user, admin.password).authenticate(request);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::ostringstream body;
        body << in.rdbuf();
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
            note = "GET " + where + " answered " + std::to_string(response.getStatus());
            return std::nullopt;
        }
        auto counts = parseOverview(body.str());
        if (!counts) {
            note = "GET " + where + " did not answer a JSON object";
        }
        return counts;
    } catch (const Poco::Exception& e) {
        note = "GET " + where + " failed: " + e.displayText();
    } catch (const std::exception& e) {
        note = "GET " + where + " failed: " + e.what();
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------

CounterProbe::CounterProbe(const std::string& pgUrl, std::optional<AdminUrl> admin)
    : m_pg(pgUrl), m_admin(std::move(admin)) {
    if (!m_admin) {
        m_brokerNote = "no --amqp-admin";
    }
}

void CounterProbe::start() {
    m_dbBefore = m_pg.read();
    if (m_admin) {
        m_brokerBefore = readBrokerCounts(*m_admin, m_brokerNote);
    }
}

void CounterProbe::finish(std::chrono::steady_clock::time_point loadEnd,
                          const std::function<void(const std::string&)>& log) {
    using namespace std::chrono_literals;
    using SteadyClock = std::chrono::steady_clock;
    // PGSTAT_IDLE_INTERVAL (10 s) plus a margin; the broker emits every 5 s.
    const auto pgDone = m_pg.transactionsAvailable() ? loadEnd + 10500ms : loadEnd;
    const bool broker = m_brokerBefore.has_value();
    const auto hardStop = loadEnd + 12s;
    if (pgDone > SteadyClock::now() || broker) {
        std::string what;
        if (m_pg.transactionsAvailable()) {
            what = "PostgreSQL (up to 10.5 s)";
        }
        if (broker) {
            what += std::string(what.empty() ? "" : " and ") +
                    "RabbitMQ (until its publish counter holds still for 5.5 s)";
        }
        log("waiting for the statistics of " + what);
    }
    auto lastChange = SteadyClock::now();
    bool watchBroker = broker;
    while (true) {
        if (watchBroker) {
            auto counts = readBrokerCounts(*m_admin, m_brokerNote);
            if (!counts || !m_brokerAfter || m_brokerAfter->published != counts->published) {
                lastChange = SteadyClock::now();
            }
            m_brokerAfter = counts;
            // Gone: the broker's figures are unavailable, PostgreSQL's wait goes on.
            watchBroker = counts.has_value();
        }
        const auto now = SteadyClock::now();
        const bool brokerStill = !watchBroker || now - lastChange >= 5500ms;
        if ((now >= pgDone && brokerStill) || now >= hardStop) {
            break;
        }
        std::this_thread::sleep_for(500ms);
    }
    m_dbAfter = m_pg.read();
}

void CounterProbe::fill(CostReport& cost) const {
    cost.transactions = difference(m_dbBefore.transactions, m_dbAfter.transactions);
    cost.transactionsNote = m_pg.transactionsNote();
    cost.statements = difference(m_dbBefore.statements, m_dbAfter.statements);
    cost.statementsNote = m_pg.statementsNote();
    if (m_brokerBefore && m_brokerAfter) {
        cost.broker = BrokerCounts{m_brokerAfter->published - m_brokerBefore->published,
                                   m_brokerAfter->delivered - m_brokerBefore->delivered,
                                   m_brokerAfter->acked - m_brokerBefore->acked};
    } else {
        cost.broker.reset();
    }
    cost.brokerNote = m_brokerNote;
}

}  // namespace shop::bench
