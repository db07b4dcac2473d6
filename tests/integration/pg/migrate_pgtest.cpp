#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pg_test_support.hpp"
#include "shop/pg/migrate.hpp"
#include "shop/testing/env.hpp"
#include "shop/testing/shell.hpp"

using shop::pg::Connection;
using shop::pgtest::PgTest;
namespace fs = std::filesystem;
namespace pg = shop::pg;

namespace {

class MigrateTest : public PgTest {
  protected:
    void SetUp() override {
        PgTest::SetUp();
        m_dir = fs::temp_directory_path() / ("shop-migrate-it-" + shop::testing::uniqueSuffix());
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
        PgTest::TearDown();
    }

    const fs::path& dir() const { return m_dir; }

    void write(const std::string& name, const std::string& content) {
        std::ofstream out(m_dir / name, std::ios::binary | std::ios::trunc);
        out << content;
        ASSERT_TRUE(out.good()) << "cannot write " << name;
    }

    std::vector<std::string> recorded() {
        const pg::Result r =
            admin().exec("SELECT version FROM " + schema() + ".schema_migrations ORDER BY version");
        std::vector<std::string> versions;
        for (int i = 0; i < r.rows(); ++i) {
            versions.push_back(r.str(i, 0));
        }
        return versions;
    }

    bool tableExists(const std::string& table) {
        return !admin().exec("SELECT to_regclass($1)", schema() + "." + table).isNull(0, 0);
    }

    template <class F>
    std::string migrationError(F run) {
        try {
            run();
        } catch (const pg::MigrationError& error) {
            return error.what();
        }
        ADD_FAILURE() << "no MigrationError";
        return {};
    }

  private:
    fs::path m_dir;
};

using Versions = std::vector<std::string>;

}  // namespace

TEST_F(MigrateTest, AppliesEachFileOnceInOrder) {
    write("0002_seed.sql", "INSERT INTO items (name) VALUES ('a'), ('b');\n");
    write("0001_create_items.sql",
          "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n");
    write("README.md", "how migrations work\n");
    write(".0003_hidden.sql", "this is not SQL");
    Connection conn = connect();

    Versions notified;
    EXPECT_EQ(pg::applyMigrations(conn, dir(),
                                  [&](const std::string& version) { notified.push_back(version); }),
              (Versions{"0001_create_items", "0002_seed"}));
    EXPECT_EQ(notified, (Versions{"0001_create_items", "0002_seed"}));
    EXPECT_EQ(pg::applyMigrations(conn, dir()), Versions{});
    EXPECT_EQ(conn.exec("SELECT count(*) FROM items").int64(0, 0), 2);

    write("0003_more.sql", "INSERT INTO items (name) VALUES ('c');");
    EXPECT_EQ(pg::applyMigrations(conn, dir()), Versions{"0003_more"});
    EXPECT_EQ(conn.exec("SELECT count(*) FROM items").int64(0, 0), 3);
    EXPECT_EQ(recorded(), (Versions{"0001_create_items", "0002_seed", "0003_more"}));
    EXPECT_EQ(conn.exec("SELECT count(*) FROM schema_migrations WHERE length(checksum) = 32 AND "
                        "applied_at <= now()")
                  .int64(0, 0),
              3);
    EXPECT_FALSE(conn.inTransaction());
    // The advisory lock was released.
    EXPECT_EQ(admin()
                  .exec("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = $1",
                        conn.backendPid())
                  .int64(0, 0),
              0);
}

