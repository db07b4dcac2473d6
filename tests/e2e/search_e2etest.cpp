// Finding accounts and orders through the gateway (issue 18, CONTRACT section 2): `id_prefix`
// finds accounts by user id and orders by order id, newest first, with the cursor, the other
// filters and the account role's scoping. (Accounts newest first: accounts_e2etest.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "shop/domain/uuid.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

std::string upper(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return text;
}

class SearchE2eTest : public E2eTest {
  protected:
    /// The ids (`idKey` of each item) of every page of `target` (which has a query already),
    /// following next_cursor; checks that no page but the last is short and that the items
    /// come newest first.
    std::vector<std::string> walk(const HttpClient& client, const std::string& target,
                                  const std::string& idKey, int limit) {
        std::vector<std::string> ids;
        std::string cursor;
        std::string lastCreated;
        for (int page = 0; page < 10000; ++page) {
            const std::string url = target + "&limit=" + std::to_string(limit) +
                                    (cursor.empty() ? "" : "&cursor=" + cursor);
            const auto response = client.get(url);
            if (response.status != 200) {
                ADD_FAILURE() << url << ": " << response.describe();
                return ids;
            }
            for (const auto& item : itemsOf(response)) {
                ids.push_back(str(&item, idKey));
                const std::string created = str(&item, "created_at");
                EXPECT_TRUE(lastCreated.empty() || created <= lastCreated)
                    << url << ": " << created << " listed after " << lastCreated;
                lastCreated = created;
            }
            const domain::Json* next = member(response.data(), "next_cursor");
            if (next == nullptr || next->isNull()) {
                return ids;
            }
            EXPECT_EQ(static_cast<int>(itemsOf(response).size()), limit) << url << ": short page";
            cursor = next->asString();
        }
        ADD_FAILURE() << target << ": the pages never end";
        return ids;
    }
};

TEST_F(SearchE2eTest, AnIdPrefixFindsTheAccountsWhoseUserIdStartsWithIt) {
    // Three users whose ids share their first 14 characters (up to the second dash) and a fourth
    // that shares only the first 8.
    const std::string base = domain::newUuid();
    const std::string shared = base.substr(0, 14);
    std::vector<std::string> mine;
    for (const char* tail :
         {"4000-8000-000000000001", "4000-8000-000000000002", "4fff-8000-000000000003"}) {
        mine.push_back(shared + tail);
        ASSERT_EQ(createAccount(mine.back(), "1").status, 201);
    }
    const std::string cousin = base.substr(0, 9) + (base[9] == '0' ? "1" : "0") +
                               base.substr(10, 4) + "4000-8000-000000000004";
    ASSERT_EQ(createAccount(cousin, "1").status, 201);
    const std::vector<std::string> newestFirst(mine.rbegin(), mine.rend());

    EXPECT_EQ(walk(api(), "/accounts?id_prefix=" + shared, "user_id", 200), newestFirst);
    EXPECT_EQ(walk(api(), "/accounts?id_prefix=" + upper(shared), "user_id", 1), newestFirst)
        << "upper case, page by page";
    std::vector<std::string> wider = {cousin};
    wider.insert(wider.end(), newestFirst.begin(), newestFirst.end());
    EXPECT_EQ(walk(api(), "/accounts?id_prefix=" + base.substr(0, 8), "user_id", 2), wider)
        << "ending before a dash";
    EXPECT_EQ(walk(api(), "/accounts?id_prefix=" + base.substr(0, 9), "user_id", 2), wider)
        << "ending after a dash";
    EXPECT_EQ(walk(api(), "/accounts?id_prefix=" + upper(mine[1]), "user_id", 50),
              std::vector<std::string>{mine[1]})
        << "a whole id";
    EXPECT_TRUE(walk(api(), "/accounts?id_prefix=" + domain::newUuid(), "user_id", 50).empty())
        << "no account has that id";
    // An empty id_prefix is no filter, as an empty user_id or status is.
    const auto unfiltered = api().get("/accounts?id_prefix=&limit=1");
    ASSERT_EQ(itemsOf(unfiltered).size(), 1u) << unfiltered.describe();
    EXPECT_EQ(str(&itemsOf(unfiltered).front(), "user_id"), cousin);
}

