#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "shop/auth/rate_limiter.hpp"
#include "shop/auth/secret_hash.hpp"
#include "shop/auth/tokens.hpp"

namespace shop::auth {
namespace {

using namespace std::chrono_literals;

constexpr int kFastIterations = 1000;  // the format is what matters here, not the cost

TEST(SecretHash, VerifiesTheRightSecretOnly) {
    const std::string hash = hashSecret("correct horse", kFastIterations);
    EXPECT_TRUE(verifySecret("correct horse", hash));
    EXPECT_FALSE(verifySecret("correct horsf", hash));
    EXPECT_FALSE(verifySecret("", hash));
    EXPECT_EQ(hash.find("correct"), std::string::npos);
}

TEST(SecretHash, SaltsEveryHash) {
    EXPECT_NE(hashSecret("same", kFastIterations), hashSecret("same", kFastIterations));
}

TEST(SecretHash, UsesAHighIterationCountByDefault) {
    const std::string hash = hashSecret("pw");
    EXPECT_EQ(hash.rfind("pbkdf2-sha256$600000$", 0), 0u) << hash;
    EXPECT_TRUE(verifySecret("pw", hash));
}

TEST(SecretHash, RejectsMalformedEncodingsWithoutThrowing) {
    const std::string good = hashSecret("pw", kFastIterations);
    for (const std::string& bad :
         {std::string(), std::string("pw"), std::string("pbkdf2-sha256$1000$zz$00"),
          std::string("md5$1000$00$00"), std::string("pbkdf2-sha256$0$00$00"),
          std::string("pbkdf2-sha256$abc$00$00"), good.substr(0, good.size() - 1),
          std::string("pbkdf2-sha256$1000$00$")}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(verifySecret("pw", bad));
    }
}

TEST(SecretHash, ConstantTimeEqualsComparesContent) {
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
    EXPECT_FALSE(constantTimeEquals("abc", "ab"));
}

TEST(SecretHash, RandomHexHasTheLengthAndVaries) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto value = randomHex(16);
        EXPECT_EQ(value.size(), 32u);
        seen.insert(value);
    }
    EXPECT_EQ(seen.size(), 100u);
}

const std::string kSecret(40, 's');

TEST(Tokens, RoundTripsBothRoles) {
    TokenIssuer issuer(kSecret, 900s);
    auto op = issuer.verify(issuer.issue({Role::Operator, "admin", ""}));
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->role, Role::Operator);
    EXPECT_EQ(op->subject, "admin");
    const std::string user = "7f1c1b9e-8d4f-4e5a-9d07-2f1a3b4c5d6e";
    auto account = issuer.verify(issuer.issue({Role::Account, user, user}));
    ASSERT_TRUE(account.has_value());
    EXPECT_EQ(account->role, Role::Account);
    EXPECT_EQ(account->userId, user);
}

TEST(Tokens, RejectsTamperedForeignExpiredAndMalformedTokens) {
    TokenIssuer issuer(kSecret, 900s);
    const std::string token = issuer.issue({Role::Account, "u", "u"});
    std::string tampered = token;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(issuer.verify(tampered).has_value());

    // The payload changed to operator with the signature kept: rejected.
    const auto firstDot = token.find('.');
    const auto secondDot = token.find('.', firstDot + 1);
    const std::string forged =
        token.substr(0, firstDot + 1) +
        "eyJyb2xlIjoib3BlcmF0b3IiLCJzdWIiOiJ4IiwiaXNzIjoic2hvcC1nYXRld2F5In0" +
        token.substr(secondDot);
    EXPECT_FALSE(issuer.verify(forged).has_value());

    TokenIssuer other(std::string(40, 'o'), 900s);
    EXPECT_FALSE(other.verify(token).has_value());

    TokenIssuer shortLived(kSecret, -1s);
    EXPECT_FALSE(issuer.verify(shortLived.issue({Role::Operator, "admin", ""})).has_value());

    // alg "none", unsigned
    EXPECT_FALSE(issuer.verify("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJyb2xlIjoib3BlcmF0b3IifQ.")
                     .has_value());
    for (const char* junk : {"", "abc", "a.b.c", "....", "Bearer x"}) {
        EXPECT_FALSE(issuer.verify(junk).has_value()) << junk;
    }
}

/// The base64url digit whose value differs from `c`'s in the lowest two bits only.
char withLowBitsSet(char c, int bits) {
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return alphabet[alphabet.find(c) | static_cast<std::size_t>(bits)];
}

