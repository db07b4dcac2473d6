#include "support/api.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/StreamCopier.h>

#include <sstream>
#include <stdexcept>

#include "shop/auth/secret_hash.hpp"
#include "shop/auth/tokens.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/testing/env.hpp"

namespace shop::e2e {
namespace {

std::string base64UrlDecode(std::string text) {
    while (text.size() % 4 != 0) {
        text += '=';
    }
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

std::string base64UrlEncode(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

/// The three dot-separated parts of a JWT.
std::vector<std::string> jwtParts(const std::string& token) {
    const auto first = token.find('.');
    const auto second = token.find('.', first == std::string::npos ? 0 : first + 1);
    if (first == std::string::npos || second == std::string::npos) {
        throw std::runtime_error("not a JWT: " + token);
    }
    return {token.substr(0, first), token.substr(first + 1, second - first - 1),
            token.substr(second + 1)};
}

auth::Principal operatorPrincipal() {
    return auth::Principal{auth::Role::Operator, Stack::instance().secrets().adminUser, {}};
}

}  // namespace

std::string withTamperedSignature(const std::string& token) {
    auto parts = jwtParts(token);
    // A character in the middle: each of its 6 bits is part of the signature (the last
    // character's low bits may be padding).
    char& c = parts[2][parts[2].size() / 2];
    c = c == 'A' ? 'B' : 'A';
    return parts[0] + "." + parts[1] + "." + parts[2];
}

std::string withForgedOperatorRole(const std::string& token) {
    auto parts = jwtParts(token);
    std::string claims = base64UrlDecode(parts[1]);
    const std::string from = R"("role":"account")";
    const auto at = claims.find(from);
    if (at == std::string::npos) {
        throw std::runtime_error("not an account token's claims: " + claims);
    }
    claims.replace(at, from.size(), R"("role":"operator")");
    return parts[0] + "." + base64UrlEncode(claims) + "." + parts[2];
}

std::string expiredOperatorToken() {
    const auth::TokenIssuer issuer(Stack::instance().secrets().token, std::chrono::seconds(-60));
    return issuer.issue(operatorPrincipal());
}

std::string operatorTokenOfAnotherSecret() {
    const auth::TokenIssuer issuer(auth::randomHex(32), std::chrono::seconds(900));
    return issuer.issue(operatorPrincipal());
}

void requireStatus(const HttpResponse& response, int expected, const std::string& what) {
    if (response.status != expected) {
        throw std::runtime_error(what + ": expected " + std::to_string(expected) + ", got " +
                                 response.describe());
    }
}

const std::vector<domain::Json>& itemsOf(const HttpResponse& response) {
    static const std::vector<domain::Json> kNone;
    const domain::Json* items = member(response.data(), "items");
    return items != nullptr ? items->items() : kNone;
}

::testing::AssertionResult isErrorEnvelope(const HttpResponse& response, int status,
                                           const std::string& code) {
    if (response.status != status) {
        return ::testing::AssertionFailure()
               << "expected status " << status << ", got " << response.describe();
    }
    const domain::Json* error = response.error();
    if (error == nullptr || !error->isObject() || response.json->members().size() != 1) {
        return ::testing::AssertionFailure()
               << "not an error envelope {\"error\": {...}}: " << response.describe();
    }
    const domain::Json* codeValue = error->find("code");
    const domain::Json* message = error->find("message");
    const domain::Json* requestId = error->find("request_id");
    if (codeValue == nullptr || !codeValue->isString() || message == nullptr ||
        !message->isString() || requestId == nullptr || !requestId->isString()) {
        return ::testing::AssertionFailure()
               << "the envelope needs string code, message and request_id: " << response.describe();
    }
    if (codeValue->asString() != code) {
        return ::testing::AssertionFailure()
               << "expected code " << code << ", got " << response.describe();
    }
    if (message->asString().empty()) {
        return ::testing::AssertionFailure() << "empty message: " << response.describe();
    }
    const auto header = response.header("X-Request-Id");
    if (!header || header->empty() || *header != requestId->asString()) {
        return ::testing::AssertionFailure()
               << "request_id " << requestId->asString() << " differs from X-Request-Id "
               << header.value_or("(missing)");
    }
    const auto contentType = response.header("Content-Type");
    if (!contentType || contentType->rfind("application/json", 0) != 0) {
        return ::testing::AssertionFailure()
               << "Content-Type is " << contentType.value_or("(missing)");
    }
    return ::testing::AssertionSuccess();
}

void E2eTest::TearDown() {
    Stack& stack = Stack::instance();
    for (ChildProcess* child :
         {&stack.gatewayProcess(), &stack.ordersProcess(), &stack.paymentsProcess()}) {
        EXPECT_TRUE(child->running()) << child->name() << " is no longer running";
    }
}

HttpResponse E2eTest::createAccount(const std::string& userId,
                                    const std::string& balanceJson) const {
    return m_api.postJson(
        "/accounts", R"({"user_id":)" + jsonString(userId) + R"(,"balance":)" + balanceJson + "}");
}

std::string E2eTest::newAccount(const std::string& balanceJson) const {
    const std::string userId = domain::newUuid();
    requireStatus(createAccount(userId, balanceJson), 201, "POST /accounts");
    return userId;
}

std::string E2eTest::balanceOf(const std::string& userId) const {
    const auto response = m_api.get("/accounts/" + userId);
    requireStatus(response, 200, "GET /accounts/" + userId);
    return str(response.data(), "balance");
}

HttpResponse E2eTest::createOrder(const std::string& userId, const std::string& amountJson,
                                  const std::string& description, Headers headers) const {
    return m_api.postJson("/orders",
                          R"({"user_id":)" + jsonString(userId) + R"(,"amount":)" + amountJson +
                              R"(,"description":)" + jsonString(description) + "}",
                          std::move(headers));
}

std::string E2eTest::newOrder(const std::string& userId, const std::string& amountJson,
                              const std::string& description) const {
    const auto response = createOrder(userId, amountJson, description);
    requireStatus(response, 201, "POST /orders");
    return str(response.data(), "order_id");
}

std::optional<domain::Json> E2eTest::waitForFinalOrder(const std::string& orderId,
                                                       std::chrono::milliseconds timeout,
                                                       std::chrono::milliseconds* elapsed) const {
    const auto started = std::chrono::steady_clock::now();
    std::optional<domain::Json> last;
    testing::waitUntil(
        [&] {
            const auto response = m_api.get("/orders/" + orderId);
            if (response.status != 200 || response.data() == nullptr) {
                return false;
            }
            last = *response.data();
            return str(&*last, "status") != "NEW";
        },
        timeout, std::chrono::milliseconds(5));
    if (elapsed != nullptr) {
        *elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
    }
    return last;
}

std::vector<domain::Json> E2eTest::ordersOf(const std::string& userId) const {
    std::vector<domain::Json> orders;
    std::string target = "/orders?limit=200&user_id=" + userId;
    for (int page = 0; page < 100; ++page) {
        const auto response = m_api.get(target);
        requireStatus(response, 200, "GET " + target);
        const domain::Json* items = member(response.data(), "items");
        if (items == nullptr || !items->isArray()) {
            throw std::runtime_error("GET " + target + ": no items: " + response.describe());
        }
        for (const auto& item : items->items()) {
            orders.push_back(item);
        }
        const domain::Json* next = member(response.data(), "next_cursor");
        if (next == nullptr || next->isNull()) {
            return orders;
        }
        target = "/orders?limit=200&user_id=" + userId + "&cursor=" + next->asString();
    }
    throw std::runtime_error("GET /orders?user_id=" + userId + " never ended");
}

domain::Json E2eTest::newApiKey(const std::string& userId) const {
    const auto response = m_api.postJson("/accounts/" + userId + "/api-keys", "{}");
    requireStatus(response, 201, "POST /accounts/" + userId + "/api-keys");
    if (str(response.data(), "api_key").empty()) {
        throw std::runtime_error("POST /accounts/" + userId +
                                 "/api-keys: no api_key: " + response.describe());
    }
    return *response.data();
}

std::string E2eTest::signInWithKey(const std::string& apiKey) {
    const auto response = Stack::instance().signIn(R"({"api_key":)" + jsonString(apiKey) + "}");
    requireStatus(response, 200, "POST /auth/token with an API key");
    return str(response.data(), "access_token");
}

std::string E2eTest::accountToken(const std::string& userId) const {
    const domain::Json key = newApiKey(userId);
    return signInWithKey(str(&key, "api_key"));
}

}  // namespace shop::e2e