TEST_F(SearchE2eTest, AnIdPrefixFindsOrdersWithTheOtherFilters) {
    const std::string owner = newAccount("100");
    const std::string other = newAccount("100");
    const std::string order = newOrder(owner, "1", "found by its id");
    const std::string otherOrder = newOrder(other, "1", "someone else's");
    ASSERT_TRUE(waitForFinalOrder(order));
    const std::string prefix = order.substr(0, 8);

    const auto found = walk(api(), "/orders?id_prefix=" + upper(prefix), "order_id", 2);
    EXPECT_NE(std::find(found.begin(), found.end(), order), found.end());
    for (const auto& id : found) {
        EXPECT_EQ(id.substr(0, 8), prefix);
    }
    EXPECT_EQ(walk(api(), "/orders?id_prefix=" + order, "order_id", 50),
              std::vector<std::string>{order});
    EXPECT_EQ(walk(api(), "/orders?user_id=" + owner + "&status=FINISHED&id_prefix=" + prefix,
                   "order_id", 50),
              std::vector<std::string>{order});
    EXPECT_TRUE(walk(api(), "/orders?user_id=" + owner + "&status=CANCELLED&id_prefix=" + prefix,
                     "order_id", 50)
                    .empty());
    EXPECT_TRUE(walk(api(), "/orders?user_id=" + owner + "&id_prefix=" + otherOrder, "order_id", 50)
                    .empty());
    EXPECT_TRUE(walk(api(), "/orders?id_prefix=" + domain::newUuid(), "order_id", 50).empty());
}

TEST_F(SearchE2eTest, AMalformedIdPrefixIsBadRequestAndNothingElse) {
    const std::string id = domain::newUuid();
    for (const std::string path : {"/accounts", "/orders"}) {
        for (const std::string& prefix : std::vector<std::string>{
                 "abc",                       // too short
                 id + "0",                    // too long
                 "abcg",                      // not hex
                 "%20abcd",                   // a space
                 "abcd%00",                   // a NUL
                 "ab%C3%A9d",                 // not ASCII
                 id.substr(0, 8) + "0",       // a digit where the dash belongs
                 "abc-def",                   // a dash where a digit belongs
                 "----",                      // only dashes
                 "{" + id.substr(0, 8) + "}"  // braces
             }) {
            SCOPED_TRACE(path + "?id_prefix=" + prefix);
            const auto response = api().get(path + "?id_prefix=" + prefix + "&limit=5");
            EXPECT_TRUE(isErrorEnvelope(response, 400, "BAD_REQUEST"));
            EXPECT_EQ(response.data(), nullptr) << response.describe();
            ASSERT_NE(response.error(), nullptr);
            EXPECT_NE(str(response.error(), "message").find("id_prefix"), std::string::npos)
                << response.describe();
        }
    }
}

TEST_F(SearchE2eTest, AnAccountSearchesOnlyItsOwnOrders) {
    const std::string owner = newAccount("100");
    const std::string other = newAccount("100");
    const std::string ownOrder = newOrder(owner, "1", "mine");
    const std::string otherOrder = newOrder(other, "1", "theirs");
    const HttpClient client = Stack::instance().anonymousGateway().withToken(accountToken(owner));

    // Without its own user_id an account lists nobody's orders, with a prefix or without.
    for (const std::string& target :
         {"/orders?id_prefix=" + otherOrder, "/orders?id_prefix=" + otherOrder.substr(0, 4),
          "/orders?user_id=&id_prefix=" + otherOrder, "/orders?id_prefix=" + ownOrder,
          "/orders?user_id=" + other + "&id_prefix=" + otherOrder}) {
        SCOPED_TRACE(target);
        EXPECT_TRUE(isErrorEnvelope(client.get(target), 403, "FORBIDDEN"));
    }
    // Within its own orders, a prefix finds only its own.
    EXPECT_EQ(walk(client, "/orders?user_id=" + owner + "&id_prefix=" + ownOrder, "order_id", 50),
              std::vector<std::string>{ownOrder});
    EXPECT_TRUE(
        walk(client, "/orders?user_id=" + owner + "&id_prefix=" + otherOrder, "order_id", 50)
            .empty());
    for (const auto& id :
         walk(client, "/orders?user_id=" + owner + "&id_prefix=" + otherOrder.substr(0, 4),
              "order_id", 50)) {
        EXPECT_NE(id, otherOrder);
    }
    // The account list stays the operator's.
    EXPECT_TRUE(
        isErrorEnvelope(client.get("/accounts?id_prefix=" + owner.substr(0, 8)), 403, "FORBIDDEN"));
}

}  // namespace
}  // namespace shop::e2e