TEST(Tokens, AcceptsExactlyOneSpellingOfAToken) {
    TokenIssuer issuer(kSecret, 900s);
    const std::string token = issuer.issue({Role::Account, "u", "u"});
    ASSERT_TRUE(issuer.verify(token).has_value());
    // The HS256 signature is 32 bytes: 43 digits, whose last carries 2 bits beyond the bytes.
    const std::string signature = token.substr(token.rfind('.') + 1);
    ASSERT_EQ(signature.size(), 43u);

    EXPECT_FALSE(issuer.verify(token + "=").has_value()) << "padding";
    EXPECT_FALSE(issuer.verify(token + "==").has_value()) << "padding";
    EXPECT_FALSE(issuer.verify(token + ".").has_value()) << "an empty fourth segment";
    EXPECT_FALSE(issuer.verify(token + ".e30").has_value()) << "a fourth segment";
    for (const int bits : {1, 2, 3}) {
        std::string trailing = token;
        trailing.back() = withLowBitsSet(trailing.back(), bits);
        ASSERT_NE(trailing, token);
        EXPECT_FALSE(issuer.verify(trailing).has_value()) << "unused bits " << bits;
    }
    std::string standardAlphabet = token;
    for (char& c : standardAlphabet) {
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    if (standardAlphabet != token) {
        EXPECT_FALSE(issuer.verify(standardAlphabet).has_value()) << "base64, not base64url";
    }
    EXPECT_FALSE(issuer.verify(" " + token).has_value());
    EXPECT_FALSE(issuer.verify(token + " ").has_value());
}

TEST(Tokens, ManyThreadsIssueAndVerifyAtOnce) {
    // The gateway verifies a token on every request from many worker threads; Poco's crypto
    // setup used to be torn down and rebuilt under them (a crash under load).
    TokenIssuer issuer(kSecret, 900s);
    const std::string user = "7f1c1b9e-8d4f-4e5a-9d07-2f1a3b4c5d6e";
    std::atomic<int> verified{0};
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < 32; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 500; ++i) {
                    const auto principal = issuer.verify(issuer.issue({Role::Account, user, user}));
                    if (principal && principal->userId == user) {
                        ++verified;
                    }
                }
            });
        }
    }
    EXPECT_EQ(verified.load(), 32 * 500);
}

TEST(Tokens, RefusesAShortSecret) {
    EXPECT_THROW(TokenIssuer("short", 60s), std::invalid_argument);
}

TEST(RateLimiter, AllowsUpToTheLimitThenSaysHowLongToWait) {
    RateLimiter limiter(3, 60s);
    const auto t0 = RateLimiter::Clock::now();
    EXPECT_EQ(limiter.hit("ip:1", t0), 0s);
    EXPECT_EQ(limiter.hit("ip:1", t0 + 1s), 0s);
    EXPECT_EQ(limiter.hit("ip:1", t0 + 2s), 0s);
    EXPECT_EQ(limiter.hit("ip:1", t0 + 10s), 50s);
    EXPECT_EQ(limiter.check("ip:1", t0 + 59500ms), 1s);
    EXPECT_EQ(limiter.hit("ip:2", t0 + 10s), 0s);  // keys are independent
    EXPECT_EQ(limiter.hit("ip:1", t0 + 61s), 0s);  // and it recovers
}

TEST(RateLimiter, ResetForgetsAKeyAndIdleKeysAreSwept) {
    RateLimiter limiter(1, 10s);
    const auto t0 = RateLimiter::Clock::now();
    limiter.hit("a", t0);
    EXPECT_GT(limiter.check("a", t0), 0s);
    limiter.reset("a");
    EXPECT_EQ(limiter.check("a", t0), 0s);
    for (int i = 0; i < 100; ++i) {
        limiter.hit("key" + std::to_string(i), t0);
    }
    EXPECT_EQ(limiter.trackedKeys(), 100u);
    limiter.hit("late", t0 + 30s);
    EXPECT_EQ(limiter.trackedKeys(), 1u);
}

TEST(RateLimiter, RefundTakesBackOneHitOfTheCurrentWindowOnly) {
    RateLimiter limiter(2, 10s);
    const auto t0 = RateLimiter::Clock::now();
    EXPECT_EQ(limiter.hit("a", t0), 0s);
    EXPECT_EQ(limiter.hit("a", t0), 0s);
    EXPECT_GT(limiter.check("a", t0), 0s);
    limiter.refund("a", t0);
    EXPECT_EQ(limiter.check("a", t0), 0s);
    EXPECT_EQ(limiter.hit("a", t0), 0s);
    EXPECT_GT(limiter.hit("a", t0), 0s);  // a refused hit recorded nothing to refund
    limiter.refund("a", t0);
    EXPECT_EQ(limiter.hit("a", t0), 0s);
    limiter.refund("never-seen", t0);  // harmless
    EXPECT_EQ(limiter.trackedKeys(), 1u);
    // A refund after the window ends cannot lend the next window an extra hit.
    limiter.refund("a", t0 + 11s);
    EXPECT_EQ(limiter.hit("a", t0 + 11s), 0s);
    EXPECT_EQ(limiter.hit("a", t0 + 11s), 0s);
    EXPECT_GT(limiter.hit("a", t0 + 11s), 0s);
}

TEST(RateLimiter, ConcurrentHitsOnOneKeyAdmitExactlyTheLimit) {
    constexpr std::size_t kLimit = 100;
    constexpr int kThreads = 4;
    RateLimiter limiter(kLimit, 60s);
    const auto t0 = RateLimiter::Clock::now();
    std::atomic<std::size_t> admitted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string own = "own:" + std::to_string(t);
            for (int i = 0; i < 100; ++i) {
                if (limiter.hit("shared", t0) == 0s) {
                    ++admitted;
                }
                // Other keys come and go meanwhile (the map grows and shrinks under the hits).
                limiter.hit(own, t0);
                limiter.reset(own);
                [[maybe_unused]] auto wait = limiter.check("shared", t0);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(admitted.load(), kLimit);
    EXPECT_GT(limiter.check("shared", t0), 0s);
}

}  // namespace
}  // namespace shop::auth
