// The OpenAPI document against the real system: every documented operation is exercised
// through the gateway, and every answer (status, content type, JSON body) and WebSocket frame
// is checked against resources/openapi.yaml by check_responses.cjs (ajv). Also: the document
// and Swagger UI are served by the gateway, offline.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/testing/shell.hpp"
#include "support/stack.hpp"
#include "ws_test.hpp"

namespace shop::openapitest {
namespace {

using namespace std::chrono_literals;
using e2e::HttpRequest;
using e2e::HttpResponse;

std::string fileText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// Runs `command`, returning its exit status and what it printed.
int run(const std::string& command, std::string& output) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        output = "cannot run " + command;
        return -1;
    }
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
        output += buffer.data();
    }
    return ::pclose(pipe);
}

class OpenApiTest : public wstest::WsE2eTest {
  protected:
    /// Sends `request` as the operator and records the answer as a sample of the operation
    /// `method path`.
    HttpResponse record(const std::string& method, const std::string& pathTemplate,
                        HttpRequest request) {
        return recordWith(api(), method, pathTemplate, std::move(request));
    }
    /// The same through `client` (another token, or none).
    HttpResponse recordWith(const e2e::HttpClient& client, const std::string& method,
                            const std::string& pathTemplate, HttpRequest request) {
        request.method = method;
        HttpResponse response = client.send(request);
        addHttpSample(method, pathTemplate, response);
        return response;
    }
    HttpResponse getWith(const e2e::HttpClient& client, const std::string& pathTemplate,
                         const std::string& target) {
        HttpRequest request;
        request.target = target;
        return recordWith(client, "GET", pathTemplate, request);
    }
    HttpResponse postWith(const e2e::HttpClient& client, const std::string& pathTemplate,
                          const std::string& target, const std::string& json) {
        HttpRequest request;
        request.target = target;
        request.body = json;
        request.contentType = "application/json";
        return recordWith(client, "POST", pathTemplate, request);
    }
    HttpResponse removeWith(const e2e::HttpClient& client, const std::string& pathTemplate,
                            const std::string& target) {
        HttpRequest request;
        request.target = target;
        return recordWith(client, "DELETE", pathTemplate, request);
    }
    /// Tries a WebSocket upgrade and records the answer (101, or the refusal before the
    /// handshake) as a sample of `GET pathTemplate`.
    int upgrade(const std::string& pathTemplate, const std::string& target,
                const std::string& token) {
        const wstest::UpgradeAnswer answer =
            wstest::tryUpgrade(e2e::Stack::instance().gatewayPort(), target, token);
        HttpResponse response;
        response.status = answer.status;
        response.json = answer.json;
        if (!answer.contentType.empty()) {
            response.headers.emplace_back("Content-Type", answer.contentType);
        }
        addHttpSample("GET", pathTemplate, response);
        return answer.status;
    }
    HttpResponse get(const std::string& pathTemplate, const std::string& target) {
        HttpRequest request;
        request.target = target;
        return record("GET", pathTemplate, request);
    }
    HttpResponse post(const std::string& pathTemplate, const std::string& target,
                      const std::string& json,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
        HttpRequest request;
        request.target = target;
        request.body = json;
        request.contentType = "application/json";
        request.headers = std::move(headers);
        return record("POST", pathTemplate, request);
    }

    void addHttpSample(std::string method, const std::string& pathTemplate,
                       const HttpResponse& response) {
        for (auto& c : method) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        m_samples.beginObject()
            .field("name", method + " " + pathTemplate + " " + std::to_string(response.status))
            .field("method", method)
            .field("path", pathTemplate)
            .field("status", response.status)
            .field("contentType", response.header("Content-Type").value_or(""));
        if (response.json) {
            m_samples.key("body").value(*response.json);
        } else {
            m_samples.fieldNull("body");
        }
        m_samples.endObject();
    }
    void addSchemaSample(const std::string& schema, const domain::Json& value) {
        m_samples.beginObject()
            .field("name", "frame " + schema)
            .field("schema", schema)
            .key("body")
            .value(value)
            .endObject();
    }

