// Accounts through the gateway: creation, conflicts, lookups, pagination (newest first) and
// top-ups with an Idempotency-Key (CONTRACT section 2 and section 5 item 4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "shop/domain/uuid.hpp"
#include "shop/pg/connection.hpp"
#include "shop/testing/env.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

class AccountsE2eTest : public E2eTest {};

TEST_F(AccountsE2eTest, CreateReturnsTheAccountAndGetReadsIt) {
    const std::string userId = domain::newUuid();
    const auto created = createAccount(userId, "199.99");
    ASSERT_EQ(created.status, 201) << created.describe();
    EXPECT_EQ(str(created.data(), "user_id"), userId);
    EXPECT_EQ(str(created.data(), "balance"), "199.99");
    EXPECT_FALSE(str(created.data(), "created_at").empty());
    EXPECT_FALSE(str(created.data(), "updated_at").empty());

    const auto read = api().get("/accounts/" + userId);
    ASSERT_EQ(read.status, 200) << read.describe();
    EXPECT_EQ(read.body, created.body);

    // An upper-case id names the same account.
    std::string upper = userId;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const auto readUpper = api().get("/accounts/" + upper);
    ASSERT_EQ(readUpper.status, 200) << readUpper.describe();
    EXPECT_EQ(str(readUpper.data(), "user_id"), userId);
}

TEST_F(AccountsE2eTest, CreateWithoutUserIdGeneratesOneWithZeroBalance) {
    const auto created = api().postJson("/accounts", "{}");
    ASSERT_EQ(created.status, 201) << created.describe();
    const std::string userId = str(created.data(), "user_id");
    EXPECT_EQ(domain::normalizeUuid(userId).value_or(""), userId);
    EXPECT_EQ(str(created.data(), "balance"), "0.00");
    EXPECT_EQ(balanceOf(userId), "0.00");
}

TEST_F(AccountsE2eTest, SecondAccountForTheSameUserIsConflict) {
    const std::string userId = newAccount(R"("5.00")");
    const auto again = createAccount(userId, R"("7.00")");
    EXPECT_TRUE(isErrorEnvelope(again, 409, "CONFLICT"));
    EXPECT_EQ(balanceOf(userId), "5.00");
}

TEST_F(AccountsE2eTest, UnknownAccountIsNotFound) {
    const auto response = api().get("/accounts/" + domain::newUuid());
    EXPECT_TRUE(isErrorEnvelope(response, 404, "NOT_FOUND"));
    const auto topUp = api().postJson(
        "/accounts/topup", R"({"user_id":)" + jsonString(domain::newUuid()) + R"(,"amount":1})");
    EXPECT_TRUE(isErrorEnvelope(topUp, 404, "NOT_FOUND"));
}

TEST_F(AccountsE2eTest, ListComesNewestFirstAndFollowsCursorsPageByPage) {
    std::vector<std::string> mine;
    for (int i = 0; i < 3; ++i) {
        mine.push_back(newAccount("1"));
    }
    const std::vector<std::string> newestFirst(mine.rbegin(), mine.rend());

    // The tests run one at a time, so the accounts just created come first: two on the first
    // page, the third on the next.
    const auto first = api().get("/accounts?limit=2");
    ASSERT_EQ(first.status, 200) << first.describe();
    ASSERT_EQ(itemsOf(first).size(), 2u);
    EXPECT_EQ(str(&itemsOf(first)[0], "user_id"), newestFirst[0]);
    EXPECT_EQ(str(&itemsOf(first)[1], "user_id"), newestFirst[1]);
    const domain::Json* cursor = member(first.data(), "next_cursor");
    ASSERT_NE(cursor, nullptr);
    ASSERT_TRUE(cursor->isString()) << first.describe();
    const auto second = api().get("/accounts?limit=2&cursor=" + cursor->asString());
    ASSERT_EQ(second.status, 200) << second.describe();
    ASSERT_FALSE(itemsOf(second).empty());
    EXPECT_EQ(str(&itemsOf(second)[0], "user_id"), newestFirst[2]);

    // Every page to the oldest: each account once, newest first, only the last page short,
    // and it ends with a null cursor.
    std::vector<std::string> seen;
    std::set<std::string> unique;
    std::string next;
    std::string lastCreated;
    int pages = 0;
    while (true) {
        const auto response =
            api().get("/accounts?limit=200" + (next.empty() ? "" : "&cursor=" + next));
        ASSERT_EQ(response.status, 200) << response.describe();
        ++pages;
        for (const auto& item : itemsOf(response)) {
            const std::string userId = str(&item, "user_id");
            EXPECT_TRUE(unique.insert(userId).second) << userId << " listed twice";
            const std::string created = str(&item, "created_at");
            EXPECT_TRUE(lastCreated.empty() || created <= lastCreated) << "not newest first";
            lastCreated = created;
            seen.push_back(userId);
        }
        const domain::Json* more = member(response.data(), "next_cursor");
        ASSERT_NE(more, nullptr);
        if (more->isNull()) {
            break;
        }
        ASSERT_EQ(itemsOf(response).size(), 200u) << "a page before the last one is short";
        next = more->asString();
        ASSERT_LT(pages, 10000);
    }
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.begin() + 3), newestFirst);
}

