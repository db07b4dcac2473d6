#include "shop/pg/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace shop::pg {
namespace {

constexpr std::size_t kMaxPreparedStatements = 512;

/// A prepared statement gone (DEALLOCATE ALL, DISCARD ALL) or stale after a schema change
/// ("cached plan must not change result type"): it did not run, and preparing it afresh helps.
bool isStalePrepared(const Error& error) {
    return error.sqlstate() == "26000" || error.sqlstate() == "0A000";
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// libpq messages span several lines ("...failed: ...\n\tIs the server running...\n").
std::string oneLine(std::string_view message) {
    std::string out;
    bool space = false;
    for (const char c : message) {
        if (isSpace(c)) {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += c;
    }
    return out.empty() ? std::string("unknown error") : out;
}

using Span = std::pair<std::size_t, std::size_t>;  // [begin, end) of a password in conninfo

// Finds the password parts of a URL (userinfo and `password=` query parameter) or of a
// key=value string, mirroring how libpq splits them.
std::vector<Span> passwordSpans(std::string_view info) {
    std::vector<Span> spans;
    std::size_t schemeEnd = 0;
    if (startsWith(info, "postgresql://")) {
        schemeEnd = 13;
    } else if (startsWith(info, "postgres://")) {
        schemeEnd = 11;
    }
    if (schemeEnd > 0) {
        const std::size_t stop = info.find_first_of("@/", schemeEnd);
        if (stop != std::string_view::npos && info[stop] == '@') {
            const std::size_t colon = info.find(':', schemeEnd);
            if (colon < stop) {
                spans.emplace_back(colon + 1, stop);
            }
        }
        std::size_t pos = info.find('?', schemeEnd);
        while (pos != std::string_view::npos) {
            const std::size_t begin = pos + 1;
            const std::size_t end = std::min(info.find('&', begin), info.size());
            const std::string_view pair = info.substr(begin, end - begin);
            if (startsWith(pair, "password=")) {
                spans.emplace_back(begin + 9, end);
            }
            pos = end < info.size() ? end : std::string_view::npos;
        }
        return spans;
    }
    std::size_t pos = 0;
    while (pos < info.size()) {
        while (pos < info.size() && isSpace(info[pos])) {
            ++pos;
        }
        const std::size_t keyBegin = pos;
        while (pos < info.size() && info[pos] != '=' && !isSpace(info[pos])) {
            ++pos;
        }
        const std::string_view key = info.substr(keyBegin, pos - keyBegin);
        while (pos < info.size() && isSpace(info[pos])) {
            ++pos;
        }
        if (pos >= info.size() || info[pos] != '=') {
            break;
        }
        ++pos;
        while (pos < info.size() && isSpace(info[pos])) {
            ++pos;
        }
        std::size_t valueBegin = pos;
        std::size_t valueEnd = pos;
        if (pos < info.size() && info[pos] == '\'') {
            valueBegin = ++pos;
            while (pos < info.size() && info[pos] != '\'') {
                pos += info[pos] == '\\' ? 2 : 1;
            }
            valueEnd = std::min(pos, info.size());
            ++pos;
        } else {
            while (pos < info.size() && !isSpace(info[pos])) {
                pos += info[pos] == '\\' ? 2 : 1;
            }
            valueEnd = std::min(pos, info.size());
        }
        if (key == "password") {
            spans.emplace_back(valueBegin, valueEnd);
        }
    }
    return spans;
}

/// The value a connection string gives `keyword`, or "" (also when the string does not parse).
std::string conninfoValue(const std::string& conninfo, const char* keyword) {
    std::string found;
    if (PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr)) {
        for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
            if (std::strcmp(option->keyword, keyword) == 0 && option->val != nullptr) {
                found = option->val;
            }
        }
        PQconninfoFree(options);
    }
    return found;
}

// Every spelling of the password that could show up in a message: as written and as decoded.
std::vector<std::string> secretsOf(const std::string& conninfo) {
    std::vector<std::string> secrets;
    for (const auto& [begin, end] : passwordSpans(conninfo)) {
        if (end > begin) {
            secrets.push_back(conninfo.substr(begin, end - begin));
        }
    }
    if (auto password = conninfoValue(conninfo, "password"); !password.empty()) {
        secrets.push_back(std::move(password));
    }
    return secrets;
}

std::string scrub(std::string message, const std::vector<std::string>& secrets) {
    for (const std::string& secret : secrets) {
        for (std::size_t pos = message.find(secret); pos != std::string::npos;
             pos = message.find(secret, pos + 3)) {
            message.replace(pos, secret.size(), "***");
        }
    }
    return message;
}

/// 25006 (read-only transaction) means the server is no longer the primary (a failover demoted
/// it): the session is dropped so the pool reconnects, and libpq's target_session_attrs finds the
/// new primary.
bool killsSession(std::string_view sqlstate) {
    return (startsWith(sqlstate, "08") && sqlstate != "08P01") || sqlstate == "57P01" ||
           sqlstate == "57P02" || sqlstate == "57P03" || sqlstate == "25006";
}

}  // namespace