TEST_F(MigrateTest, ConcurrentRunsApplyEachFileExactlyOnce) {
    write("0001_log.sql", "CREATE TABLE applied_log (file text NOT NULL);");
    for (int i = 2; i <= 6; ++i) {
        const std::string version = "000" + std::to_string(i) + "_step";
        write(version + ".sql",
              "INSERT INTO applied_log VALUES ('" + version + "'); SELECT pg_sleep(0.02);");
    }
    constexpr int kRunners = 4;
    std::array<Versions, kRunners> results;
    std::array<std::string, kRunners> errors;
    std::latch start(kRunners);
    std::vector<std::thread> runners;
    for (int i = 0; i < kRunners; ++i) {
        runners.emplace_back([&, i] {
            try {
                Connection conn = connect("pg-it-migrate-" + std::to_string(i));
                start.arrive_and_wait();
                results[static_cast<std::size_t>(i)] = pg::applyMigrations(conn, dir());
            } catch (const std::exception& error) {
                errors[static_cast<std::size_t>(i)] = error.what();
            }
        });
    }
    for (auto& runner : runners) {
        runner.join();
    }
    std::multiset<std::string> all;
    for (int i = 0; i < kRunners; ++i) {
        EXPECT_EQ(errors[static_cast<std::size_t>(i)], "");
        all.insert(results[static_cast<std::size_t>(i)].begin(),
                   results[static_cast<std::size_t>(i)].end());
    }
    EXPECT_EQ(all.size(), 6u);
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 6u);
    Connection conn = connect();
    EXPECT_EQ(conn.exec("SELECT count(*), count(DISTINCT file) FROM applied_log").int64(0, 0), 5);
    EXPECT_EQ(conn.exec("SELECT count(DISTINCT file) FROM applied_log").int64(0, 0), 5);
    EXPECT_EQ(recorded().size(), 6u);
}

TEST_F(MigrateTest, RejectsBadlyNamedFilesBeforeRunningAnything) {
    write("0001_ok.sql", "CREATE TABLE ok (n int);");
    write("1_short.sql", "SELECT 1;");
    write("0002-dash.sql", "SELECT 1;");
    write("0003_notes.txt", "SELECT 1;");
    fs::create_directories(dir() / "0004_dir.sql");
    Connection conn = connect();
    const std::string message = migrationError([&] { pg::applyMigrations(conn, dir()); });
    for (const char* name : {"1_short.sql", "0002-dash.sql", "0003_notes.txt", "0004_dir.sql"}) {
        EXPECT_NE(message.find(name), std::string::npos) << name << " missing in: " << message;
    }
    EXPECT_EQ(message.find("0001_ok.sql"), std::string::npos);
    EXPECT_FALSE(tableExists("ok"));
    EXPECT_FALSE(tableExists("schema_migrations"));
}

TEST_F(MigrateTest, RejectsDuplicateNumbersAndMissingDirectory) {
    write("0001_a.sql", "SELECT 1;");
    write("0001_b.sql", "SELECT 1;");
    Connection conn = connect();
    const std::string message = migrationError([&] { pg::applyMigrations(conn, dir()); });
    EXPECT_NE(message.find("0001"), std::string::npos) << message;

    const std::string missing =
        migrationError([&] { pg::applyMigrations(conn, dir() / "does-not-exist"); });
    EXPECT_NE(missing.find("does-not-exist"), std::string::npos) << missing;
}

TEST_F(MigrateTest, FailingFileIsRolledBackAndReportedWithItsLine) {
    write("0001_ok.sql", "CREATE TABLE first_table (n int);");
    write(
        "0002_broken.sql",
        "CREATE TABLE second_table (n int);\nINSERT INTO second_table VALUES (1);\nSELEC oops;\n");
    write("0003_later.sql", "CREATE TABLE third_table (n int);");
    Connection conn = connect();
    try {
        pg::applyMigrations(conn, dir());
        ADD_FAILURE() << "broken migration applied";
    } catch (const pg::MigrationError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("0002_broken.sql"), std::string::npos) << message;
        EXPECT_NE(message.find("line 3"), std::string::npos) << message;
        EXPECT_EQ(error.sqlstate(), "42601");
    }
    EXPECT_EQ(recorded(), Versions{"0001_ok"});
    EXPECT_TRUE(tableExists("first_table"));
    EXPECT_FALSE(tableExists("second_table"));
    EXPECT_FALSE(tableExists("third_table"));
    EXPECT_TRUE(conn.healthy());
    EXPECT_FALSE(conn.inTransaction());

    write("0002_broken.sql", "CREATE TABLE second_table (n int);\n");
    EXPECT_EQ(pg::applyMigrations(conn, dir()), (Versions{"0002_broken", "0003_later"}));
}