    /// Writes the samples and runs the checker; the test fails with its report.
    void checkAgainstTheDocument() {
        m_samples.endArray().endObject();
        const std::string samplesPath = std::string(SHOP_OPENAPI_WORK_DIR) + "/samples.json";
        std::ofstream(samplesPath) << m_samples.take();
        using shop::testing::shellQuote;
        std::string output;
        const int status =
            run("NODE_PATH=" + shellQuote(SHOP_NODE_MODULES) + " " + shellQuote(SHOP_NODE) + " " +
                    shellQuote(SHOP_OPENAPI_CHECK) + " " + shellQuote(SHOP_OPENAPI_DOC) + " " +
                    shellQuote(samplesPath),
                output);
        EXPECT_EQ(status, 0) << output;
        std::printf("%s", output.c_str());
    }

    void SetUp() override { m_samples.beginObject().key("samples").beginArray(); }

  private:
    domain::JsonWriter m_samples;
};

TEST_F(OpenApiTest, RealAnswersAndFramesMatchTheDocument) {
    // Accounts.
    const std::string user = domain::newUuid();
    auto created =
        post("/accounts", "/accounts", R"({"user_id":")" + user + R"(","balance":"100.00"})");
    ASSERT_EQ(created.status, 201) << created.describe();
    ASSERT_EQ(post("/accounts", "/accounts", "{}").status, 201);
    EXPECT_EQ(post("/accounts", "/accounts", R"({"user_id":")" + user + R"("})").status, 409);
    EXPECT_EQ(post("/accounts", "/accounts", R"({"balance":-1})").status, 400);
    HttpRequest wrongType;
    wrongType.target = "/accounts";
    wrongType.body = "balance=1";
    wrongType.contentType = "text/plain";
    EXPECT_EQ(record("POST", "/accounts", wrongType).status, 415);
    EXPECT_EQ(post("/accounts", "/accounts", "[" + std::string(70 * 1024, ' ') + "]").status, 413);
    EXPECT_EQ(get("/accounts", "/accounts?limit=1").status, 200);
    EXPECT_EQ(get("/accounts", "/accounts?limit=0").status, 400);
    EXPECT_EQ(get("/accounts", "/accounts?id_prefix=" + user.substr(0, 13) + "&limit=5").status,
              200);
    EXPECT_EQ(get("/accounts", "/accounts?id_prefix=" + user.substr(0, 3)).status, 400);
    EXPECT_EQ(get("/accounts/{user_id}", "/accounts/" + user).status, 200);
    EXPECT_EQ(get("/accounts/{user_id}", "/accounts/" + domain::newUuid()).status, 404);
    EXPECT_EQ(get("/accounts/{user_id}", "/accounts/not-a-uuid").status, 400);
    const std::string topUp = R"({"user_id":")" + user + R"(","amount":25})";
    const std::pair<std::string, std::string> key{"Idempotency-Key",
                                                  "openapi-" + domain::newUuid()};
    EXPECT_EQ(post("/accounts/topup", "/accounts/topup", topUp, {key}).status, 200);
    const auto replay = post("/accounts/topup", "/accounts/topup", topUp, {key});
    EXPECT_EQ(replay.status, 200);
    EXPECT_EQ(replay.header("Idempotent-Replayed").value_or(""), "true");
    EXPECT_EQ(post("/accounts/topup", "/accounts/topup",
                   R"({"user_id":")" + user + R"(","amount":26})", {key})
                  .status,
              422);
    EXPECT_EQ(post("/accounts/topup", "/accounts/topup",
                   R"({"user_id":")" + domain::newUuid() + R"(","amount":1})")
                  .status,
              404);
    EXPECT_EQ(post("/accounts/topup", "/accounts/topup", R"({"user_id":")" + user + R"("})").status,
              400);

    // Orders, watched over WebSocket meanwhile.
    auto userStream = subscribe("/ws/orders?user_id=" + user);
    auto placed = post("/orders", "/orders",
                       R"({"user_id":")" + user + R"(","amount":"12.34","description":"doc"})");
    ASSERT_EQ(placed.status, 201) << placed.describe();
    const std::string order = e2e::str(placed.data(), "order_id");
    const std::string refusedOrder =
        e2e::str(post("/orders", "/orders",
                      R"({"user_id":")" + user + R"(","amount":100000,"description":"too dear"})")
                     .data(),
                 "order_id");
    EXPECT_EQ(post("/orders", "/orders", R"({"user_id":")" + user + R"(","amount":1})").status,
              400);
    const std::pair<std::string, std::string> orderKey{"Idempotency-Key", domain::newUuid()};
    post("/orders", "/orders", R"({"user_id":")" + user + R"(","amount":1,"description":"a"})",
         {orderKey});
    EXPECT_EQ(post("/orders", "/orders",
                   R"({"user_id":")" + user + R"(","amount":2,"description":"a"})", {orderKey})
                  .status,
              422);
    ASSERT_TRUE(userStream->waitFor(wstest::statusFrame(order, "FINISHED"), 30s));
    ASSERT_TRUE(userStream->waitFor(wstest::statusFrame(refusedOrder, "CANCELLED"), 30s));

    // Refunds of the paid order: a part, then the rest, each watched until it is completed (a
    // frame with the order's new refunded_amount), so the frames of a refunded order are checked
    // below with the others.
    const std::string refundsOf = "/orders/{order_id}/refunds";
    const std::string refundsTarget = "/orders/" + order + "/refunds";
    auto refundedTo = [&order](const std::string& amount) {
        return [order, amount](const domain::Json& frame) {
            return wstest::text(frame, "order_id") == order &&
                   wstest::text(frame, "refunded_amount") == amount;
        };
    };
    const std::string partRefund = R"({"amount":"2.34","reason":"arrived damaged"})";
    const std::pair<std::string, std::string> refundKey{"Idempotency-Key", domain::newUuid()};
    const auto refund = post(refundsOf, refundsTarget, partRefund, {refundKey});
    ASSERT_EQ(refund.status, 202) << refund.describe();
    const auto refundReplay = post(refundsOf, refundsTarget, partRefund, {refundKey});
    EXPECT_EQ(refundReplay.status, 202);
    EXPECT_EQ(refundReplay.header("Idempotent-Replayed").value_or(""), "true");
    EXPECT_EQ(post(refundsOf, refundsTarget, R"({"amount":"2.35"})", {refundKey}).status, 422);
    EXPECT_EQ(post(refundsOf, refundsTarget, R"({"amount":"100"})").status, 409)
        << "more than was paid";
    EXPECT_EQ(post(refundsOf, "/orders/" + refusedOrder + "/refunds", "{}").status, 409)
        << "a CANCELLED order was never paid";
    EXPECT_EQ(post(refundsOf, refundsTarget, R"({"amount":0})").status, 400);
    EXPECT_EQ(post(refundsOf, "/orders/" + domain::newUuid() + "/refunds", "{}").status, 404);
    EXPECT_EQ(post(refundsOf, "/orders/nope/refunds", "{}").status, 400);
    ASSERT_TRUE(userStream->waitFor(refundedTo("2.34"), 30s));
    const auto rest = post(refundsOf, refundsTarget, "{}");
    ASSERT_EQ(rest.status, 202) << rest.describe();
    EXPECT_EQ(e2e::str(rest.data(), "amount"), "10.00");
    ASSERT_TRUE(userStream->waitFor(wstest::statusFrame(order, "REFUNDED"), 30s));
    EXPECT_EQ(get(refundsOf, refundsTarget).status, 200);
    EXPECT_EQ(get(refundsOf, "/orders/" + domain::newUuid() + "/refunds").status, 404);
    EXPECT_EQ(get(refundsOf, "/orders/nope/refunds").status, 400);
    EXPECT_EQ(get("/orders", "/orders?status=REFUNDED&limit=5").status, 200);

    // The account's ledger: opening balance, top-up, payments and refunds, a page at a time.
    const std::string ledgerOf = "/accounts/{user_id}/ledger";
    const auto firstPage = get(ledgerOf, "/accounts/" + user + "/ledger?limit=2");
    ASSERT_EQ(firstPage.status, 200) << firstPage.describe();
    const std::string cursor = e2e::str(firstPage.data(), "next_cursor");
    ASSERT_FALSE(cursor.empty()) << firstPage.describe();
    EXPECT_EQ(get(ledgerOf, "/accounts/" + user + "/ledger?cursor=" + cursor).status, 200);
    EXPECT_EQ(get(ledgerOf, "/accounts/" + user + "/ledger?limit=0").status, 400);
    EXPECT_EQ(get(ledgerOf, "/accounts/" + domain::newUuid() + "/ledger").status, 404);
    EXPECT_EQ(get(ledgerOf, "/accounts/x/ledger").status, 400);

    for (const auto& frame : userStream->received()) {
        addSchemaSample("OrderStatusFrame", frame);
    }
    EXPECT_EQ(get("/orders/{order_id}", "/orders/" + order).status, 200);
    EXPECT_EQ(get("/orders/{order_id}", "/orders/" + refusedOrder).status, 200);
    EXPECT_EQ(get("/orders/{order_id}", "/orders/" + domain::newUuid()).status, 404);
    EXPECT_EQ(get("/orders/{order_id}", "/orders/nope").status, 400);
    EXPECT_EQ(get("/orders", "/orders?user_id=" + user + "&limit=1").status, 200);
    EXPECT_EQ(get("/orders", "/orders?status=CANCELLED&limit=5").status, 200);
    EXPECT_EQ(get("/orders", "/orders?status=LOST").status, 400);
    EXPECT_EQ(get("/orders", "/orders?user_id=" + user + "&id_prefix=" + order.substr(0, 9)).status,
              200);
    EXPECT_EQ(get("/orders", "/orders?id_prefix=" + order.substr(0, 8) + "0").status, 400);

    // WebSocket endpoints: the error frames, and a plain GET.
    for (const std::string& target :
         {"/ws/orders/" + domain::newUuid(), std::string("/ws/orders/x")}) {
        auto ws = subscribe(target);
        const auto frame = ws->next(10s);
        ASSERT_TRUE(frame) << target;
        addSchemaSample("ErrorFrame", *frame);
    }
    EXPECT_EQ(get("/ws/orders", "/ws/orders").status, 400);
    EXPECT_EQ(get("/ws/orders/{order_id}", "/ws/orders/" + order).status, 400);

    // Authentication: signing in, API keys, and the refusals of every kind of route.
    e2e::Stack& stack = e2e::Stack::instance();
    const e2e::HttpClient anonymous = stack.anonymousGateway();
    const auto signedIn =
        postWith(anonymous, "/auth/token", "/auth/token",
                 R"({"username":)" + e2e::jsonString(stack.secrets().adminUser) +
                     R"(,"password":)" + e2e::jsonString(stack.secrets().adminPassword) + "}");
    EXPECT_EQ(signedIn.status, 200) << signedIn.describe();
    EXPECT_EQ(postWith(anonymous, "/auth/token", "/auth/token",
                       R"({"username":"nobody","password":"wrong-password"})")
                  .status,
              401);
    EXPECT_EQ(postWith(anonymous, "/auth/token", "/auth/token", "{}").status, 400);
    const std::string keysOf = "/accounts/{user_id}/api-keys";
    const std::string oneKey = "/accounts/{user_id}/api-keys/{key_id}";
    const auto newKey = postWith(api(), keysOf, "/accounts/" + user + "/api-keys", "{}");
    ASSERT_EQ(newKey.status, 201) << newKey.describe();
    const auto spare = postWith(api(), keysOf, "/accounts/" + user + "/api-keys", "");
    ASSERT_EQ(spare.status, 201) << spare.describe();
    EXPECT_EQ(postWith(api(), keysOf, "/accounts/" + domain::newUuid() + "/api-keys", "{}").status,
              404);
    EXPECT_EQ(postWith(api(), keysOf, "/accounts/x/api-keys", "{}").status, 400);
    EXPECT_EQ(getWith(api(), keysOf, "/accounts/" + user + "/api-keys").status, 200);
    EXPECT_EQ(getWith(api(), keysOf, "/accounts/" + domain::newUuid() + "/api-keys").status, 404);
    const std::string spareTarget =
        "/accounts/" + user + "/api-keys/" + e2e::str(spare.data(), "key_id");
    EXPECT_EQ(removeWith(api(), oneKey, spareTarget).status, 200);
    EXPECT_EQ(
        removeWith(api(), oneKey, "/accounts/" + user + "/api-keys/" + domain::newUuid()).status,
        404);
    EXPECT_EQ(removeWith(api(), oneKey, "/accounts/" + user + "/api-keys/nope").status, 400);

    const auto accountSignIn =
        postWith(anonymous, "/auth/token", "/auth/token",
                 R"({"api_key":)" + e2e::jsonString(e2e::str(newKey.data(), "api_key")) + "}");
    ASSERT_EQ(accountSignIn.status, 200) << accountSignIn.describe();
    const std::string accountToken = e2e::str(accountSignIn.data(), "access_token");
    const e2e::HttpClient account = anonymous.withToken(accountToken);
    const std::string stranger = newAccount("1");
    EXPECT_EQ(getWith(account, "/accounts/{user_id}", "/accounts/" + user).status, 200);
    EXPECT_EQ(getWith(account, "/orders", "/orders?user_id=" + user).status, 200);
    EXPECT_EQ(getWith(account, "/orders/{order_id}", "/orders/" + order).status, 200);
    EXPECT_EQ(getWith(account, refundsOf, refundsTarget).status, 200);
    EXPECT_EQ(getWith(account, ledgerOf, "/accounts/" + user + "/ledger").status, 200);
    const std::string strangersOrder = newOrder(stranger, "1", "not the account's");
    struct Refused {
        std::string method, pathTemplate, target;
        std::optional<std::string> body;
    };
    const std::vector<Refused> refused{
        {"POST", "/accounts", "/accounts", R"({"balance":"1"})"},
        {"GET", "/accounts", "/accounts", std::nullopt},
        {"GET", "/accounts/{user_id}", "/accounts/" + stranger, std::nullopt},
        {"POST", "/accounts/topup", "/accounts/topup",
         R"({"user_id":")" + stranger + R"(","amount":1})"},
        {"POST", keysOf, "/accounts/" + user + "/api-keys", "{}"},
        {"GET", keysOf, "/accounts/" + user + "/api-keys", std::nullopt},
        {"DELETE", oneKey, spareTarget, std::nullopt},
        {"POST", "/orders", "/orders",
         R"({"user_id":")" + stranger + R"(","amount":1,"description":"x"})"},
        {"GET", "/orders", "/orders", std::nullopt},
        {"GET", "/orders/{order_id}", "/orders/" + strangersOrder, std::nullopt},
        // Refunds are the operator's to ask for, even of the account's own order.
        {"POST", refundsOf, refundsTarget, "{}"},
        {"GET", refundsOf, "/orders/" + strangersOrder + "/refunds", std::nullopt},
        {"GET", ledgerOf, "/accounts/" + stranger + "/ledger", std::nullopt},
        {"GET", "/metrics", "/metrics", std::nullopt},
    };
    for (const auto& call : refused) {
        HttpRequest request;
        request.target = call.target;
        if (call.body) {
            request.body = *call.body;
            request.contentType = "application/json";
        }
        EXPECT_EQ(recordWith(anonymous, call.method, call.pathTemplate, request).status, 401)
            << call.method << " " << call.target;
        EXPECT_EQ(recordWith(account, call.method, call.pathTemplate, request).status, 403)
            << call.method << " " << call.target;
    }

    // WebSocket upgrades: switched, or refused before the handshake.
    EXPECT_EQ(upgrade("/ws/orders", "/ws/orders", stack.operatorToken()), 101);
    EXPECT_EQ(upgrade("/ws/orders", "/ws/orders?user_id=" + user, accountToken), 101);
    EXPECT_EQ(upgrade("/ws/orders", "/ws/orders?access_token=" + accountToken, ""), 403);
    EXPECT_EQ(upgrade("/ws/orders", "/ws/orders", ""), 401);
    EXPECT_EQ(upgrade("/ws/orders/{order_id}", "/ws/orders/" + order, accountToken), 101);
    EXPECT_EQ(upgrade("/ws/orders/{order_id}", "/ws/orders/" + strangersOrder, accountToken), 403);
    EXPECT_EQ(upgrade("/ws/orders/{order_id}", "/ws/orders/" + order, ""), 401);

    // Operations.
    EXPECT_EQ(get("/health", "/health").status, 200);
    EXPECT_EQ(get("/health/live", "/health/live").status, 200);
    EXPECT_EQ(get("/health/ready", "/health/ready").status, 200);
    EXPECT_EQ(get("/metrics", "/metrics").status, 200);
    EXPECT_EQ(get("/openapi.yaml", "/openapi.yaml").status, 200);
    EXPECT_EQ(get("/docs", "/docs").status, 200);

    checkAgainstTheDocument();
}