std::vector<core::NodeState> probeHosts(const std::string& conninfo) {
    const std::string hosts = conninfoValue(conninfo, "host");
    const std::string ports = conninfoValue(conninfo, "port");
    auto split = [](const std::string& list) {
        std::vector<std::string> items;
        std::size_t start = 0;
        while (true) {
            const std::size_t comma = list.find(',', start);
            items.push_back(list.substr(start, comma - start));
            if (comma == std::string::npos) {
                return items;
            }
            start = comma + 1;
        }
    };
    const std::vector<std::string> hostList = split(hosts);
    const std::vector<std::string> portList = split(ports);
    std::vector<core::NodeState> nodes;
    for (std::size_t i = 0; i < hostList.size(); ++i) {
        // One port for every host, or one each; libpq's defaults when absent.
        const std::string& port = portList.size() == hostList.size() ? portList[i] : portList[0];
        const char* const keywords[] = {"host", "port", "connect_timeout", nullptr};
        const char* const values[] = {hostList[i].empty() ? nullptr : hostList[i].c_str(),
                                      port.empty() ? nullptr : port.c_str(), "2", nullptr};
        nodes.push_back({(hostList[i].empty() ? "localhost" : hostList[i]) + ":" +
                             (port.empty() ? "5432" : port),
                         PQpingParams(keywords, values, 0) == PQPING_OK});
    }
    return nodes;
}

std::string redactPassword(std::string_view conninfo) {
    std::string out(conninfo);
    const auto spans = passwordSpans(conninfo);
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        out.replace(it->first, it->second - it->first, "***");
    }
    return out;
}

