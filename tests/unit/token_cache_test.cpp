#include <gtest/gtest.h>

#include "auth/token_cache.hpp"

namespace shop::gateway {
namespace {

using namespace std::chrono_literals;
using auth::Principal;
using auth::Role;
using auth::TokenIssuer;
using auth::VerifiedToken;

const std::string kSecret(40, 's');

TEST(TokenCache, CheckTellsTheTokensExpiry) {
    const TokenIssuer issuer(kSecret, 900s);
    const auto before = std::chrono::system_clock::now();
    const auto verified = issuer.check(issuer.issue({Role::Operator, "admin", ""}));
    ASSERT_TRUE(verified);
    EXPECT_EQ(verified->principal.subject, "admin");
    // JWT expiry has whole seconds.
    EXPECT_GE(verified->expiresAt, before + 899s);
    EXPECT_LE(verified->expiresAt, std::chrono::system_clock::now() + 900s);
}

TEST(TokenCache, HoldsAVerifiedTokenByItsExactTextUntilItExpires) {
    TokenCache cache;
    const auto now = TokenCache::Clock::now();
    cache.remember("token-a", VerifiedToken{Principal{Role::Account, "u1", "u1"}, now + 60s});

    const auto found = cache.find("token-a", now);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->role, Role::Account);
    EXPECT_EQ(found->userId, "u1");
    EXPECT_FALSE(cache.find("token-b", now));
    EXPECT_FALSE(cache.find("token-A", now));
    EXPECT_FALSE(cache.find("token-a ", now));
    EXPECT_TRUE(cache.find("token-a", now + 59s));
    EXPECT_FALSE(cache.find("token-a", now + 60s));
}

TEST(TokenCache, WhenFullForgetsTheExpiredThenEverything) {
    TokenCache cache(2);
    const auto now = TokenCache::Clock::now();
    const Principal who{Role::Operator, "admin", ""};
    cache.remember("expired", VerifiedToken{who, now - 1s});
    cache.remember("live", VerifiedToken{who, now + 60s});
    cache.remember("third", VerifiedToken{who, now + 60s});  // the expired one goes
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_TRUE(cache.find("live", now));
    EXPECT_TRUE(cache.find("third", now));

    cache.remember("fourth", VerifiedToken{who, now + 60s});  // nothing expired: all go
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_TRUE(cache.find("fourth", now));
    EXPECT_FALSE(cache.find("live", now));

    cache.remember("fourth", VerifiedToken{who, now + 120s});  // the same token again
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_TRUE(cache.find("fourth", now + 90s));
}

TEST(TokenCache, CapacityZeroHoldsNothing) {
    TokenCache cache(0);
    const auto now = TokenCache::Clock::now();
    cache.remember("t", VerifiedToken{Principal{Role::Operator, "admin", ""}, now + 60s});
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_FALSE(cache.find("t", now));
}

}  // namespace
}  // namespace shop::gateway