TEST_F(OpenApiTest, TheGatewayServesTheDocumentAndSwaggerUiOffline) {
    const auto document = api().get("/openapi.yaml");
    ASSERT_EQ(document.status, 200);
    EXPECT_EQ(document.header("Content-Type").value_or(""), "application/yaml; charset=utf-8");
    EXPECT_EQ(document.body, fileText(SHOP_OPENAPI_DOC)) << "the served document is the file";

    const auto page = api().get("/docs");
    ASSERT_EQ(page.status, 200) << page.describe();
    EXPECT_EQ(page.header("Content-Type").value_or(""), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
    EXPECT_NE(page.body.find("url: \"/openapi.yaml\""), std::string::npos);
    EXPECT_EQ(page.body.find("http://"), std::string::npos) << "no CDN";
    EXPECT_EQ(page.body.find("https://"), std::string::npos) << "no CDN";

    for (const auto& [file, type] : std::vector<std::pair<std::string, std::string>>{
             {"swagger-ui-bundle.js", "application/javascript; charset=utf-8"},
             {"swagger-ui.css", "text/css; charset=utf-8"},
             {"favicon-32x32.png", "image/png"}}) {
        const auto asset = api().get("/docs/" + file);
        ASSERT_EQ(asset.status, 200) << file;
        EXPECT_EQ(asset.header("Content-Type").value_or(""), type) << file;
        EXPECT_EQ(asset.body, fileText(std::string(SHOP_NODE_MODULES) + "/swagger-ui-dist/" + file))
            << file;
    }
    EXPECT_TRUE(e2e::isErrorEnvelope(api().get("/docs/package.json"), 404, "NOT_FOUND"));
    EXPECT_TRUE(e2e::isErrorEnvelope(api().get("/docs/..%2F..%2Fetc%2Fpasswd"), 404, "NOT_FOUND"));
}

}  // namespace
}  // namespace shop::openapitest