Connection::Connection(const std::string& conninfo, const std::string& applicationName,
                       const std::string& serverOptions)
    : m_secrets(secretsOf(conninfo)) {
    // libpq applies keywords in order and later ones win, also over those expanded from the
    // URL in dbname: the defaults come first (the URL may override them), the name last.
    std::vector<const char*> keys{"connect_timeout", "keepalives_idle", "keepalives_interval",
                                  "keepalives_count", "dbname"};
    std::vector<const char*> values{"5", "30", "10", "3", conninfo.c_str()};
    // The string's own options come after `serverOptions`, so a setting it repeats wins.
    const std::string options = serverOptions.empty()
                                    ? std::string()
                                    : serverOptions + " " + conninfoValue(conninfo, "options");
    if (!options.empty()) {
        keys.push_back("options");
        values.push_back(options.c_str());
    }
    if (!applicationName.empty()) {
        keys.push_back("application_name");
        values.push_back(applicationName.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    m_conn = PQconnectdbParams(keys.data(), values.data(), 1);
    if (m_conn == nullptr) {
        throw ConnectionLost("cannot connect to PostgreSQL: out of memory", "08001");
    }
    if (PQstatus(m_conn) != CONNECTION_OK) {
        std::string message =
            "cannot connect to PostgreSQL: " + scrub(oneLine(PQerrorMessage(m_conn)), m_secrets);
        PQfinish(m_conn);
        m_conn = nullptr;
        throw ConnectionLost(message, "08001");
    }
    PQsetNoticeReceiver(m_conn, onNotice, this);
}

void Connection::onNotice(void* self, const PGresult* notice) {
    // Ordinary notices ("relation already exists, skipping") are dropped rather than printed to
    // stderr. A FATAL message arriving while idle is the server ending the session (terminated,
    // shutting down): the connection is dead even before its EOF is read.
    const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity != nullptr &&
        (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0)) {
        static_cast<Connection*>(self)->m_broken = true;
    }
}

Connection::~Connection() {
    if (m_conn != nullptr) {
        PQfinish(m_conn);
    }
}

bool Connection::healthy() const noexcept {
    return m_conn != nullptr && !m_broken && PQstatus(m_conn) == CONNECTION_OK;
}

bool Connection::checkAlive() noexcept {
    if (!healthy()) {
        return false;
    }
    pollfd pfd{PQsocket(m_conn), POLLIN, 0};
    if (pfd.fd < 0) {
        m_broken = true;
        return false;
    }
    // Read what has arrived; a terminated session's FATAL goodbye marks it broken (onNotice),
    // its EOF too. Bounded, in case notifications keep arriving.
    for (int round = 0; round < 4 && ::poll(&pfd, 1, 0) > 0; ++round) {
        if (PQconsumeInput(m_conn) == 0) {
            m_broken = true;
            break;
        }
    }
    // libpq parses buffered messages only when asked; keep the notifications for later.
    if (healthy()) {
        auto received = drainNotifications();
        m_pending.swap(received);
    }
    return healthy();
}

void Connection::reset() {
    PQreset(m_conn);
    m_prepared.clear();
    m_pending.clear();
    m_nextStatement = 1;
    m_listening = false;
    m_broken = PQstatus(m_conn) != CONNECTION_OK;
    if (m_broken) {
        throw ConnectionLost(
            "cannot reconnect to PostgreSQL: " + scrub(oneLine(PQerrorMessage(m_conn)), m_secrets),
            "08001");
    }
}

bool Connection::inTransaction() const noexcept {
    return PQtransactionStatus(m_conn) != PQTRANS_IDLE;
}

int Connection::backendPid() const noexcept {
    return PQbackendPID(m_conn);
}

void Connection::ensureUsable() const {
    if (!healthy()) {
        throw ConnectionLost(
            "the database connection is broken; reset it or take another from the pool", "08003");
    }
}

void Connection::throwConnectionLost(std::string_view what, std::string_view sqlstate) {
    m_broken = true;
    std::string message = "database connection lost: " + scrub(oneLine(what), m_secrets);
    if (!sqlstate.empty()) {
        message += " (SQLSTATE " + std::string(sqlstate) + ")";
    }
    throw ConnectionLost(message, sqlstate.empty() ? "08006" : std::string(sqlstate));
}

Result Connection::check(PGresult* raw) {
    Result result(raw);
    if (raw == nullptr) {
        if (PQstatus(m_conn) != CONNECTION_OK) {
            throwConnectionLost(PQerrorMessage(m_conn), {});
        }
        throw Error("libpq returned no result: " + oneLine(PQerrorMessage(m_conn)));
    }
    switch (PQresultStatus(raw)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
            return result;
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH:
            // The session now expects COPY data this layer cannot supply.
            m_broken = true;
            throw Error("COPY is not supported by shop::pg");
        default:
            break;
    }
    const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY);
    const std::string sqlstate = state != nullptr ? state : "";
    // Only the primary message: DETAIL can quote row values ("Key (email)=(...) exists").
    const std::string message =
        primary != nullptr ? std::string(primary) : oneLine(PQresultErrorMessage(raw));
    if (PQstatus(m_conn) != CONNECTION_OK || killsSession(sqlstate)) {
        throwConnectionLost(message, sqlstate);
    }
    const char* constraint = PQresultErrorField(raw, PG_DIAG_CONSTRAINT_NAME);
    const char* position = PQresultErrorField(raw, PG_DIAG_STATEMENT_POSITION);
    throwForSqlstate(sqlstate, message, constraint != nullptr ? constraint : "",
                     position != nullptr ? std::atoi(position) : 0);
}

