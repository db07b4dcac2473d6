#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "shop/domain/json.hpp"
#include "support/http_client.hpp"
#include "support/stack.hpp"

namespace shop::e2e {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Base of every end-to-end test: a gateway client, API shortcuts, and a check after each test
/// that none of the services has died.
class E2eTest : public ::testing::Test {
  protected:
    void TearDown() override;

    const HttpClient& api() const { return m_api; }

    /// POST /accounts {"user_id", "balance"}; `balance` is JSON text (`"100.00"` or `100`).
    HttpResponse createAccount(const std::string& userId, const std::string& balanceJson) const;
    /// createAccount that must answer 201; returns the user id.
    std::string newAccount(const std::string& balanceJson) const;
    /// GET /accounts/{userId} that must answer 200; the balance string.
    std::string balanceOf(const std::string& userId) const;

    /// POST /orders; `amountJson` is JSON text.
    HttpResponse createOrder(const std::string& userId, const std::string& amountJson,
                             const std::string& description, Headers headers = {}) const;
    /// createOrder that must answer 201; the order id.
    std::string newOrder(const std::string& userId, const std::string& amountJson,
                         const std::string& description) const;
    /// GET /orders/{orderId} until its status is no longer NEW (or `timeout` passes); the last
    /// Order object seen, nullopt when it never answered 200.
    std::optional<domain::Json> waitForFinalOrder(
        const std::string& orderId, std::chrono::milliseconds timeout = std::chrono::seconds(30),
        std::chrono::milliseconds* elapsed = nullptr) const;
    /// Every order of a user (all pages of GET /orders?user_id=), newest first.
    std::vector<domain::Json> ordersOf(const std::string& userId) const;

    /// POST /accounts/{userId}/api-keys as the operator, which must answer 201; its `data`
    /// (key_id, user_id, created_at, revoked_at, api_key).
    domain::Json newApiKey(const std::string& userId) const;
    /// Signs in with `apiKey` (POST /auth/token), which must answer 200; the access token.
    static std::string signInWithKey(const std::string& apiKey);
    /// An account token of `userId`: a new API key, signed in with.
    std::string accountToken(const std::string& userId) const;

  private:
    HttpClient m_api = Stack::instance().gateway();
};

/// `token` (a JWT) with one character in the middle of its signature changed.
std::string withTamperedSignature(const std::string& token);
/// `token` (an account token) with its claims rewritten to the operator role, keeping the
/// original signature: what a caller who edits their own token would send.
std::string withForgedOperatorRole(const std::string& token);
/// An operator token signed with this stack's token secret that expired a minute ago.
std::string expiredOperatorToken();
/// A well-formed, unexpired operator token signed with another secret.
std::string operatorTokenOfAnotherSecret();

/// `data.items` of a list answer; empty when absent.
const std::vector<domain::Json>& itemsOf(const HttpResponse& response);

/// Throws std::runtime_error with the answer when its status is not `expected` (a helper's
/// precondition, not the property under test).
void requireStatus(const HttpResponse& response, int expected, const std::string& what);

/// Checks the error envelope: the status, `{"error": {"code", "message", "request_id"}}` with
/// the code, a non-empty message, and request_id equal to the X-Request-Id header.
::testing::AssertionResult isErrorEnvelope(const HttpResponse& response, int status,
                                           const std::string& code);

}  // namespace shop::e2e
