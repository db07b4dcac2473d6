// Authentication and roles (CONTRACT section 2): who may call which endpoint with which token,
// signing in and its rate limits, API keys and their revocation, the per-token request limit,
// the internal secret between the gateway and the services, and no secret in the logs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "shop/domain/uuid.hpp"
#include "shop/testing/env.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

using namespace std::chrono_literals;

std::string localUrl(std::uint16_t port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

/// Every API key and access token these tests saw, for the check that none of them reached a
/// log (the last test of this file).
std::set<std::string>& seenSecrets() {
    static std::set<std::string> secrets;
    return secrets;
}

/// The Retry-After header as a number of seconds (-1 when absent or not a number).
int retryAfter(const HttpResponse& response) {
    const auto value = response.header("Retry-After");
    if (!value || value->empty() || value->find_first_not_of("0123456789") != std::string::npos) {
        return -1;
    }
    return std::stoi(*value);
}

::testing::AssertionResult isRateLimited(const HttpResponse& response, int windowSeconds) {
    auto envelope = isErrorEnvelope(response, 429, "RATE_LIMITED");
    if (!envelope) {
        return envelope;
    }
    const int wait = retryAfter(response);
    if (wait < 1 || wait > windowSeconds) {
        return ::testing::AssertionFailure()
               << "Retry-After should be 1.." << windowSeconds << " s, got "
               << response.header("Retry-After").value_or("(missing)");
    }
    return ::testing::AssertionSuccess();
}

std::string operatorCredentials(const std::string& password) {
    return R"({"username":)" + jsonString(Stack::instance().secrets().adminUser) +
           R"(,"password":)" + jsonString(password) + "}";
}

std::string keyCredentials(const std::string& apiKey) {
    return R"({"api_key":)" + jsonString(apiKey) + "}";
}

/// An API key of the right shape whose key id is `keyIdHex` (32 hex) and whose secret part is
/// not 64 hex digits: refused by the gateway at once, without a hash, but counted against that
/// key id like any failed sign-in.
std::string unparseableKey(const std::string& keyIdHex) {
    return "shop_" + keyIdHex + "_not-the-secret";
}

/// The key id part of an API key (`shop_<32 hex>_<64 hex>`).
std::string keyIdHexOf(const std::string& apiKey) {
    return apiKey.substr(5, 32);
}

class AuthE2eTest : public E2eTest {
  protected:
    /// An account token of `userId`, remembered for the log check.
    std::string tokenOf(const std::string& userId) {
        const domain::Json key = newApiKey(userId);
        seenSecrets().insert(str(&key, "api_key"));
        std::string token = signInWithKey(str(&key, "api_key"));
        seenSecrets().insert(token);
        return token;
    }
};

// ---- Who may call what -----------------------------------------------------------------------

struct Endpoint {
    std::string name;  ///< as printed in the table
    std::string method;
    std::string target;
    std::optional<std::string> body;
    int owner;  ///< expected status with the account token of the user concerned
    int other;  ///< ... of another user
    int operator_;
};

struct Caller {
    std::string name;
    HttpClient client;
    Headers headers;  ///< sent as they are (a malformed Authorization)
    bool authenticated;
    int Endpoint::*expected = nullptr;  ///< the column of Endpoint when authenticated
};

TEST_F(AuthE2eTest, EveryEndpointAnswersEachKindOfCallerAsTheContractSays) {
    Stack& stack = Stack::instance();
    const std::string owner = newAccount("100");
    const std::string other = newAccount("100");
    const std::string ownerOrder = newOrder(owner, "1", "the owner's");
    const auto ownerOrderSettled = waitForFinalOrder(ownerOrder);  // refundable once FINISHED
    ASSERT_TRUE(ownerOrderSettled && str(&*ownerOrderSettled, "status") == "FINISHED");
    const std::string ownerToken = tokenOf(owner);
    const std::string otherToken = tokenOf(other);
    const domain::Json spareKey = newApiKey(owner);  // revoked by the operator's DELETE
    seenSecrets().insert(str(&spareKey, "api_key"));

    const std::string userBody = R"({"user_id":)" + jsonString(owner);
    const std::vector<Endpoint> endpoints{
        {"POST /accounts", "POST", "/accounts", R"({"balance":"1"})", 403, 403, 201},
        {"GET /accounts", "GET", "/accounts?limit=2", std::nullopt, 403, 403, 200},
        {"GET /accounts/{owner}", "GET", "/accounts/" + owner, std::nullopt, 200, 403, 200},
        {"POST /accounts/topup", "POST", "/accounts/topup", userBody + R"(,"amount":"1"})", 200,
         403, 200},
        {"POST /accounts/{owner}/api-keys", "POST", "/accounts/" + owner + "/api-keys", "{}", 403,
         403, 201},
        {"GET /accounts/{owner}/api-keys", "GET", "/accounts/" + owner + "/api-keys", std::nullopt,
         403, 403, 200},
        {"DELETE /accounts/{owner}/api-keys/{key}", "DELETE",
         "/accounts/" + owner + "/api-keys/" + str(&spareKey, "key_id"), std::nullopt, 403, 403,
         200},
        {"POST /orders", "POST", "/orders", userBody + R"(,"amount":"1","description":"table"})",
         201, 403, 201},
        {"GET /orders?user_id={owner}", "GET", "/orders?user_id=" + owner, std::nullopt, 200, 403,
         200},
        {"GET /orders (all)", "GET", "/orders?limit=2", std::nullopt, 403, 403, 200},
        // An id prefix searches within the orders the user_id allows, never around them.
        {"GET /orders?id_prefix={owner's}", "GET", "/orders?id_prefix=" + ownerOrder.substr(0, 8),
         std::nullopt, 403, 403, 200},
        {"GET /orders?user_id={owner}&id_prefix=", "GET",
         "/orders?user_id=" + owner + "&id_prefix=" + ownerOrder.substr(0, 8), std::nullopt, 200,
         403, 200},
        {"GET /accounts?id_prefix={owner}", "GET", "/accounts?id_prefix=" + owner.substr(0, 8),
         std::nullopt, 403, 403, 200},
        {"GET /orders?user_id= (empty: all)", "GET", "/orders?user_id=&limit=2", std::nullopt, 403,
         403, 200},
        {"GET /orders/{owner's}", "GET", "/orders/" + ownerOrder, std::nullopt, 200, 403, 200},
        // For an account, an unknown order looks like another user's: no existence oracle.
        {"GET /orders/{unknown}", "GET", "/orders/" + domain::newUuid(), std::nullopt, 403, 403,
         404},
        // Refunds are requested by the operator only; an account reads its own.
        {"POST /orders/{owner's}/refunds", "POST", "/orders/" + ownerOrder + "/refunds",
         R"({"amount":"0.01"})", 403, 403, 202},
        {"GET /orders/{owner's}/refunds", "GET", "/orders/" + ownerOrder + "/refunds", std::nullopt,
         200, 403, 200},
        {"GET /orders/{unknown}/refunds", "GET", "/orders/" + domain::newUuid() + "/refunds",
         std::nullopt, 403, 403, 404},
        {"GET /accounts/{owner}/ledger", "GET", "/accounts/" + owner + "/ledger", std::nullopt, 200,
         403, 200},
        {"GET /metrics", "GET", "/metrics", std::nullopt, 403, 403, 200},
    };

    const HttpClient anonymous = stack.anonymousGateway();
    const std::vector<Caller> callers{
        {"no token", anonymous, {}, false},
        {"malformed", anonymous, {{"Authorization", "Bearer not-a-jwt"}}, false},
        {"not bearer", anonymous, {{"Authorization", "Basic " + stack.operatorToken()}}, false},
        {"tampered", anonymous.withToken(withTamperedSignature(stack.operatorToken())), {}, false},
        {"forged role", anonymous.withToken(withForgedOperatorRole(ownerToken)), {}, false},
        {"other secret", anonymous.withToken(operatorTokenOfAnotherSecret()), {}, false},
        {"expired", anonymous.withToken(expiredOperatorToken()), {}, false},
        {"owner", anonymous.withToken(ownerToken), {}, true, &Endpoint::owner},
        {"other user", anonymous.withToken(otherToken), {}, true, &Endpoint::other},
        {"operator", stack.gateway(), {}, true, &Endpoint::operator_},
    };

    // One row per endpoint, one column per caller: "expected/got", marked when they differ.
    auto padded = [](std::string text, std::size_t width) {
        text.resize(std::max(width, text.size()), ' ');
        return text;
    };
    bool allAsExpected = true;
    std::string table = padded("endpoint \\ caller", 40);
    for (const auto& caller : callers) {
        table += padded(" " + caller.name, 14);
    }
    table += "\n";
    std::vector<std::string> problems;
    for (const auto& endpoint : endpoints) {
        std::string line = padded(endpoint.name, 40);
        for (const auto& caller : callers) {
            const int expected = caller.authenticated ? endpoint.*caller.expected : 401;
            HttpRequest request;
            request.method = endpoint.method;
            request.target = endpoint.target;
            request.headers = caller.headers;
            if (endpoint.body) {
                request.body = *endpoint.body;
                request.contentType = "application/json";
            }
            const HttpResponse response = caller.client.send(request);
            bool ok = response.status == expected;
            if (ok && (expected == 401 || expected == 403)) {
                const auto envelope = isErrorEnvelope(
                    response, expected, expected == 401 ? "UNAUTHORIZED" : "FORBIDDEN");
                if (!envelope) {
                    ok = false;
                    problems.push_back(endpoint.name + ", " + caller.name + ": " +
                                       envelope.message());
                }
            }
            allAsExpected = allAsExpected && ok;
            line += padded(std::string(ok ? "  " : " *") + std::to_string(expected) + "/" +
                               std::to_string(response.status),
                           14);
        }
        table += line + "\n";
    }
    EXPECT_TRUE(allAsExpected) << "expected/got per endpoint and caller (* differs):\n"
                               << table << [&] {
                                      std::string text;
                                      for (const auto& problem : problems) {
                                          text += problem + "\n";
                                      }
                                      return text;
                                  }();
}

TEST_F(AuthE2eTest, MalformedIdsAndBodiesFromAnAccountReachTheServiceFor400) {
    // The gateway cannot tell whose a malformed id is: it lets the service answer 400 rather
    // than guess 403.
    const std::string owner = newAccount("10");
    const HttpClient account = Stack::instance().anonymousGateway().withToken(tokenOf(owner));
    EXPECT_TRUE(isErrorEnvelope(account.get("/accounts/not-a-uuid"), 400, "BAD_REQUEST"));
    EXPECT_TRUE(isErrorEnvelope(account.get("/orders?user_id=42"), 400, "BAD_REQUEST"));
    EXPECT_TRUE(isErrorEnvelope(account.get("/orders/nope"), 400, "BAD_REQUEST"));
    EXPECT_TRUE(isErrorEnvelope(account.postJson("/orders", "{not json"), 400, "BAD_REQUEST"));
    EXPECT_TRUE(isErrorEnvelope(
        account.postJson("/accounts/topup", R"({"user_id":12,"amount":"1"})"), 400, "BAD_REQUEST"));
    // Someone else's id in any spelling a UUID may have is still someone else's.
    const std::string other = newAccount("10");
    std::string upper = other;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_TRUE(isErrorEnvelope(account.get("/accounts/" + upper), 403, "FORBIDDEN"));
    EXPECT_TRUE(isErrorEnvelope(account.get("/orders?user_id=" + upper), 403, "FORBIDDEN"));
}

// ---- Signing in -------------------------------------------------------------------------------

TEST_F(AuthE2eTest, SignInAnswersTheOperatorAndAnAccount) {
    Stack& stack = Stack::instance();
    const auto signedIn = stack.signIn(operatorCredentials(stack.secrets().adminPassword));
    ASSERT_EQ(signedIn.status, 200) << signedIn.describe();
    seenSecrets().insert(str(signedIn.data(), "access_token"));
    EXPECT_FALSE(str(signedIn.data(), "access_token").empty());
    EXPECT_EQ(str(signedIn.data(), "token_type"), "Bearer");
    EXPECT_EQ(num(signedIn.data(), "expires_in"), "900");
    EXPECT_EQ(str(signedIn.data(), "role"), "operator");
    EXPECT_TRUE(isNullMember(signedIn.data(), "user_id")) << signedIn.describe();

    const std::string user = newAccount("5");
    const domain::Json key = newApiKey(user);
    const std::string apiKey = str(&key, "api_key");
    seenSecrets().insert(apiKey);
    EXPECT_EQ(str(&key, "user_id"), user);
    EXPECT_TRUE(isNullMember(&key, "revoked_at"));
    EXPECT_EQ(apiKey.rfind("shop_", 0), 0u) << apiKey;
    EXPECT_EQ(apiKey.size(), 5u + 32 + 1 + 64) << apiKey;
    const auto account = stack.signIn(keyCredentials(apiKey));
    ASSERT_EQ(account.status, 200) << account.describe();
    seenSecrets().insert(str(account.data(), "access_token"));
    EXPECT_EQ(str(account.data(), "role"), "account");
    EXPECT_EQ(str(account.data(), "user_id"), user);
    EXPECT_EQ(str(account.data(), "token_type"), "Bearer");

    // A body that is not a sign-in is a 400, not a failed sign-in.
    const std::vector<std::string> notSignIns{"{}", R"({"username":"x"})", "not json",
                                              R"({"username":"a","password":"b","api_key":"c"})",
                                              R"({"api_key":7})"};
    for (const std::string& body : notSignIns) {
        EXPECT_TRUE(isErrorEnvelope(stack.signIn(body), 400, "BAD_REQUEST")) << body;
    }
}

TEST_F(AuthE2eTest, BadCredentialsOfAnyKindGetOneAndTheSameAnswer) {
    Stack& stack = Stack::instance();
    const std::string unknownKey = "shop_" + std::string(32, 'a') + "_" + std::string(64, 'b');
    const std::vector<std::pair<std::string, std::string>> attempts{
        {"wrong password", operatorCredentials(stack.secrets().adminPassword + "x")},
        {"unknown user", R"({"username":"nobody-)" + testing::uniqueSuffix() + R"(","password":)" +
                             jsonString(stack.secrets().adminPassword) + "}"},
        {"unknown API key", keyCredentials(unknownKey)},
        {"not an API key", keyCredentials("let-me-in")},
    };
    std::optional<HttpResponse> first;
    for (const auto& [what, body] : attempts) {
        const HttpResponse response = stack.signIn(body);
        ASSERT_TRUE(isErrorEnvelope(response, 401, "UNAUTHORIZED")) << what;
        EXPECT_FALSE(response.header("Retry-After").has_value()) << what;
        if (!first) {
            first = response;
            continue;
        }
        // The same body but for the request id, so the answer tells nothing about what was wrong.
        EXPECT_EQ(str(response.error(), "message"), str(first->error(), "message")) << what;
        std::set<std::string> keys;
        std::set<std::string> firstKeys;
        for (const auto& [key, value] : response.error()->members()) {
            keys.insert(key);
        }
        for (const auto& [key, value] : first->error()->members()) {
            firstKeys.insert(key);
        }
        EXPECT_EQ(keys, firstKeys) << what;
        EXPECT_EQ(response.header("Content-Type"), first->header("Content-Type")) << what;
    }
}

TEST_F(AuthE2eTest, FailedSignInsAreLimitedPerKeyThenPerAddressAndRecoverAfterTheWindow) {
    // A gateway of its own (its own counters) with a short window and small limits. The
    // failures are API keys whose secret part is malformed, counted against their key id like
    // any failure. Each costs one slow hash (a quarter of a second, more on a loaded machine),
    // as every failed sign-in does, so the window holds the eight the address limit needs.
    constexpr int kWindow = 6;
    Stack& stack = Stack::instance();
    std::uint16_t port = 0;
    auto gateway = stack.startExtraGateway("gateway-login-limits", localUrl(stack.ordersPort()),
                                           localUrl(stack.paymentsPort()), port,
                                           {{"SHOP_LOGIN_WINDOW_S", std::to_string(kWindow)},
                                            {"SHOP_LOGIN_FAILURES_PER_USER", "3"},
                                            {"SHOP_LOGIN_FAILURES_PER_ADDRESS", "8"}});
    ASSERT_TRUE(gateway->running());
    auto signIn = [&](const std::string& body) { return stack.signIn(body, port); };

    // Success forgets a key's failures: two failures, a success, two more: never limited (the
    // fourth failure would be over the limit of 3 without the reset).
    const std::string user = newAccount("1");
    const domain::Json key = newApiKey(user);
    const std::string apiKey = str(&key, "api_key");
    seenSecrets().insert(apiKey);
    const std::string wrong = unparseableKey(keyIdHexOf(apiKey));
    EXPECT_EQ(signIn(keyCredentials(wrong)).status, 401);
    EXPECT_EQ(signIn(keyCredentials(wrong)).status, 401);
    const auto good = signIn(keyCredentials(apiKey));
    ASSERT_EQ(good.status, 200) << good.describe();
    seenSecrets().insert(str(good.data(), "access_token"));
    EXPECT_EQ(signIn(keyCredentials(wrong)).status, 401) << "success must reset the count";
    EXPECT_EQ(signIn(keyCredentials(wrong)).status, 401) << "success must reset the count";

    // Per key id: the fourth failure within the window is refused with 429, and so is the right
    // key meanwhile; after the window it is let through again.
    const std::string keyId = testing::uniqueSuffix() + std::string(32, '0');
    const std::string limited = unparseableKey(keyId.substr(0, 32));
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(isErrorEnvelope(signIn(keyCredentials(limited)), 401, "UNAUTHORIZED")) << i;
    }
    const auto refused = signIn(keyCredentials(limited));
    EXPECT_TRUE(isRateLimited(refused, kWindow));
    const auto started = std::chrono::steady_clock::now();
    HttpResponse last;
    EXPECT_TRUE(testing::waitUntil(
        [&] {
            last = signIn(keyCredentials(limited));
            return last.status != 429;
        },
        std::chrono::seconds(kWindow + 5), 100ms))
        << "still limited long after the window: " << last.describe();
    EXPECT_EQ(last.status, 401) << last.describe();
    std::printf("login limit lifted after %lld ms (window %d s)\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()),
                kWindow);

    // Per address: failures with ever new key ids (each under its own limit) add up until this
    // address is refused, even for a key id never tried and for the right password.
    int failures = 0;
    HttpResponse answer;
    for (int i = 0; i < 20; ++i) {
        answer = signIn(
            keyCredentials(unparseableKey(domain::newUuid().substr(0, 8) + std::string(24, 'f'))));
        if (answer.status != 401) {
            break;
        }
        ++failures;
    }
    EXPECT_TRUE(isRateLimited(answer, kWindow)) << "after " << failures << " failures";
    EXPECT_LE(failures, 8);
    EXPECT_TRUE(isRateLimited(signIn(operatorCredentials(stack.secrets().adminPassword)), kWindow));

    const ExitStatus status = gateway->stop(20s);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

TEST_F(AuthE2eTest, WrongPasswordsLockTheUsernameButNotOtherCallers) {
    Stack& stack = Stack::instance();
    std::uint16_t port = 0;
    auto gateway = stack.startExtraGateway(
        "gateway-password-limit", localUrl(stack.ordersPort()), localUrl(stack.paymentsPort()),
        port, {{"SHOP_LOGIN_FAILURES_PER_USER", "2"}, {"SHOP_LOGIN_WINDOW_S", "60"}});
    ASSERT_TRUE(gateway->running());
    const std::string wrong = operatorCredentials(stack.secrets().adminPassword + "-wrong");
    EXPECT_EQ(stack.signIn(wrong, port).status, 401);
    EXPECT_EQ(stack.signIn(wrong, port).status, 401);
    // The right password is refused too now: a guesser cannot tell when it got it right.
    EXPECT_TRUE(
        isRateLimited(stack.signIn(operatorCredentials(stack.secrets().adminPassword), port), 60));
    // An account's key is another "user": it still signs in from the same address.
    const domain::Json key = newApiKey(newAccount("1"));
    seenSecrets().insert(str(&key, "api_key"));
    const auto account = stack.signIn(keyCredentials(str(&key, "api_key")), port);
    EXPECT_EQ(account.status, 200) << account.describe();
    seenSecrets().insert(str(account.data(), "access_token"));

    const ExitStatus status = gateway->stop(20s);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

TEST_F(AuthE2eTest, AParallelBurstOfWrongPasswordsGetsNoMoreTriesThanTheLimit) {
    // Each password check takes a good fraction of a second, so a burst sent at once is all in
    // flight before the first failure is known: the limit must count attempts, not failures.
    constexpr int kLimit = 3;
    constexpr int kBurst = 12;
    Stack& stack = Stack::instance();
    std::uint16_t port = 0;
    auto gateway = stack.startExtraGateway(
        "gateway-password-burst", localUrl(stack.ordersPort()), localUrl(stack.paymentsPort()),
        port,
        {{"SHOP_LOGIN_FAILURES_PER_USER", std::to_string(kLimit)}, {"SHOP_LOGIN_WINDOW_S", "60"}});
    ASSERT_TRUE(gateway->running());
    const std::string wrong = operatorCredentials(stack.secrets().adminPassword + "-guess");
    std::vector<int> statuses(kBurst, 0);
    {
        std::vector<std::jthread> senders;
        for (int i = 0; i < kBurst; ++i) {
            senders.emplace_back([&, i] {
                statuses[static_cast<std::size_t>(i)] = stack.signIn(wrong, port).status;
            });
        }
    }
    const auto count = [&](int status) {
        return std::count(statuses.begin(), statuses.end(), status);
    };
    EXPECT_LE(count(401), kLimit) << "wrong passwords checked past the limit";
    EXPECT_GE(count(429), kBurst - kLimit);
    EXPECT_EQ(count(401) + count(429), kBurst) << "every answer is 401 or 429";

    const ExitStatus status = gateway->stop(20s);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

TEST_F(AuthE2eTest, RevokedKeyCannotSignInButItsTokenLastsUntilItExpires) {
    Stack& stack = Stack::instance();
    const std::string user = newAccount("10");
    const domain::Json key = newApiKey(user);
    const std::string apiKey = str(&key, "api_key");
    const std::string keyId = str(&key, "key_id");
    seenSecrets().insert(apiKey);
    const std::string token = signInWithKey(apiKey);
    seenSecrets().insert(token);

    HttpRequest revoke;
    revoke.method = "DELETE";
    revoke.target = "/accounts/" + user + "/api-keys/" + keyId;
    const auto revoked = api().send(revoke);
    ASSERT_EQ(revoked.status, 200) << revoked.describe();
    EXPECT_EQ(str(revoked.data(), "key_id"), keyId);
    EXPECT_FALSE(str(revoked.data(), "revoked_at").empty()) << revoked.describe();
    EXPECT_EQ(member(revoked.data(), "api_key"), nullptr) << "the key is shown only once";
    const auto listed = api().get("/accounts/" + user + "/api-keys");
    ASSERT_EQ(listed.status, 200) << listed.describe();
    ASSERT_EQ(itemsOf(listed).size(), 1u) << listed.describe();
    EXPECT_EQ(str(&itemsOf(listed)[0], "revoked_at"), str(revoked.data(), "revoked_at"));
    EXPECT_EQ(listed.body.find(apiKey.substr(38)), std::string::npos) << "no secret listed";

    EXPECT_TRUE(isErrorEnvelope(stack.signIn(keyCredentials(apiKey)), 401, "UNAUTHORIZED"));
    // Access tokens are not checked against the key store on each request: they are
    // short-lived (SHOP_TOKEN_TTL_S, 15 minutes by default), so a revoked key's token keeps
    // working until it expires. This pins that documented behaviour.
    const HttpClient holder = stack.anonymousGateway().withToken(token);
    EXPECT_EQ(holder.get("/accounts/" + user).status, 200);

    // Unknown keys and accounts.
    revoke.target = "/accounts/" + user + "/api-keys/" + domain::newUuid();
    EXPECT_TRUE(isErrorEnvelope(api().send(revoke), 404, "NOT_FOUND"));
    revoke.target = "/accounts/" + domain::newUuid() + "/api-keys/" + keyId;
    EXPECT_TRUE(isErrorEnvelope(api().send(revoke), 404, "NOT_FOUND"));
    EXPECT_TRUE(isErrorEnvelope(
        api().postJson("/accounts/" + domain::newUuid() + "/api-keys", "{}"), 404, "NOT_FOUND"));
    EXPECT_TRUE(isErrorEnvelope(api().get("/accounts/" + domain::newUuid() + "/api-keys"), 404,
                                "NOT_FOUND"));
}

TEST_F(AuthE2eTest, ATokenFromOneGatewayWorksOnAnotherOfTheSameStack) {
    Stack& stack = Stack::instance();
    std::uint16_t port = 0;
    auto second = stack.startExtraGateway("gateway-shared-secret", localUrl(stack.ordersPort()),
                                          localUrl(stack.paymentsPort()), port);
    ASSERT_TRUE(second->running());
    const std::string user = newAccount("10");
    const std::string token = tokenOf(user);  // issued by the first gateway
    const HttpClient secondGateway("127.0.0.1", port);
    EXPECT_EQ(secondGateway.withToken(stack.operatorToken()).get("/accounts?limit=1").status, 200);
    EXPECT_EQ(secondGateway.withToken(token).get("/accounts/" + user).status, 200);
    EXPECT_TRUE(
        isErrorEnvelope(secondGateway.withToken(token).get("/accounts?limit=1"), 403, "FORBIDDEN"));
    EXPECT_TRUE(isErrorEnvelope(secondGateway.get("/accounts/" + user), 401, "UNAUTHORIZED"));

    const ExitStatus status = second->stop(20s);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

// ---- Per-token request limit ------------------------------------------------------------------

TEST_F(AuthE2eTest, AnAccountTokenPastItsRequestLimitGets429WhileOthersGoOn) {
    constexpr int kLimit = 5;
    constexpr int kWindow = 2;
    Stack& stack = Stack::instance();
    std::uint16_t port = 0;
    auto gateway = stack.startExtraGateway("gateway-request-limit", localUrl(stack.ordersPort()),
                                           localUrl(stack.paymentsPort()), port,
                                           {{"SHOP_ACCOUNT_RATE_LIMIT", std::to_string(kLimit)},
                                            {"SHOP_RATE_WINDOW_S", std::to_string(kWindow)}});
    ASSERT_TRUE(gateway->running());
    const std::string user = newAccount("10");
    const std::string neighbour = newAccount("10");
    const HttpClient via("127.0.0.1", port);
    const HttpClient account = via.withToken(tokenOf(user));
    const HttpClient neighbourAccount = via.withToken(tokenOf(neighbour));
    const HttpClient operatorClient = via.withToken(stack.operatorToken());

    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kLimit; ++i) {
        EXPECT_EQ(account.get("/accounts/" + user).status, 200) << "request " << i + 1;
    }
    const auto refused = account.get("/accounts/" + user);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_LT(elapsed, std::chrono::seconds(kWindow))
        << "the requests took longer than the window: the machine is too slow for this check";
    EXPECT_TRUE(isRateLimited(refused, kWindow));
    // Per account user: the operator (no limit by default) and another account go on.
    for (int i = 0; i < 2 * kLimit; ++i) {
        EXPECT_EQ(operatorClient.get("/accounts/" + user).status, 200) << "operator " << i;
    }
    EXPECT_EQ(neighbourAccount.get("/accounts/" + neighbour).status, 200);
    // And the limited token works again after the window.
    EXPECT_TRUE(testing::waitUntil([&] { return account.get("/accounts/" + user).status == 200; },
                                   std::chrono::seconds(kWindow + 5), 100ms));

    const ExitStatus status = gateway->stop(20s);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

// ---- The internal secret ----------------------------------------------------------------------

TEST_F(AuthE2eTest, ServicesRefuseCallsWithoutTheInternalSecretAndWriteNothing) {
    Stack& stack = Stack::instance();
    const std::string secret = stack.secrets().internal;
    const HttpClient orders("127.0.0.1", stack.ordersPort());
    const HttpClient payments("127.0.0.1", stack.paymentsPort());
    const std::string user = newAccount("10");
    const domain::Json key = newApiKey(user);
    seenSecrets().insert(str(&key, "api_key"));
    const std::string stranger = domain::newUuid();

    const std::vector<std::pair<std::string, Headers>> refusedWith{
        {"no secret", {}},
        {"wrong secret", {{"X-Internal-Secret", "not-the-secret-at-all"}}},
        {"a prefix of it", {{"X-Internal-Secret", secret.substr(0, secret.size() - 1)}}},
        {"it and more", {{"X-Internal-Secret", secret + "0"}}},
        {"as a bearer token", {{"Authorization", "Bearer " + stack.operatorToken()}}},
    };
    for (const auto& [what, headers] : refusedWith) {
        SCOPED_TRACE(what);
        EXPECT_TRUE(isErrorEnvelope(
            orders.postJson("/orders",
                            R"({"user_id":)" + jsonString(user) +
                                R"(,"amount":"1","description":"around the gateway"})",
                            headers),
            401, "UNAUTHORIZED"));
        EXPECT_TRUE(
            isErrorEnvelope(orders.get("/orders?user_id=" + user, headers), 401, "UNAUTHORIZED"));
        EXPECT_TRUE(isErrorEnvelope(
            payments.postJson("/accounts",
                              R"({"user_id":)" + jsonString(stranger) + R"(,"balance":"5"})",
                              headers),
            401, "UNAUTHORIZED"));
        EXPECT_TRUE(isErrorEnvelope(
            payments.postJson("/accounts/topup",
                              R"({"user_id":)" + jsonString(user) + R"(,"amount":"5"})", headers),
            401, "UNAUTHORIZED"));
        EXPECT_TRUE(
            isErrorEnvelope(payments.postJson("/accounts/" + user + "/api-keys", "{}", headers),
                            401, "UNAUTHORIZED"));
        EXPECT_TRUE(
            isErrorEnvelope(payments.postJson("/internal/api-keys/verify",
                                              keyCredentials(str(&key, "api_key")), headers),
                            401, "UNAUTHORIZED"));
        // The secret is checked before routing: an unknown path or a wrong method gets the same
        // 401, so a caller without it cannot map the routes by 404 against 405.
        for (const HttpClient* service : {&orders, &payments}) {
            EXPECT_TRUE(
                isErrorEnvelope(service->get("/no-such-route", headers), 401, "UNAUTHORIZED"));
            HttpRequest wrongMethod;
            wrongMethod.method = "DELETE";
            wrongMethod.target = "/orders";
            wrongMethod.headers = headers;
            EXPECT_TRUE(isErrorEnvelope(service->send(wrongMethod), 401, "UNAUTHORIZED"));
        }
    }

    // With the secret: reads work, and they show that nothing above was written.
    const Headers withSecret{{"X-Internal-Secret", secret}};
    const auto userOrders = orders.get("/orders?user_id=" + user, withSecret);
    ASSERT_EQ(userOrders.status, 200) << userOrders.describe();
    EXPECT_TRUE(itemsOf(userOrders).empty()) << userOrders.describe();
    const auto account = payments.get("/accounts/" + user, withSecret);
    ASSERT_EQ(account.status, 200) << account.describe();
    EXPECT_EQ(str(account.data(), "balance"), "10.00");
    EXPECT_TRUE(
        isErrorEnvelope(payments.get("/accounts/" + stranger, withSecret), 404, "NOT_FOUND"));
    const auto keys = payments.get("/accounts/" + user + "/api-keys", withSecret);
    ASSERT_EQ(keys.status, 200) << keys.describe();
    EXPECT_EQ(itemsOf(keys).size(), 1u) << keys.describe();
    const auto verified = payments.postJson("/internal/api-keys/verify",
                                            keyCredentials(str(&key, "api_key")), withSecret);
    EXPECT_EQ(verified.status, 200) << verified.describe();
    EXPECT_EQ(str(verified.data(), "user_id"), user);

    // The checks carry no data: open to the health probes and scrapers.
    for (const HttpClient* service : {&orders, &payments}) {
        for (const char* path : {"/health/ready", "/health/live", "/health", "/metrics"}) {
            EXPECT_EQ(service->get(path).status, 200) << service->port() << path;
        }
    }
    // The key check is the services' business: the gateway does not route it.
    EXPECT_TRUE(isErrorEnvelope(
        api().postJson("/internal/api-keys/verify", keyCredentials(str(&key, "api_key"))), 404,
        "NOT_FOUND"));
}

TEST_F(AuthE2eTest, ACallerCannotSmuggleTheInternalSecretThroughTheGateway) {
    // The gateway sets the header itself: what a caller sends in it changes nothing.
    const HttpClient anonymous = Stack::instance().anonymousGateway();
    EXPECT_TRUE(isErrorEnvelope(
        anonymous.get("/accounts?limit=1", {{"X-Internal-Secret", "guess"}}), 401, "UNAUTHORIZED"));
    const auto ok = api().get("/accounts?limit=1", {{"X-Internal-Secret", "guess"}});
    EXPECT_EQ(ok.status, 200) << ok.describe();
}

// ---- Last: no secret in any log ---------------------------------------------------------------

TEST_F(AuthE2eTest, ZzNoSecretReachesAnyLog) {
    Stack& stack = Stack::instance();
    // Some of everything here too, so this test stands alone: a password sign-in (right and
    // wrong), an API key made and used, and requests with the tokens.
    const std::string user = newAccount("3");
    const std::string token = tokenOf(user);
    const auto wrong = stack.signIn(operatorCredentials(stack.secrets().adminPassword + "-nope"));
    EXPECT_EQ(wrong.status, 401);
    const auto signedIn = stack.signIn(operatorCredentials(stack.secrets().adminPassword));
    ASSERT_EQ(signedIn.status, 200);
    seenSecrets().insert(str(signedIn.data(), "access_token"));
    const HttpClient account = stack.anonymousGateway().withToken(token);
    EXPECT_EQ(account.get("/accounts/" + user).status, 200);
    const std::string requestId = "e2e-auth-last-" + testing::uniqueSuffix();
    EXPECT_EQ(account.get("/orders?user_id=" + user, {{"X-Request-Id", requestId}}).status, 200);
    // Each service writes its request line after answering: wait for the last one.
    EXPECT_TRUE(testing::waitUntil(
        [&] {
            return stack.gatewayProcess().logText().find("request_id=" + requestId) !=
                       std::string::npos &&
                   stack.ordersProcess().logText().find("request_id=" + requestId) !=
                       std::string::npos;
        },
        10s));

    std::map<std::string, std::string> secrets{
        {"the admin password", stack.secrets().adminPassword},
        {"the internal secret", stack.secrets().internal},
        {"the token secret", stack.secrets().token},
        {"the operator's token", stack.operatorToken()},
    };
    int n = 0;
    for (const auto& secret : seenSecrets()) {
        const bool apiKey = secret.rfind("shop_", 0) == 0;
        const std::string name = (apiKey ? "API key #" : "access token #") + std::to_string(++n);
        secrets[name] = secret;
        // The part that makes it a credential: a key's secret, a token's signature.
        secrets[name + " (secret part)"] =
            apiKey ? secret.substr(38) : secret.substr(secret.rfind('.') + 1);
    }
    ASSERT_GE(seenSecrets().size(), 2u);
    for (const auto& [name, path] : stack.logFiles()) {
        const std::string log = fileText(path);
        EXPECT_FALSE(log.empty()) << name;
        for (const auto& [what, secret] : secrets) {
            ASSERT_GE(secret.size(), 16u) << what;
            EXPECT_EQ(log.find(secret), std::string::npos) << what << " is in " << path;
        }
    }
}

}  // namespace
}  // namespace shop::e2e