const std::string* Connection::preparedName(const std::string& sql, int paramCount) {
    if (const auto it = m_prepared.find(sql); it != m_prepared.end()) {
        return &it->second;
    }
    if (m_prepared.size() >= kMaxPreparedStatements) {
        return nullptr;  // SQL built at run time must not grow the cache without bound
    }
    std::string name = "s" + std::to_string(m_nextStatement++);
    check(PQprepare(m_conn, name.c_str(), sql.c_str(), paramCount, nullptr));
    return &m_prepared.emplace(sql, std::move(name)).first->second;
}

std::vector<const char*> Connection::textValues(std::span<const Param> params) {
    if (params.size() > 65535) {
        throw Error("too many statement parameters (" + std::to_string(params.size()) + ")");
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i]) {
            values.push_back(nullptr);
            continue;
        }
        if (params[i]->find('\0') != std::string::npos) {
            // Text parameters are C strings: the value would be silently cut at the NUL.
            throw DataError("parameter $" + std::to_string(i + 1) +
                                " contains a NUL byte, which PostgreSQL text cannot hold",
                            "22021");
        }
        values.push_back(params[i]->c_str());
    }
    return values;
}

Result Connection::execParams(std::string_view sql, std::span<const Param> params) {
    ensureUsable();
    const std::vector<const char*> values = textValues(params);
    const int count = static_cast<int>(params.size());
    const std::string text(sql);
    if (count == 0) {
        return check(PQexecParams(m_conn, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
    }
    const std::string* name = preparedName(text, count);
    if (name == nullptr) {
        return check(
            PQexecParams(m_conn, text.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0));
    }
    try {
        return check(
            PQexecPrepared(m_conn, name->c_str(), count, values.data(), nullptr, nullptr, 0));
    } catch (const Error& error) {
        // Prepare it afresh; outside a transaction block nothing was aborted, so run it again
        // right away.
        if (!isStalePrepared(error)) {
            throw;
        }
        m_prepared.erase(text);
        if (inTransaction()) {
            throw;
        }
    }
    name = preparedName(text, count);
    if (name == nullptr) {
        return check(
            PQexecParams(m_conn, text.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0));
    }
    return check(PQexecPrepared(m_conn, name->c_str(), count, values.data(), nullptr, nullptr, 0));
}

PGresult* Connection::nextPipelinedResult() {
    PGresult* result = PQgetResult(m_conn);
    if (result != nullptr) {
        // One statement's results end with a NULL; a statement without rows has just one.
        while (PGresult* extra = PQgetResult(m_conn)) {
            PQclear(extra);
        }
    }
    return result;
}

Result Connection::execPipelined(std::string_view before, std::string_view sql,
                                 std::span<const Param> params, std::string_view after,
                                 std::string* afterTag, bool* sent) {
    ensureUsable();
    const std::vector<const char*> values = textValues(params);
    const int count = static_cast<int>(params.size());
    const std::string head(before);
    const std::string text(sql);
    const std::string tail(after);
    // Preparing is a round trip of its own, once per connection and statement, done before
    // the pipeline (synchronous calls are not allowed inside one).
    const std::string* name = count > 0 ? preparedName(text, count) : nullptr;
    if (PQenterPipelineMode(m_conn) != 1) {
        throwConnectionLost(PQerrorMessage(m_conn), {});
    }
    if (sent != nullptr) {
        *sent = true;  // from here libpq may flush any part of the pipeline
    }
    const auto sendPlain = [this](const std::string& statement) {
        return statement.empty() || PQsendQueryParams(m_conn, statement.c_str(), 0, nullptr,
                                                      nullptr, nullptr, nullptr, 0) == 1;
    };
    const bool queued =
        sendPlain(head) &&
        (name != nullptr
             ? PQsendQueryPrepared(m_conn, name->c_str(), count, values.data(), nullptr, nullptr, 0)
             : PQsendQueryParams(m_conn, text.c_str(), count, nullptr, values.data(), nullptr,
                                 nullptr, 0)) == 1 &&
        sendPlain(tail) && PQpipelineSync(m_conn) == 1;
    if (!queued) {
        throwConnectionLost(PQerrorMessage(m_conn), {});
    }
    // Every result and the sync point must be read before the pipeline can end, whatever
    // failed; the first failure is the one reported.
    using Owned = std::unique_ptr<PGresult, decltype(&PQclear)>;
    Owned headResult(head.empty() ? nullptr : nextPipelinedResult(), &PQclear);
    Owned bodyResult(nextPipelinedResult(), &PQclear);
    Owned tailResult(tail.empty() ? nullptr : nextPipelinedResult(), &PQclear);
    const Owned sync(PQgetResult(m_conn), &PQclear);
    if (sync == nullptr || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC ||
        PQexitPipelineMode(m_conn) != 1) {
        throwConnectionLost(PQerrorMessage(m_conn), {});
    }
    const auto skipped = [](const Owned& result) {
        return result != nullptr && PQresultStatus(result.get()) == PGRES_PIPELINE_ABORTED;
    };
    if (!head.empty()) {
        check(headResult.release());
    }
    if (skipped(bodyResult)) {
        throw Error("the statement did not run: the one before it in the pipeline failed");
    }
    Result body;
    try {
        body = check(bodyResult.release());
    } catch (const Error& error) {
        // As in execParams: a prepared statement gone or stale is prepared afresh next time
        // (not now: the transaction it ran in is aborted).
        if (name != nullptr && isStalePrepared(error)) {
            m_prepared.erase(text);
        }
        throw;
    }
    if (!tail.empty()) {
        const Result last = check(tailResult.release());
        if (afterTag != nullptr) {
            *afterTag = last.commandTag();
        }
    }
    return body;
}

Result Connection::execScript(std::string_view sql) {
    ensureUsable();
    return check(PQexec(m_conn, std::string(sql).c_str()));
}

void Connection::listen(std::string_view channel) {
    ensureUsable();
    char* quoted = PQescapeIdentifier(m_conn, channel.data(), channel.size());
    if (quoted == nullptr) {
        throw Error("invalid channel name: " + oneLine(PQerrorMessage(m_conn)));
    }
    std::string sql = "LISTEN ";
    sql += quoted;
    PQfreemem(quoted);
    exec(sql);
    m_listening = true;
}

void Connection::notify(std::string_view channel, std::string_view payload) {
    exec("SELECT pg_notify($1, $2)", channel, payload);
}

std::vector<Notification> Connection::drainNotifications() {
    std::vector<Notification> out = std::move(m_pending);
    m_pending.clear();
    while (PGnotify* notify = PQnotifies(m_conn)) {
        out.push_back(Notification{notify->relname, notify->extra != nullptr ? notify->extra : "",
                                   notify->be_pid});
        PQfreemem(notify);
    }
    return out;
}

std::vector<Notification> Connection::waitForNotifications(std::chrono::milliseconds timeout,
                                                           int wakeFd) {
    ensureUsable();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // Reads what is there without blocking; notifications that arrived during earlier
    // statements are already buffered. Throws once the server has ended the session.
    const auto receive = [this] {
        if (PQconsumeInput(m_conn) == 0 || PQstatus(m_conn) != CONNECTION_OK) {
            throwConnectionLost(PQerrorMessage(m_conn), {});
        }
        auto received = drainNotifications();
        if (received.empty() && m_broken) {
            throwConnectionLost("the server ended the session", {});
        }
        return received;
    };
    auto received = receive();
    while (received.empty()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        std::array<pollfd, 2> fds{pollfd{PQsocket(m_conn), POLLIN, 0}, pollfd{wakeFd, POLLIN, 0}};
        if (fds[0].fd < 0) {
            throwConnectionLost("socket closed", {});
        }
        const int waitMs = static_cast<int>(std::min<std::chrono::milliseconds::rep>(
            left.count(), std::numeric_limits<int>::max()));
        const int ready = ::poll(fds.data(), wakeFd >= 0 ? 2 : 1, waitMs);
        if (ready < 0 && errno != EINTR) {
            throw Error(std::string("poll() failed: ") + std::strerror(errno));
        }
        if (ready > 0 && fds[0].revents != 0) {
            received = receive();
        }
        if (ready > 0 && wakeFd >= 0 && fds[1].revents != 0) {
            break;
        }
    }
    return received;
}

}  // namespace shop::pg
