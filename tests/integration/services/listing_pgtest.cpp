// The account and order lists against their real schemas (issue 18): accounts newest first, and
// `id_prefix` turned into a range of the primary key (domain::uuidPrefixRange), on its own and
// with the cursor and the other filters.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "migrated_schema.hpp"
#include "repository/accounts_repository.hpp"
#include "repository/orders_repository.hpp"
#include "shop/domain/uuid.hpp"

namespace shop::testing {
namespace {

/// Ids around the prefix "abcd" and its dash positions, each created a second after the one
/// before it (so newest first is the reverse of this list), the last two at the same moment.
const std::vector<std::string> kIds = {
    "abccffff-ffff-ffff-ffff-ffffffffffff",  // just below "abcd"
    "abcd0000-0000-0000-0000-000000000000",  // the lowest id starting with "abcd"
    "abcd1234-0000-4000-8000-000000000001", "abcd1234-5678-4000-8000-000000000002",
    "abcd1235-0000-4000-8000-000000000003",
    "abcdffff-ffff-ffff-ffff-ffffffffffff",  // the highest
    "abce0000-0000-0000-0000-000000000000",  // just above
    "abcd1234-5678-4000-8000-000000000004",  // the same created_at as the next one
    "abcd1234-5678-4000-8000-000000000005",
};

const std::string& id(std::size_t i) {
    return kIds.at(i);
}

/// SQL for 5,000 random ids, none starting with "abcd" (they all start with 0).
const char* const kRandomIds = "('0' || substr(gen_random_uuid()::text, 2))::uuid";

/// The created_at of kIds[i] as SQL.
std::string createdAt(std::size_t i) {
    const std::size_t second = i == kIds.size() - 1 ? i - 1 : i;
    return "timestamptz '2026-12-07 00:00:00+00' + interval '" + std::to_string(second) +
           " seconds'";
}

domain::UuidRange rangeOf(std::string_view prefix) {
    auto range = domain::uuidPrefixRange(prefix);
    EXPECT_TRUE(range.has_value()) << prefix;
    return range.value_or(domain::UuidRange{});
}

/// `expected` as ids, in the order given.
std::vector<std::string> ids(std::initializer_list<std::size_t> expected) {
    std::vector<std::string> out;
    for (const std::size_t i : expected) {
        out.push_back(id(i));
    }
    return out;
}

/// Checks that this transaction read `table` only through its primary key: no sequential scan,
/// and no scan of another index (a backward scan of the page index, filtering every entry by
/// the id, is what a generic plan would otherwise take).
void expectOnlyThePrimaryKey(pg::Transaction& tx, const std::string& table) {
    const auto scans = tx.exec(
        "SELECT (SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = $1::regclass), "
        "pg_stat_get_xact_numscans(($1 || '_pkey')::regclass), "
        "(SELECT coalesce(sum(pg_stat_get_xact_numscans(indexrelid)), 0)::bigint FROM pg_index "
        "WHERE indrelid = $1::regclass AND indexrelid <> ($1 || '_pkey')::regclass), "
        "(SELECT string_agg(indexrelid::regclass::text || ' ' || "
        "pg_stat_get_xact_numscans(indexrelid), ', ') FROM pg_index "
        "WHERE indrelid = $1::regclass)",
        table);
    const std::string counts = scans.isNull(0, 3) ? "" : scans.str(0, 3);
    EXPECT_EQ(scans.int64(0, 0), 0) << "a sequential scan of " << table;
    EXPECT_GE(scans.int64(0, 1), 1) << "no scan of its primary key; index scans: " << counts;
    EXPECT_EQ(scans.int64(0, 2), 0) << "another index scanned; index scans: " << counts;
}

class AccountListing : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string sql;
        for (std::size_t i = 0; i < kIds.size(); ++i) {
            sql += "INSERT INTO accounts (user_id, balance, created_at) VALUES ('" + id(i) + "', " +
                   std::to_string(i) + ", " + createdAt(i) + ");";
        }
        m_db.run(sql);
    }

