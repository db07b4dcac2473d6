#include "shop/pg/migrate.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "shop/pg/transaction.hpp"

namespace shop::pg {
namespace {

namespace fs = std::filesystem;

// One fixed key ("shop-mig" in ASCII) for every migration run; advisory locks are per database.
constexpr std::int64_t kLockKey = 0x73686f702d6d6967;

struct MigrationFile {
    std::string name;     // 0002_add_outbox.sql
    std::string version;  // 0002_add_outbox
    std::string number;   // 0002
    fs::path path;
};

bool isMigrationName(std::string_view name) {
    constexpr std::string_view kSuffix = ".sql";
    if (name.size() <= 5 + kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix ||
        name[4] != '_') {
        return false;
    }
    const auto isDigit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
    if (!std::all_of(name.begin(), name.begin() + 4, isDigit)) {
        return false;
    }
    const std::string_view label = name.substr(5, name.size() - 5 - kSuffix.size());
    return std::all_of(label.begin(), label.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    });
}

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::vector<MigrationFile> listMigrations(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw MigrationError("migrations directory '" + dir.string() +
                             "' does not exist or is not a directory");
    }
    std::vector<MigrationFile> files;
    std::vector<std::string> rejected;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.front() == '.' || endsWith(name, ".md")) {
            continue;
        }
        if (!entry.is_regular_file() || !isMigrationName(name)) {
            rejected.push_back(name);
            continue;
        }
        files.push_back(
            MigrationFile{name, name.substr(0, name.size() - 4), name.substr(0, 4), entry.path()});
    }
    if (!rejected.empty()) {
        std::sort(rejected.begin(), rejected.end());
        std::string list;
        for (const std::string& name : rejected) {
            list += (list.empty() ? "" : ", ") + name;
        }
        throw MigrationError("unexpected entries in '" + dir.string() + "': " + list +
                             " (migrations are files named NNNN_name.sql: four digits, an "
                             "underscore, then letters, digits, '_' or '-')");
    }
    std::sort(files.begin(), files.end(),
              [](const MigrationFile& a, const MigrationFile& b) { return a.name < b.name; });
    for (std::size_t i = 1; i < files.size(); ++i) {
        if (files[i].number == files[i - 1].number) {
            throw MigrationError("two migrations share the number " + files[i].number + ": " +
                                 files[i - 1].name + " and " + files[i].name);
        }
    }
    return files;
}

std::string readFile(const MigrationFile& file) {
    std::ifstream in(file.path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) {
        throw MigrationError("cannot read " + file.path.string());
    }
    return content.str();
}

// So a checkout with CRLF line endings does not count as an edited file.
std::string withoutCarriageReturns(std::string text) {
    text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    return text;
}

// The server reports positions in characters; scripts are UTF-8.
int lineAt(std::string_view text, int position) {
    int line = 1;
    int characters = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++characters >= position) {
            break;
        }
        if (c == '\n') {
            ++line;
        }
    }
    return line;
}

// A session lock: held across the per-file transactions, released even when a file fails.
class AdvisoryLock final {
  public:
    explicit AdvisoryLock(Connection& conn) : m_conn(conn) {
        m_conn.exec("SELECT pg_advisory_lock($1)", kLockKey);
    }
    ~AdvisoryLock() {
        if (!m_conn.healthy()) {
            return;  // the server drops the locks of a session that ended
        }
        try {
            m_conn.exec("SELECT pg_advisory_unlock($1)", kLockKey);
        } catch (...) {
            // Released when the session ends.
        }
    }
    AdvisoryLock(const AdvisoryLock&) = delete;
    AdvisoryLock& operator=(const AdvisoryLock&) = delete;

  private:
    Connection& m_conn;
};

void applyOne(Connection& conn, const MigrationFile& file, const std::string& body,
              const std::string& checksum) {
    Transaction tx(conn);
    try {
        tx.execScript(body);
    } catch (const ConnectionLost&) {
        throw;
    } catch (const Error& error) {
        const std::string where = error.position() > 0
                                      ? " at line " + std::to_string(lineAt(body, error.position()))
                                      : "";
        throw MigrationError(file.name + " failed" + where + ": " + error.what(), error.sqlstate(),
                             error.position());
    }
    if (!conn.inTransaction()) {
        throw MigrationError(file.name +
                             " ended its transaction itself (COMMIT, ROLLBACK or END in the "
                             "file?); it was not recorded and may be partly applied");
    }
    tx.exec("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", file.version,
            checksum);
    tx.commit();
}

}  // namespace

std::vector<std::string> applyMigrations(
    Connection& conn, const fs::path& dir,
    const std::function<void(const std::string& version)>& onApplied) {
    const std::vector<MigrationFile> files = listMigrations(dir);
    const AdvisoryLock lock(conn);
    conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version text PRIMARY KEY,"
        " checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");

    std::map<std::string, std::string> checksums;  // version -> checksum
    std::map<std::string, std::string> byNumber;   // 0002 -> 0002_add_outbox
    const Result recorded = conn.exec("SELECT version, checksum FROM schema_migrations");
    for (int row = 0; row < recorded.rows(); ++row) {
        const std::string version = recorded.str(row, 0);
        checksums[version] = recorded.str(row, 1);
        byNumber[version.substr(0, 4)] = version;
    }

    std::vector<std::string> applied;
    for (const MigrationFile& file : files) {
        const std::string body = readFile(file);
        std::string checksum;
        try {
            checksum = conn.exec("SELECT md5($1)", withoutCarriageReturns(body)).str(0, 0);
        } catch (const ConnectionLost&) {
            throw;
        } catch (const Error& error) {
            throw MigrationError(file.name + " cannot be read as SQL text: " + error.what(),
                                 error.sqlstate());
        }
        if (const auto it = checksums.find(file.version); it != checksums.end()) {
            if (it->second != checksum) {
                throw MigrationError(file.name + " was changed after it was applied (checksum " +
                                     checksum + ", recorded " + it->second +
                                     "); migrations are forward-only: add a new file instead");
            }
            continue;
        }
        if (const auto it = byNumber.find(file.number); it != byNumber.end()) {
            throw MigrationError("migration " + file.number + " was applied as " + it->second +
                                 " but the file is now " + file.name);
        }
        applyOne(conn, file, body, checksum);
        applied.push_back(file.version);
        if (onApplied) {
            onApplied(file.version);
        }
    }
    return applied;
}

}  // namespace shop::pg