TEST_F(MigrateTest, EditedOrRenamedAppliedFileFailsLoudly) {
    write("0001_init.sql", "CREATE TABLE t (n int);\nCREATE INDEX ON t (n);\n");
    Connection conn = connect();
    EXPECT_EQ(pg::applyMigrations(conn, dir()), Versions{"0001_init"});

    // Line endings alone do not count as an edit.
    write("0001_init.sql", "CREATE TABLE t (n int);\r\nCREATE INDEX ON t (n);\r\n");
    EXPECT_EQ(pg::applyMigrations(conn, dir()), Versions{});

    write("0001_init.sql", "CREATE TABLE t (n bigint);\n");
    const std::string edited = migrationError([&] { pg::applyMigrations(conn, dir()); });
    EXPECT_NE(edited.find("0001_init.sql was changed"), std::string::npos) << edited;

    write("0001_init.sql", "CREATE TABLE t (n int);\nCREATE INDEX ON t (n);\n");
    fs::rename(dir() / "0001_init.sql", dir() / "0001_renamed.sql");
    const std::string renamed = migrationError([&] { pg::applyMigrations(conn, dir()); });
    EXPECT_NE(renamed.find("0001_init"), std::string::npos) << renamed;
    EXPECT_NE(renamed.find("0001_renamed.sql"), std::string::npos) << renamed;
}

TEST_F(MigrateTest, FileThatCommitsOnItsOwnIsRejected) {
    write("0001_commits.sql", "CREATE TABLE sneaky (n int); COMMIT;");
    Connection conn = connect();
    const std::string message = migrationError([&] { pg::applyMigrations(conn, dir()); });
    EXPECT_NE(message.find("ended its transaction"), std::string::npos) << message;
    EXPECT_TRUE(recorded().empty());
}

namespace {

struct CommandRun {
    int status = -1;
    std::string output;
};

CommandRun runCommand(const std::string& command) {
    CommandRun run;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return run;
    }
    std::array<char, 512> buffer{};
    while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
        run.output += buffer.data();
    }
    const int raw = ::pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return run;
}

}  // namespace

TEST_F(MigrateTest, CommandLineTool) {
    write("0001_init.sql", "CREATE TABLE cli (n int);");
    write("0002_seed.sql", "INSERT INTO cli VALUES (1);");
    using shop::testing::shellQuote;
    const std::string bin = shellQuote(SHOP_MIGRATE_BIN);
    const std::string dirArg = shellQuote(dir().string());

    const CommandRun first = runCommand(bin + " --db " + shellQuote(url()) + " --dir " + dirArg);
    EXPECT_EQ(first.status, 0) << first.output;
    EXPECT_NE(first.output.find("applied 0001_init\napplied 0002_seed\n"), std::string::npos)
        << first.output;
    EXPECT_NE(first.output.find("2 migrations applied"), std::string::npos) << first.output;
    const std::string redacted = pg::redactPassword(url());
    if (redacted != url()) {
        EXPECT_EQ(first.output.find(url()), std::string::npos) << "password printed";
    }

    const CommandRun again = runCommand("SHOP_DB_URL=" + shellQuote(url()) + " " + bin +
                                        " --dir=" + shellQuote(dir().string()));
    EXPECT_EQ(again.status, 0) << again.output;
    EXPECT_NE(again.output.find("0 migrations applied"), std::string::npos) << again.output;

    write("0003_bad.sql", "SELECT * FROM missing_table;");
    const CommandRun failed = runCommand(bin + " --db " + shellQuote(url()) + " --dir " + dirArg);
    EXPECT_EQ(failed.status, 1) << failed.output;
    EXPECT_NE(failed.output.find("0003_bad.sql"), std::string::npos) << failed.output;

    const CommandRun usage = runCommand("env -u SHOP_DB_URL " + bin + " --dir " + dirArg);
    EXPECT_EQ(usage.status, 2) << usage.output;
    EXPECT_NE(usage.output.find("SHOP_DB_URL"), std::string::npos) << usage.output;
}