    /// Every account listed with `ids`, walking pages of `limit` by their cursor.
    std::vector<std::string> walk(const std::optional<domain::UuidRange>& range, int limit) {
        std::vector<std::string> seen;
        std::optional<service::Cursor> cursor;
        for (int pages = 0; pages < 100; ++pages) {
            pg::Transaction tx(m_db.pool());
            auto rows = payments::accounts_repository::page(tx, limit + 1, cursor, range);
            tx.commit();
            const bool more = static_cast<int>(rows.size()) > limit;
            if (more) {
                rows.resize(static_cast<std::size_t>(limit));
            }
            for (const auto& row : rows) {
                seen.push_back(row.userId);
            }
            if (!more) {
                return seen;
            }
            cursor = service::Cursor{rows.back().createdMicros, rows.back().userId};
        }
        ADD_FAILURE() << "the pages never end";
        return seen;
    }

    MigratedSchema m_db{"payments"};
};

TEST_F(AccountListing, NewestFirstPageByPage) {
    // Ties in created_at go by user id, descending too.
    const auto all = ids({8, 7, 6, 5, 4, 3, 2, 1, 0});
    EXPECT_EQ(walk(std::nullopt, 100), all);
    EXPECT_EQ(walk(std::nullopt, 2), all);
    EXPECT_EQ(walk(std::nullopt, 1), all);
}

TEST_F(AccountListing, APrefixSelectsExactlyTheIdsStartingWithIt) {
    const auto abcd = ids({8, 7, 5, 4, 3, 2, 1});
    EXPECT_EQ(walk(rangeOf("abcd"), 100), abcd) << "the four-character prefix, ends included";
    EXPECT_EQ(walk(rangeOf("ABCD"), 100), abcd) << "upper case";
    EXPECT_EQ(walk(rangeOf("abcd"), 2), abcd) << "with the cursor";
    EXPECT_EQ(walk(rangeOf("abcd"), 1), abcd) << "with the cursor";

    const auto before = ids({8, 7, 3, 2});
    EXPECT_EQ(walk(rangeOf("abcd1234"), 100), before) << "ending right before a dash";
    EXPECT_EQ(walk(rangeOf("abcd1234-"), 100), before) << "ending right after a dash";
    EXPECT_EQ(walk(rangeOf("abcd1234-5678-"), 1), ids({8, 7, 3}));
    EXPECT_EQ(walk(rangeOf("abcd1234-5678-4000-8000-00000000000"), 1), ids({8, 7, 3}));

    EXPECT_EQ(walk(rangeOf(id(3)), 100), ids({3})) << "a whole id";
    EXPECT_EQ(walk(rangeOf("ABCDFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"), 100), ids({5}));
    EXPECT_EQ(walk(rangeOf("abcc"), 100), ids({0}));
    EXPECT_TRUE(walk(rangeOf("0123"), 100).empty()) << "no match";
    EXPECT_TRUE(walk(rangeOf("abcd1234-5678-4000-8000-000000000009"), 100).empty());
}

TEST_F(AccountListing, APrefixIsFoundThroughThePrimaryKey) {
    m_db.run(std::string("INSERT INTO accounts (user_id, balance, created_at) SELECT ") +
             kRandomIds +
             ", 0, now() - n * interval '1 minute' FROM generate_series(1, 5000) AS n; "
             "ANALYZE accounts;");
    // Both plans PostgreSQL may use for the prepared statement: a custom one for the values and
    // the generic one it may switch to after five runs.
    for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
        SCOPED_TRACE(mode);
        pg::Transaction tx(m_db.pool());
        tx.exec(std::string("SET LOCAL plan_cache_mode = ") + mode);
        const auto rows =
            payments::accounts_repository::page(tx, 51, std::nullopt, rangeOf("abcd"));
        ASSERT_EQ(rows.size(), 7u);
        const service::Cursor cursor{rows.front().createdMicros, rows.front().userId};
        EXPECT_EQ(payments::accounts_repository::page(tx, 51, cursor, rangeOf("abcd")).size(), 6u)
            << "the next page";
        expectOnlyThePrimaryKey(tx, "accounts");
        tx.rollback();
    }
}

