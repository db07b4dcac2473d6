#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "pg_test_support.hpp"
#include "shop/pg/connection.hpp"
#include "shop/testing/env.hpp"

using shop::pg::Connection;
using shop::pgtest::PgTest;
namespace pg = shop::pg;
using namespace std::chrono_literals;

namespace {

// Runs `statement` and returns the exception of type E it must throw.
template <class E, class F>
E expectThrow(F statement) {
    try {
        statement();
    } catch (const E& error) {
        return error;
    } catch (const std::exception& other) {
        ADD_FAILURE() << "threw a different exception: " << other.what();
        throw;
    }
    ADD_FAILURE() << "did not throw";
    throw std::logic_error("did not throw");
}

}  // namespace

TEST_F(PgTest, ParametersOfEachScalarType) {
    Connection conn = connect();
    const std::string quoted = "it's \"quoted\"; DROP TABLE x; --";
    const pg::Result r = conn.exec(
        "SELECT $1::text AS s, $2::text AS sv, $3::text AS cs, $4::bigint AS big, $5::int AS neg,"
        " $6::boolean AS yes, $7::boolean AS no, $8::text AS null1, $9::text AS null2,"
        " $10::int AS opt, $11::int AS u16, $12::text AS empty",
        quoted, std::string_view("view"), "c-string", std::int64_t{9'007'199'254'740'993}, -42,
        true, false, nullptr, std::optional<std::string>{}, std::optional<int>{7},
        std::uint16_t{65535}, std::string());
    ASSERT_EQ(r.rows(), 1);
    EXPECT_EQ(r.str(0, "s"), quoted);
    EXPECT_EQ(r.text(0, "sv"), "view");
    EXPECT_EQ(r.str(0, "cs"), "c-string");
    EXPECT_EQ(r.int64(0, "big"), 9'007'199'254'740'993);
    EXPECT_EQ(r.int64(0, "neg"), -42);
    EXPECT_TRUE(r.boolean(0, "yes"));
    EXPECT_FALSE(r.boolean(0, "no"));
    EXPECT_TRUE(r.isNull(0, "null1"));
    EXPECT_EQ(r.optStr(0, "null2"), std::nullopt);
    EXPECT_EQ(r.int64(0, "opt"), 7);
    EXPECT_EQ(r.int64(0, "u16"), 65535);
    EXPECT_FALSE(r.isNull(0, "empty"));
    EXPECT_EQ(r.str(0, "empty"), "");
}

TEST_F(PgTest, NullConstCharPointerIsNull) {
    Connection conn = connect();
    const char* nothing = nullptr;
    EXPECT_TRUE(conn.exec("SELECT $1::text", nothing).isNull(0, 0));
}

TEST_F(PgTest, VectorBecomesAnArrayWhateverItHolds) {
    Connection conn = connect();
    const std::vector<std::string> values{
        "plain",    "",     "with,comma", "with \"quotes\"", "back\\slash",
        "{braces}", "NULL", " spaced ",   "ünïcødé"};
    const pg::Result r =
        conn.exec("SELECT x FROM unnest($1::text[]) WITH ORDINALITY AS t(x, n) ORDER BY n", values);
    ASSERT_EQ(r.rows(), static_cast<int>(values.size()));
    for (int i = 0; i < r.rows(); ++i) {
        EXPECT_FALSE(r.isNull(i, 0));
        EXPECT_EQ(r.str(i, 0), values[static_cast<std::size_t>(i)]);
    }

    const std::vector<std::optional<std::string>> withNull{"a", std::nullopt};
    const pg::Result n = conn.exec(
        "SELECT x FROM unnest($1::text[]) WITH ORDINALITY AS t(x, n) ORDER BY n", withNull);
    ASSERT_EQ(n.rows(), 2);
    EXPECT_EQ(n.str(0, 0), "a");
    EXPECT_TRUE(n.isNull(1, 0));

    EXPECT_EQ(conn.exec("SELECT sum(x) FROM unnest($1::bigint[]) AS x",
                        std::vector<std::int64_t>{1, 2, 39})
                  .int64(0, 0),
              42);
    EXPECT_EQ(conn.exec("SELECT cardinality($1::text[])", std::vector<std::string>{}).int64(0, 0),
              0);
}

TEST_F(PgTest, UuidArrayWithAny) {
    Connection conn = connect();
    conn.exec("CREATE TABLE items (id uuid PRIMARY KEY, name text NOT NULL)");
    const std::vector<std::string> ids{"7d9f4f6e-0f0c-4c55-9d0e-2a3c4b5d6e7f",
                                       "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
                                       "11111111-2222-4333-8444-555555555555"};
    for (std::size_t i = 0; i < ids.size(); ++i) {
        conn.exec("INSERT INTO items (id, name) VALUES ($1, $2)", ids[i],
                  "item" + std::to_string(i));
    }
    const pg::Result r =
        conn.exec("SELECT name FROM items WHERE id = ANY($1::uuid[]) ORDER BY name",
                  std::vector<std::string>{ids[0], ids[2]});
    ASSERT_EQ(r.rows(), 2);
    EXPECT_EQ(r.str(0, 0), "item0");
    EXPECT_EQ(r.str(1, 0), "item2");
    EXPECT_TRUE(
        conn.exec("SELECT name FROM items WHERE id = ANY($1::uuid[])", std::vector<std::string>{})
            .empty());
}

TEST_F(PgTest, ResultAccessors) {
    Connection conn = connect();
    conn.execScript(
        "CREATE TABLE things (id bigint PRIMARY KEY, label text, flag boolean, qty int);"
        "INSERT INTO things VALUES (1, 'one', true, 10), (2, NULL, false, NULL), (3, 'three', "
        "NULL, 30);");
    const pg::Result r = conn.exec("SELECT id, label, flag, qty FROM things ORDER BY id");
    EXPECT_EQ(r.rows(), 3);
    EXPECT_EQ(r.columns(), 4);
    EXPECT_FALSE(r.empty());
    EXPECT_EQ(r.column("label"), 1);
    EXPECT_EQ(r.columnName(3), "qty");
    EXPECT_THROW(r.column("LABEL"), std::out_of_range);
    EXPECT_EQ(r.int64(0, 0), 1);
    EXPECT_EQ(r.text(0, 1), "one");
    EXPECT_EQ(r.optStr(0, "label"), std::optional<std::string>("one"));
    EXPECT_EQ(r.optStr(1, "label"), std::nullopt);
    EXPECT_TRUE(r.isNull(1, 1));
    EXPECT_EQ(r.optInt64(1, "qty"), std::nullopt);
    EXPECT_EQ(r.optInt64(2, "qty"), std::optional<std::int64_t>(30));
    EXPECT_TRUE(r.boolean(0, "flag"));
    EXPECT_FALSE(r.boolean(1, "flag"));
    EXPECT_THROW(r.str(1, 1), pg::Error);          // NULL where a value is required
    EXPECT_THROW(r.int64(0, "label"), pg::Error);  // not a number
    EXPECT_THROW(r.isNull(3, 0), std::out_of_range);
    EXPECT_THROW(r.isNull(0, 4), std::out_of_range);
    EXPECT_THROW(r.isNull(-1, 0), std::out_of_range);

    const pg::Result updated =
        conn.exec("UPDATE things SET qty = qty + $1 WHERE qty IS NOT NULL", 1);
    EXPECT_EQ(updated.affected(), 2);
    EXPECT_EQ(updated.commandTag(), "UPDATE 2");
    EXPECT_EQ(updated.rows(), 0);
    EXPECT_EQ(conn.exec("DELETE FROM things WHERE id = $1", 42).affected(), 0);

    const pg::Result none = conn.exec("SELECT id FROM things WHERE id < $1", 0);
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.columns(), 1);
}

TEST_F(PgTest, ExecScriptRunsSeveralStatements) {
    Connection conn = connect();
    const pg::Result last = conn.execScript(
        "CREATE TABLE s (n int); INSERT INTO s VALUES (1); INSERT INTO s VALUES (2);"
        "SELECT sum(n) FROM s;");
    EXPECT_EQ(last.int64(0, 0), 3);
    // Without parameters exec() is single-statement: a smuggled second statement is refused.
    EXPECT_THROW(conn.exec("SELECT 1; DROP TABLE s"), pg::Error);
    EXPECT_EQ(conn.exec("SELECT count(*) FROM s").int64(0, 0), 2);
}

TEST_F(PgTest, SetsApplicationName) {
    Connection conn(url(), "pg-it-appname");
    EXPECT_EQ(conn.exec("SELECT current_setting('application_name')").str(0, 0), "pg-it-appname");
    EXPECT_EQ(
        admin()
            .exec("SELECT application_name FROM pg_stat_activity WHERE pid = $1", conn.backendPid())
            .str(0, 0),
        "pg-it-appname");
}

TEST_F(PgTest, PreparedStatementCacheReusesStatements) {
    Connection conn = connect();
    for (int i = 0; i < 500; ++i) {
        ASSERT_EQ(conn.exec("SELECT $1::int + 1", i).int64(0, 0), i + 1);
    }
    EXPECT_EQ(conn.preparedCount(), 1u);
    EXPECT_EQ(conn.exec("SELECT count(*) FROM pg_prepared_statements").int64(0, 0), 1);

    conn.exec("SELECT $1::text", "other");
    EXPECT_EQ(conn.preparedCount(), 2u);

    // A failing call leaves the statement cached and usable.
    EXPECT_THROW(conn.exec("SELECT 10 / $1::int", 0), pg::DataError);
    EXPECT_EQ(conn.exec("SELECT 10 / $1::int", 5).int64(0, 0), 2);
    EXPECT_EQ(conn.preparedCount(), 3u);

    // Statements dropped behind the cache's back are prepared again transparently.
    conn.exec("DEALLOCATE ALL");
    EXPECT_EQ(conn.exec("SELECT $1::int + 1", 1).int64(0, 0), 2);

    conn.reset();
    EXPECT_EQ(conn.preparedCount(), 0u);
    EXPECT_EQ(conn.exec("SELECT $1::int + 1", 41).int64(0, 0), 42);
    EXPECT_EQ(conn.preparedCount(), 1u);
}

TEST_F(PgTest, PreparedStatementFollowsSchemaChanges) {
    Connection conn = connect();
    conn.exec("CREATE TABLE evolving (id int)");
    conn.exec("INSERT INTO evolving VALUES ($1)", 1);
    EXPECT_EQ(conn.exec("SELECT * FROM evolving WHERE id = $1", 1).columns(), 1);
    conn.exec("ALTER TABLE evolving ADD COLUMN note text");
    EXPECT_EQ(conn.exec("SELECT * FROM evolving WHERE id = $1", 1).columns(), 2);
}

TEST_F(PgTest, SqlstatesBecomeTypedErrors) {
    Connection conn = connect();
    conn.execScript(R"sql(
        CREATE TABLE parent (id int PRIMARY KEY, email text CONSTRAINT parent_email_key UNIQUE);
        CREATE TABLE child (
            id int PRIMARY KEY,
            parent_id int CONSTRAINT child_parent_fk REFERENCES parent (id),
            qty int NOT NULL CONSTRAINT child_qty_nonneg CHECK (qty >= 0));
        INSERT INTO parent VALUES (1, 'secret-email@example.com');
    )sql");

    const auto unique = expectThrow<pg::UniqueViolation>(
        [&] { conn.exec("INSERT INTO parent VALUES ($1, $2)", 2, "secret-email@example.com"); });
    EXPECT_EQ(unique.sqlstate(), "23505");
    EXPECT_EQ(unique.constraint(), "parent_email_key");
    EXPECT_EQ(std::string(unique.what()).find("secret-email"), std::string::npos) << unique.what();

    const auto fk = expectThrow<pg::ForeignKeyViolation>(
        [&] { conn.exec("INSERT INTO child VALUES ($1, $2, $3)", 1, 999, 1); });
    EXPECT_EQ(fk.sqlstate(), "23503");
    EXPECT_EQ(fk.constraint(), "child_parent_fk");

    const auto check = expectThrow<pg::CheckViolation>(
        [&] { conn.exec("INSERT INTO child VALUES ($1, $2, $3)", 1, 1, -5); });
    EXPECT_EQ(check.sqlstate(), "23514");
    EXPECT_EQ(check.constraint(), "child_qty_nonneg");

    const auto notNull = expectThrow<pg::NotNullViolation>(
        [&] { conn.exec("INSERT INTO child VALUES ($1, $2, $3)", 1, 1, nullptr); });
    EXPECT_EQ(notNull.sqlstate(), "23502");

    const auto divide = expectThrow<pg::DataError>([&] { conn.exec("SELECT 1 / $1::int", 0); });
    EXPECT_EQ(divide.sqlstate(), "22012");

    const auto badInput =
        expectThrow<pg::DataError>([&] { conn.exec("SELECT $1::uuid", "not-a-uuid-TOPSECRET"); });
    EXPECT_EQ(badInput.sqlstate(), "22P02");
    EXPECT_EQ(std::string(badInput.what()).find("TOPSECRET"), std::string::npos) << badInput.what();

    try {
        conn.exec("SELEC 1");
        ADD_FAILURE() << "syntax error not reported";
    } catch (const pg::Error& syntax) {
        EXPECT_EQ(typeid(syntax), typeid(pg::Error));  // no more specific class for 42601
        EXPECT_EQ(syntax.sqlstate(), "42601");
        EXPECT_EQ(syntax.position(), 1);
        EXPECT_FALSE(pg::isTransient(syntax));
    }

    const auto undefined = expectThrow<pg::Error>([&] { conn.exec("SELECT * FROM nowhere"); });
    EXPECT_EQ(undefined.sqlstate(), "42P01");

    // The connection is fine after all of that.
    EXPECT_TRUE(conn.healthy());
    EXPECT_EQ(conn.exec("SELECT count(*) FROM child").int64(0, 0), 0);
}

TEST_F(PgTest, StatementTimeoutIsQueryCanceled) {
    Connection conn = connect();
    conn.exec("SET statement_timeout = '50ms'");
    const auto canceled = expectThrow<pg::QueryCanceled>([&] { conn.exec("SELECT pg_sleep(10)"); });
    EXPECT_EQ(canceled.sqlstate(), "57014");
    EXPECT_TRUE(conn.healthy());
}

TEST_F(PgTest, NulByteInParameterIsRejected) {
    Connection conn = connect();
    const std::string withNul("abc\0def", 7);
    const auto error = expectThrow<pg::DataError>([&] { conn.exec("SELECT $1::text", withNul); });
    EXPECT_NE(std::string(error.what()).find("$1"), std::string::npos);
    EXPECT_TRUE(conn.healthy());
}

TEST(PgErrors, TransientClassification) {
    EXPECT_TRUE(pg::isTransient(pg::ConnectionLost("x", "08006")));
    EXPECT_TRUE(pg::isTransient(pg::SerializationFailure("x", "40001")));
    EXPECT_TRUE(pg::isTransient(pg::DeadlockDetected("x", "40P01")));
    EXPECT_TRUE(pg::isTransient(pg::PoolTimeout("x")));
    EXPECT_TRUE(pg::isTransient(pg::Error("x", "57P03")));
    EXPECT_FALSE(pg::isTransient(pg::CommitInDoubt("x", "08006")));
    EXPECT_FALSE(pg::isTransient(pg::UniqueViolation("x", "23505", "c")));
    EXPECT_FALSE(pg::isTransient(pg::QueryCanceled("x", "57014")));
    EXPECT_FALSE(pg::isTransient(pg::Error("x")));
}

TEST(PgErrors, SqlstateSelectsTheClass) {
    EXPECT_THROW(pg::throwForSqlstate("08006", "gone"), pg::ConnectionLost);
    EXPECT_THROW(pg::throwForSqlstate("57P01", "shutdown"), pg::ConnectionLost);
    EXPECT_THROW(pg::throwForSqlstate("40001", "x"), pg::SerializationFailure);
    EXPECT_THROW(pg::throwForSqlstate("23P01", "exclusion"), pg::IntegrityViolation);
    EXPECT_THROW(pg::throwForSqlstate("22003", "x"), pg::DataError);
    try {
        pg::throwForSqlstate("22P02", "invalid input syntax for type integer: \"12ab\"");
    } catch (const pg::DataError& error) {
        EXPECT_STREQ(error.what(),
                     "invalid input syntax for type integer: \"...\" (SQLSTATE 22P02)");
    }
}

TEST(PgConnect, FailureNeverShowsThePassword) {
    const auto refused = expectThrow<pg::ConnectionLost>(
        [] { Connection conn("postgresql://someone:TopSecretPw1@127.0.0.1:1/db", "pg-it"); });
    EXPECT_EQ(refused.sqlstate(), "08001");
    EXPECT_NE(std::string(refused.what()).find("cannot connect"), std::string::npos);
    EXPECT_EQ(std::string(refused.what()).find("TopSecretPw1"), std::string::npos);

    const auto keyValue = expectThrow<pg::ConnectionLost>(
        [] { Connection conn("host=127.0.0.1 port=1 dbname=x user=u password='Another Secret'"); });
    EXPECT_EQ(std::string(keyValue.what()).find("Another Secret"), std::string::npos);

    const auto malformed = expectThrow<pg::ConnectionLost>(
        [] { Connection conn("postgresql://u:MalformedSecret@127.0.0.1:1/db?nonsense=1"); });
    EXPECT_EQ(std::string(malformed.what()).find("MalformedSecret"), std::string::npos)
        << malformed.what();

    // A real authentication failure, when the test server checks passwords.
    std::string wrong = pg::redactPassword(shop::testing::pgAdminUrl());
    if (const auto stars = wrong.find("***"); stars != std::string::npos) {
        wrong.replace(stars, 3, "WrongSecret99");
        const auto denied = expectThrow<pg::ConnectionLost>([&] { Connection conn(wrong); });
        EXPECT_EQ(std::string(denied.what()).find("WrongSecret99"), std::string::npos)
            << denied.what();
    }
}

TEST(PgConnect, RedactPassword) {
    EXPECT_EQ(pg::redactPassword("postgresql://user:pa%40ss@db.example:5432/orders"),
              "postgresql://user:***@db.example:5432/orders");
    EXPECT_EQ(pg::redactPassword("postgres://user@host/db?sslmode=require&password=x1&a=b"),
              "postgres://user@host/db?sslmode=require&password=***&a=b");
    EXPECT_EQ(pg::redactPassword("postgresql://host/db"), "postgresql://host/db");
    EXPECT_EQ(pg::redactPassword("host=h password='a b\\'c' user=u"),
              "host=h password='***' user=u");
    EXPECT_EQ(pg::redactPassword("host=h password = secret dbname=d"),
              "host=h password = *** dbname=d");
}

TEST_F(PgTest, LostConnectionThrowsAndCanBeReset) {
    Connection victim = connect();
    const int pid = victim.backendPid();
    terminate(pid);
    const auto lost = expectThrow<pg::ConnectionLost>([&] { victim.exec("SELECT 1"); });
    EXPECT_TRUE(pg::isTransient(lost));
    EXPECT_FALSE(victim.healthy());
    EXPECT_THROW(victim.exec("SELECT $1::int", 1), pg::ConnectionLost);

    victim.reset();
    EXPECT_TRUE(victim.healthy());
    EXPECT_NE(victim.backendPid(), pid);
    EXPECT_EQ(victim.exec("SELECT $1::int", 5).int64(0, 0), 5);
}

TEST_F(PgTest, NotifyWakesTheListener) {
    Connection listener = connect();
    const std::string channel = "Orders \"Changed\" " + shop::testing::uniqueSuffix();
    listener.listen(channel);
    EXPECT_TRUE(listener.listening());

    int senderPid = 0;
    std::thread sender([&] {
        Connection conn = connect();
        senderPid = conn.backendPid();
        conn.notify(channel, "hello");
    });
    const auto received = listener.waitForNotifications(10s);
    sender.join();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].channel, channel);
    EXPECT_EQ(received[0].payload, "hello");
    EXPECT_EQ(received[0].backendPid, senderPid);

    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(listener.waitForNotifications(50ms).empty());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
}

TEST_F(PgTest, NotificationsReceivedDuringQueriesAreNotLost) {
    Connection listener = connect();
    const std::string channel = "ch_" + shop::testing::uniqueSuffix();
    listener.listen(channel);
    // Send from another session, then let the listener run a statement: libpq reads the
    // notification along with the statement's result and keeps it for waitForNotifications.
    admin().exec("SELECT pg_notify($1, $2)", channel, "buffered");
    ASSERT_TRUE(shop::testing::waitUntil([&] {
        listener.exec("SELECT 1");
        const auto got = listener.waitForNotifications(0ms);
        return !got.empty() && got[0].payload == "buffered";
    }));
}

TEST_F(PgTest, WaitForNotificationsThrowsWhenTheConnectionDrops) {
    Connection listener = connect();
    listener.listen("ch_" + shop::testing::uniqueSuffix());
    terminate(listener.backendPid());
    EXPECT_THROW(listener.waitForNotifications(10s), pg::ConnectionLost);
    EXPECT_FALSE(listener.healthy());
}