TEST_F(AccountsE2eTest, BadLimitOrCursorIsBadRequest) {
    for (const std::string path : {"/accounts", "/orders"}) {
        for (const std::string& query : std::vector<std::string>{
                 "limit=0", "limit=201", "limit=abc", "limit=-1", "limit=1.5",
                 "limit=", "cursor=garbage", "cursor=123_not-a-uuid",
                 "cursor=_" + domain::newUuid(), "cursor=x1_" + domain::newUuid()}) {
            SCOPED_TRACE(path + "?" + query);
            EXPECT_TRUE(isErrorEnvelope(api().get(path + "?" + query), 400, "BAD_REQUEST"));
        }
    }
}

TEST_F(AccountsE2eTest, TopUpReplayWithTheSameKeyCreditsOnce) {
    const std::string userId = newAccount(R"("10.00")");
    const std::string key = "e2e-topup-" + testing::uniqueSuffix();
    const Headers headers{{"Idempotency-Key", key}};
    const std::string body = R"({"user_id":)" + jsonString(userId) + R"(,"amount":15.25})";

    const auto first = api().postJson("/accounts/topup", body, headers);
    ASSERT_EQ(first.status, 200) << first.describe();
    EXPECT_EQ(str(first.data(), "balance"), "25.25");

    const auto second = api().postJson("/accounts/topup", body, headers);
    EXPECT_EQ(second.status, first.status);
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(second.header("Idempotent-Replayed").value_or(""), "true");

    // The same amount written as a string is the same request.
    const auto asString =
        api().postJson("/accounts/topup",
                       R"({"user_id":)" + jsonString(userId) + R"(,"amount":"15.25"})", headers);
    EXPECT_EQ(asString.status, 200);
    EXPECT_EQ(asString.body, first.body);
    EXPECT_EQ(balanceOf(userId), "25.25");

    const auto different = api().postJson(
        "/accounts/topup", R"({"user_id":)" + jsonString(userId) + R"(,"amount":16})", headers);
    EXPECT_TRUE(isErrorEnvelope(different, 422, "IDEMPOTENCY_KEY_REUSED"));
    EXPECT_EQ(balanceOf(userId), "25.25");

    // Without a key every request is its own top-up.
    for (int i = 0; i < 2; ++i) {
        const auto plain = api().postJson(
            "/accounts/topup", R"({"user_id":)" + jsonString(userId) + R"(,"amount":"1.00"})");
        ASSERT_EQ(plain.status, 200) << plain.describe();
    }
    EXPECT_EQ(balanceOf(userId), "27.25");

    // The ledger shows the opening balance and exactly three top-ups.
    pg::Connection db(Stack::instance().settings().paymentsDbAdminUrl, "e2e_tests");
    const auto ledger = db.exec(
        "SELECT kind, count(*), sum(amount)::bigint FROM ledger WHERE user_id = $1 "
        "GROUP BY kind ORDER BY kind",
        userId);
    ASSERT_EQ(ledger.rows(), 2);
    EXPECT_EQ(ledger.str(0, 0), "OPENING");
    EXPECT_EQ(ledger.int64(0, 2), 1000);
    EXPECT_EQ(ledger.str(1, 0), "TOPUP");
    EXPECT_EQ(ledger.int64(1, 1), 3);
    EXPECT_EQ(ledger.int64(1, 2), 1725);
}

}  // namespace
}  // namespace shop::e2e