class OrderListing : public ::testing::Test {
  protected:
    static constexpr const char* kUser = "00000000-0000-4000-8000-000000000001";
    static constexpr const char* kOther = "00000000-0000-4000-8000-000000000002";

    /// The orders of kIds as order ids, of kUser but the third of kOther, the fourth FINISHED.
    void SetUp() override {
        std::string sql;
        for (std::size_t i = 0; i < kIds.size(); ++i) {
            sql +=
                "INSERT INTO orders (order_id, user_id, amount, description, status, version, "
                "created_at) VALUES ('" +
                id(i) + "', '" + (i == 2 ? kOther : kUser) + "', 100, 'o', " +
                (i == 3 ? "'FINISHED', 2" : "'NEW', 1") + ", " + createdAt(i) + ");";
        }
        m_db.run(sql);
    }

    std::vector<std::string> walk(orders::OrderFilter filter, int limit) {
        std::vector<std::string> seen;
        std::optional<service::Cursor> cursor;
        for (int pages = 0; pages < 100; ++pages) {
            pg::Transaction tx(m_db.pool());
            auto rows = orders::orders_repository::page(tx, filter, limit + 1, cursor);
            tx.commit();
            const bool more = static_cast<int>(rows.size()) > limit;
            if (more) {
                rows.resize(static_cast<std::size_t>(limit));
            }
            for (const auto& row : rows) {
                seen.push_back(row.orderId);
            }
            if (!more) {
                return seen;
            }
            cursor = service::Cursor{rows.back().createdMicros, rows.back().orderId};
        }
        ADD_FAILURE() << "the pages never end";
        return seen;
    }

    MigratedSchema m_db{"orders"};
};

TEST_F(OrderListing, APrefixCombinesWithTheOtherFiltersAndTheCursor) {
    orders::OrderFilter filter;
    filter.orderIds = rangeOf("ABCD1234-");
    EXPECT_EQ(walk(filter, 100), ids({8, 7, 3, 2}));
    EXPECT_EQ(walk(filter, 1), ids({8, 7, 3, 2}));
    filter.userId = kUser;
    EXPECT_EQ(walk(filter, 1), ids({8, 7, 3}));
    filter.status = domain::OrderStatus::Finished;
    EXPECT_EQ(walk(filter, 1), ids({3}));
    filter.userId = kOther;
    EXPECT_TRUE(walk(filter, 1).empty());

    orders::OrderFilter whole;
    whole.orderIds = rangeOf(id(5));
    EXPECT_EQ(walk(whole, 100), ids({5}));
    whole.orderIds = rangeOf("abcd");
    EXPECT_EQ(walk(whole, 2), ids({8, 7, 5, 4, 3, 2, 1}));
    whole.orderIds = rangeOf("9999");
    EXPECT_TRUE(walk(whole, 2).empty());
}

TEST_F(OrderListing, APrefixIsFoundThroughThePrimaryKey) {
    m_db.run(
        "INSERT INTO orders (order_id, user_id, amount, description, status, created_at) "
        "SELECT " +
        std::string(kRandomIds) + ", '" + kUser +
        "', 100, 'o', 'NEW', now() - n * interval '1 minute' "
        "FROM generate_series(1, 5000) AS n; ANALYZE orders;");
    for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
        SCOPED_TRACE(mode);
        pg::Transaction tx(m_db.pool());
        tx.exec(std::string("SET LOCAL plan_cache_mode = ") + mode);
        orders::OrderFilter filter;
        filter.orderIds = rangeOf("abcd");
        const auto rows = orders::orders_repository::page(tx, filter, 51, std::nullopt);
        ASSERT_EQ(rows.size(), 7u);
        const service::Cursor cursor{rows.front().createdMicros, rows.front().orderId};
        EXPECT_EQ(orders::orders_repository::page(tx, filter, 51, cursor).size(), 6u)
            << "the next page";
        expectOnlyThePrimaryKey(tx, "orders");
        tx.rollback();
    }
}

}  // namespace
}  // namespace shop::testing
