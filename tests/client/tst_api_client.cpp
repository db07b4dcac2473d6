// The API client against a fake network layer (every outcome of a call, data-driven) and
// against an in-process HTTP server (what really goes over the wire, connection refused).
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>
#include <optional>

#include "core/api_client.hpp"
#include "core/wire.hpp"
#include "support/fake_network.hpp"
#include "support/tiny_http_server.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;
using shop::client::testing::TinyHttpServer;

namespace {

const QByteArray kAccountJson =
    R"({"data":{"user_id":"3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b","balance":"150.00",)"
    R"("created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:05:00.250Z"}})";

QByteArray envelope(const QByteArray& code, const QByteArray& message) {
    return R"({"error":{"code":")" + code + R"(","message":")" + message +
           R"(","request_id":"req-123"}})";
}

/// Runs the event loop until `result` holds a value (or the test times out).
template <typename T>
ApiResult<T> await(std::optional<ApiResult<T>>& result) {
    if (!result.has_value()) {
        (void)QTest::qWaitFor([&] { return result.has_value(); }, 10000);
    }
    if (!result.has_value()) {
        ApiError gaveUp;
        gaveUp.code = QStringLiteral("TEST_GAVE_UP");
        gaveUp.message = QStringLiteral("no callback within 10 s");
        return gaveUp;
    }
    return *result;
}

}  // namespace

class tst_ApiClient : public QObject {
    Q_OBJECT

  private slots:
    void init();
    void cleanupTestCase();
    void outcomes_data();
    void outcomes();
    void sendsHeadersAndBody();
    void noAuthorizationHeaderWithoutToken();
    void retryReusesIdempotencyKey();
    void ordersQueryParameters();
    void idPrefixQueries();
    void valueCarriesTheAnswersRequestId();
    void unauthorizedSignal();
    void callbackSkippedWhenContextDies();
    void readinessReportsFailingChecks();
    void retryAfterIsRead();
    void listsApiKeys();
    void createsApiKey();
    void createdApiKeyWithoutSecretIsInvalid();
    void revokesApiKey();
    void apiKeyErrors_data();
    void apiKeyErrors();
    void requestsARefund();
    void refundWithDefaultsSendsAnEmptyBody();
    void listsRefunds();
    void pagesTheLedger();
    void readsRefundedAmounts();
    void realServerRoundTrip();
    void realConnectionRefused();

  private:
    FakeNetwork* m_network = nullptr;
    ApiClient* m_api = nullptr;
};

void tst_ApiClient::init() {
    delete m_api;
    delete m_network;
    m_network = new FakeNetwork;
    m_api = new ApiClient(m_network);
    m_api->setBaseUrl(QUrl(QStringLiteral("http://gateway.test:8080")));
}

void tst_ApiClient::cleanupTestCase() {
    delete m_api;
    delete m_network;
    m_api = nullptr;
    m_network = nullptr;
}

void tst_ApiClient::outcomes_data() {
    QTest::addColumn<int>("kind");  // FakeResponse::Kind
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("errorKind");  // ApiError::Kind
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("requestId");

    const int http = static_cast<int>(FakeResponse::Kind::Http);
    const int httpError = static_cast<int>(ApiError::Kind::Http);
    QTest::newRow("200 account") << http << 200 << kAccountJson << true << 0 << QString()
                                 << QString() << QString();
    const struct {
        int status;
        const char* code;
    } envelopes[] = {{400, "BAD_REQUEST"},
                     {401, "UNAUTHORIZED"},
                     {403, "FORBIDDEN"},
                     {404, "NOT_FOUND"},
                     {409, "CONFLICT"},
                     {413, "PAYLOAD_TOO_LARGE"},
                     {415, "UNSUPPORTED_MEDIA_TYPE"},
                     {422, "IDEMPOTENCY_KEY_REUSED"},
                     {429, "RATE_LIMITED"},
                     {500, "INTERNAL"},
                     {503, "UPSTREAM_UNAVAILABLE"},
                     {504, "UPSTREAM_TIMEOUT"}};
    for (const auto& row : envelopes) {
        QTest::addRow("%d %s envelope", row.status, row.code)
            << http << row.status << envelope(row.code, "it went wrong") << false << httpError
            << QString::fromLatin1(row.code) << QStringLiteral("it went wrong")
            << QStringLiteral("req-123");
    }
    QTest::newRow("502 html from a proxy")
        << http << 502 << QByteArray("<html>Bad Gateway</html>") << false << httpError
        << QStringLiteral("HTTP_502") << QString() << QStringLiteral("from-header");
    QTest::newRow("500 malformed body")
        << http << 500 << QByteArray("{\"error\":") << false << httpError
        << QStringLiteral("INTERNAL") << QString() << QStringLiteral("from-header");
    const int invalid = static_cast<int>(ApiError::Kind::InvalidResponse);
    QTest::newRow("200 malformed JSON")
        << http << 200 << QByteArray("{\"data\": {") << false << invalid
        << QStringLiteral("INVALID_RESPONSE") << QString() << QStringLiteral("from-header");
    QTest::newRow("200 without data")
        << http << 200 << QByteArray("{\"items\": []}") << false << invalid
        << QStringLiteral("INVALID_RESPONSE") << QString() << QStringLiteral("from-header");
    QTest::newRow("200 data of the wrong shape")
        << http << 200 << QByteArray(R"({"data":{"user_id":42}})") << false << invalid
        << QStringLiteral("INVALID_RESPONSE") << QString() << QStringLiteral("from-header");
    QTest::newRow("timeout") << static_cast<int>(FakeResponse::Kind::Silent) << 0 << QByteArray()
                             << false << static_cast<int>(ApiError::Kind::Timeout)
                             << QStringLiteral("TIMEOUT") << QString() << QString();
    QTest::newRow("connection refused")
        << static_cast<int>(FakeResponse::Kind::Refused) << 0 << QByteArray() << false
        << static_cast<int>(ApiError::Kind::Network) << QStringLiteral("NETWORK_ERROR")
        << QStringLiteral("Connection refused") << QString();
}

void tst_ApiClient::outcomes() {
    QFETCH(int, kind);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, ok);
    QFETCH(int, errorKind);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, requestId);

    m_network->setHandler([&](const SentRequest&) {
        FakeResponse response = FakeResponse::json(status, body);
        response.kind = static_cast<FakeResponse::Kind>(kind);
        response.headers.append(qMakePair(QByteArray("X-Request-Id"), QByteArray("from-header")));
        return response;
    });
    m_api->setTimeout(std::chrono::milliseconds(200));
    QSignalSpy reached(m_api, &ApiClient::gatewayReached);
    std::optional<ApiResult<Account>> result;
    m_api->getAccount(QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b"), nullptr,
                      [&](const ApiResult<Account>& r) { result = r; });
    QVERIFY(!result.has_value());  // never synchronous: the caller's code runs first
    const ApiResult<Account> outcome = await(result);
    // Any HTTP answer shows the gateway is there, a refusal that it is not; a silence says
    // neither (a slow gateway is not an unreachable one).
    switch (static_cast<FakeResponse::Kind>(kind)) {
        case FakeResponse::Kind::Http:
            QCOMPARE(reached.count(), 1);
            QCOMPARE(reached.first().first().toBool(), true);
            break;
        case FakeResponse::Kind::Silent:
            QCOMPARE(reached.count(), 0);
            break;
        case FakeResponse::Kind::Refused:
            QCOMPARE(reached.count(), 1);
            QCOMPARE(reached.first().first().toBool(), false);
            break;
    }

    QCOMPARE(outcome.ok(), ok);
    if (ok) {
        QCOMPARE(outcome.value().userId, QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b"));
        QCOMPARE(outcome.value().balance, QStringLiteral("150.00"));
        QCOMPARE(outcome.value().updatedAt,
                 QDateTime(QDate(2025, 11, 22), QTime(10, 5, 0, 250), Qt::UTC));
        return;
    }
    const ApiError& error = outcome.error();
    QCOMPARE(static_cast<int>(error.kind), errorKind);
    QCOMPARE(error.code, code);
    if (!message.isEmpty()) {
        QCOMPARE(error.message, message);
    } else {
        QVERIFY2(!error.message.isEmpty(), "every error has a message for people");
    }
    if (!requestId.isEmpty()) {
        QCOMPARE(error.requestId, requestId);
    }
    QCOMPARE(error.httpStatus, kind == static_cast<int>(FakeResponse::Kind::Http) ? status : 0);
    QVERIFY(!error.describe().isEmpty());
}

void tst_ApiClient::sendsHeadersAndBody() {
    m_network->setHandler([](const SentRequest&) { return FakeResponse::json(200, kAccountJson); });
    m_api->setAccessToken(QStringLiteral("tok-1"));
    const TopUpRequest request = TopUpRequest::make(
        QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b"), QStringLiteral("50.00"));
    std::optional<ApiResult<Account>> result;
    m_api->topUp(request, nullptr, [&](const ApiResult<Account>& r) { result = r; });
    QVERIFY(await(result).ok());

    QCOMPARE(m_network->sent().size(), 1);
    const SentRequest& sent = m_network->sent().first();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.url, QUrl(QStringLiteral("http://gateway.test:8080/accounts/topup")));
    QCOMPARE(sent.header("Authorization"), QByteArray("Bearer tok-1"));
    QCOMPARE(sent.header("Idempotency-Key"), request.idempotencyKey.toUtf8());
    QVERIFY(request.idempotencyKey.startsWith(QLatin1StringView("qt-")));
    QCOMPARE(sent.request.header(QNetworkRequest::ContentTypeHeader).toString(),
             QStringLiteral("application/json"));
    QVERIFY(!sent.header("X-Request-Id").isEmpty());
    const QJsonObject body = QJsonDocument::fromJson(sent.body).object();
    QCOMPARE(body.value(QLatin1StringView("user_id")).toString(), request.userId);
    // Money goes as a string, never through a double.
    QCOMPARE(body.value(QLatin1StringView("amount")).toString(), QStringLiteral("50.00"));
}

void tst_ApiClient::noAuthorizationHeaderWithoutToken() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(200, R"({"data":{"items":[],"next_cursor":null}})");
    });
    std::optional<ApiResult<Page<Account>>> result;
    m_api->listAccounts(50, QString(), nullptr,
                        [&](const ApiResult<Page<Account>>& r) { result = r; });
    QVERIFY(await(result).ok());
    QVERIFY(!m_network->sent().first().request.hasRawHeader("Authorization"));

    // The token request itself never carries the (old) token.
    m_api->setAccessToken(QStringLiteral("old"));
    std::optional<ApiResult<TokenGrant>> token;
    m_api->requestToken(QStringLiteral("operator"), QStringLiteral("secret"), nullptr,
                        [&](const ApiResult<TokenGrant>& r) { token = r; });
    await(token);
    QVERIFY(!m_network->sent().last().request.hasRawHeader("Authorization"));
    QCOMPARE(m_network->sent().last().url.path(), QStringLiteral("/auth/token"));
}

void tst_ApiClient::retryReusesIdempotencyKey() {
    int calls = 0;
    m_network->setHandler([&](const SentRequest&) {
        ++calls;
        // The first attempt is lost (the client gives up); the retry gets through.
        return calls == 1
                   ? FakeResponse::silent()
                   : FakeResponse::json(201, R"({"data":{"order_id":"o-1","user_id":"u-1",)"
                                             R"("amount":"9.99","description":"a book",)"
                                             R"("status":"NEW","failure_reason":null,)"
                                             R"("version":1,"created_at":"2025-11-22T10:00:00Z",)"
                                             R"("updated_at":"2025-11-22T10:00:00Z"}})");
    });
    m_api->setTimeout(std::chrono::milliseconds(100));
    const NewOrderRequest request = NewOrderRequest::make(
        QStringLiteral("u-1"), QStringLiteral("9.99"), QStringLiteral("a book"));

    std::optional<ApiResult<Order>> first;
    m_api->createOrder(request, nullptr, [&](const ApiResult<Order>& r) { first = r; });
    QCOMPARE(await(first).error().code, QStringLiteral("TIMEOUT"));
    QVERIFY(await(first).error().isRetryable());

    std::optional<ApiResult<Order>> second;
    m_api->createOrder(request, nullptr, [&](const ApiResult<Order>& r) { second = r; });
    QVERIFY(await(second).ok());
    QCOMPARE(await(second).value().status, QStringLiteral("NEW"));

    QCOMPARE(m_network->sent().size(), 2);
    const QByteArray key = m_network->sent().at(0).header("Idempotency-Key");
    QVERIFY(!key.isEmpty());
    QCOMPARE(m_network->sent().at(1).header("Idempotency-Key"), key);
    QCOMPARE(m_network->sent().at(1).body, m_network->sent().at(0).body);
    // A new action gets a new key.
    const NewOrderRequest other = NewOrderRequest::make(
        QStringLiteral("u-1"), QStringLiteral("9.99"), QStringLiteral("a book"));
    QVERIFY(other.idempotencyKey != request.idempotencyKey);
}

void tst_ApiClient::ordersQueryParameters() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(200, R"({"data":{"items":[],"next_cursor":"c2"}})");
    });
    OrdersQuery query;
    query.userId = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");
    query.status = QStringLiteral("CANCELLED");
    query.limit = 25;
    query.cursor = QStringLiteral("abc+/=");
    std::optional<ApiResult<Page<Order>>> result;
    m_api->listOrders(query, nullptr, [&](const ApiResult<Page<Order>>& r) { result = r; });
    QCOMPARE(await(result).value().nextCursor, QStringLiteral("c2"));
    const QUrlQuery sent(m_network->sent().first().url);
    QCOMPARE(sent.queryItemValue(QStringLiteral("user_id")), query.userId);
    QCOMPARE(sent.queryItemValue(QStringLiteral("status")), query.status);
    QCOMPARE(sent.queryItemValue(QStringLiteral("limit")), QStringLiteral("25"));
    QCOMPARE(sent.queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded), query.cursor);
}

void tst_ApiClient::idPrefixQueries() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(200, R"({"data":{"items":[],"next_cursor":null}})");
    });
    AccountsQuery accounts;
    accounts.limit = 8;
    accounts.idPrefix = QStringLiteral("9a1b-2c");
    std::optional<ApiResult<Page<Account>>> accountPage;
    m_api->listAccounts(accounts, nullptr,
                        [&](const ApiResult<Page<Account>>& r) { accountPage = r; });
    QVERIFY(await(accountPage).ok());
    OrdersQuery orders;
    orders.idPrefix = QStringLiteral("5e5e");
    std::optional<ApiResult<Page<Order>>> orderPage;
    m_api->listOrders(orders, nullptr, [&](const ApiResult<Page<Order>>& r) { orderPage = r; });
    QVERIFY(await(orderPage).ok());

    QCOMPARE(m_network->sent().size(), 2);
    const SentRequest& first = m_network->sent().at(0);
    QCOMPARE(first.url.path(), QStringLiteral("/accounts"));
    QCOMPARE(QUrlQuery(first.url).queryItemValue(QStringLiteral("id_prefix")),
             QStringLiteral("9a1b-2c"));
    QCOMPARE(QUrlQuery(first.url).queryItemValue(QStringLiteral("limit")), QStringLiteral("8"));
    const SentRequest& second = m_network->sent().at(1);
    QCOMPARE(second.url.path(), QStringLiteral("/orders"));
    QCOMPARE(QUrlQuery(second.url).queryItemValue(QStringLiteral("id_prefix")),
             QStringLiteral("5e5e"));
    QVERIFY(!QUrlQuery(second.url).hasQueryItem(QStringLiteral("user_id")));
    // Without a prefix, no id_prefix parameter at all.
    std::optional<ApiResult<Page<Account>>> plain;
    m_api->listAccounts(50, QString(), nullptr,
                        [&](const ApiResult<Page<Account>>& r) { plain = r; });
    QVERIFY(await(plain).ok());
    QVERIFY(!QUrlQuery(m_network->sent().at(2).url).hasQueryItem(QStringLiteral("id_prefix")));
}

void tst_ApiClient::valueCarriesTheAnswersRequestId() {
    bool withHeader = true;
    m_network->setHandler([&withHeader](const SentRequest&) {
        FakeResponse response = FakeResponse::json(200, kAccountJson);
        if (withHeader) {
            response.headers.append({QByteArrayLiteral("X-Request-Id"), "rid-from-gateway"});
        }
        return response;
    });
    const QString userId = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");
    std::optional<ApiResult<Account>> result;
    m_api->getAccount(userId, nullptr, [&](const ApiResult<Account>& r) { result = r; });
    QCOMPARE(await(result).requestId(), QStringLiteral("rid-from-gateway"));
    // An answer without the header: the id the request was sent with.
    withHeader = false;
    result.reset();
    m_api->getAccount(userId, nullptr, [&](const ApiResult<Account>& r) { result = r; });
    QCOMPARE(await(result).requestId(),
             QString::fromLatin1(m_network->sent().last().header("X-Request-Id")));
    QVERIFY(!result->requestId().isEmpty());
}

void tst_ApiClient::unauthorizedSignal() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(401, envelope("UNAUTHORIZED", "token expired"));
    });
    QSignalSpy spy(m_api, &ApiClient::unauthorized);
    std::optional<ApiResult<Order>> result;
    m_api->getOrder(QStringLiteral("o-1"), nullptr, [&](const ApiResult<Order>& r) { result = r; });
    QCOMPARE(await(result).error().httpStatus, 401);
    QCOMPARE(spy.count(), 1);

    // Wrong credentials at sign-in are the sign-in's business, not "the session expired".
    std::optional<ApiResult<TokenGrant>> token;
    m_api->requestToken(QStringLiteral("operator"), QStringLiteral("wrong"), nullptr,
                        [&](const ApiResult<TokenGrant>& r) { token = r; });
    QCOMPARE(await(token).error().code, QStringLiteral("UNAUTHORIZED"));
    QCOMPARE(spy.count(), 1);

    // A 401 to a request sent before a new sign-in says nothing of the new token.
    std::optional<ApiResult<Order>> stale;
    m_api->getOrder(QStringLiteral("o-1"), nullptr, [&](const ApiResult<Order>& r) { stale = r; });
    m_api->setAccessToken(QStringLiteral("renewed"));
    QCOMPARE(await(stale).error().httpStatus, 401);
    QCOMPARE(spy.count(), 1);
}

void tst_ApiClient::callbackSkippedWhenContextDies() {
    m_network->setHandler([](const SentRequest&) { return FakeResponse::json(200, kAccountJson); });
    auto* context = new QObject;
    bool called = false;
    m_api->getAccount(QStringLiteral("x"), context,
                      [&](const ApiResult<Account>&) { called = true; });
    delete context;
    // A second call, with a live context, finishes after the first would have.
    std::optional<ApiResult<Account>> later;
    m_api->getAccount(QStringLiteral("x"), this, [&](const ApiResult<Account>& r) { later = r; });
    QVERIFY(await(later).ok());
    QVERIFY(!called);
}

void tst_ApiClient::readinessReportsFailingChecks() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            503, R"({"data":{"status":"unavailable","checks":{"gateway":{"status":"ok",)"
                 R"("checks":{"broker":"ok"}},"orders":{"status":"unavailable","checks":)"
                 R"({"database":"ok","broker":"down"}},"payments":{"status":"ok","checks":)"
                 R"({"database":{"status":"unreachable"}}}}}})");
    });
    std::optional<ApiResult<Readiness>> result;
    m_api->checkReadiness(std::chrono::milliseconds(1000), nullptr,
                          [&](const ApiResult<Readiness>& r) { result = r; });
    const auto readiness = await(result);
    QVERIFY(readiness.ok());
    QVERIFY(!readiness.value().ready);
    QCOMPARE(readiness.value().failing,
             QStringList({QStringLiteral("orders"), QStringLiteral("orders.broker"),
                          QStringLiteral("payments.database")}));
}

void tst_ApiClient::retryAfterIsRead() {
    m_network->setHandler([](const SentRequest&) {
        FakeResponse response = FakeResponse::json(429, envelope("RATE_LIMITED", "slow down"));
        response.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("17")));
        return response;
    });
    std::optional<ApiResult<TokenGrant>> result;
    m_api->requestToken(QStringLiteral("operator"), QStringLiteral("x"), nullptr,
                        [&](const ApiResult<TokenGrant>& r) { result = r; });
    const auto outcome = await(result);
    QCOMPARE(outcome.error().code, QStringLiteral("RATE_LIMITED"));
    QCOMPARE(outcome.error().retryAfterSeconds, 17);
    QVERIFY(outcome.error().isRetryable());
}

void tst_ApiClient::listsApiKeys() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            200, R"({"data":{"items":[)"
                 R"({"key_id":"6d1e2f3a-0000-4000-8000-000000000002","user_id":"u-1",)"
                 R"("created_at":"2025-11-22T11:00:00Z","revoked_at":null},)"
                 R"({"key_id":"6d1e2f3a-0000-4000-8000-000000000001","user_id":"u-1",)"
                 R"("created_at":"2025-11-22T10:00:00Z","revoked_at":"2025-11-22T10:30:00.5Z"})"
                 R"(]}})");
    });
    m_api->setAccessToken(QStringLiteral("tok-op"));
    std::optional<ApiResult<QList<ApiKey>>> result;
    m_api->listApiKeys(QStringLiteral("u-1"), nullptr,
                       [&](const ApiResult<QList<ApiKey>>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().describe()));
    const QList<ApiKey>& keys = outcome.value();
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys.at(0).keyId, QStringLiteral("6d1e2f3a-0000-4000-8000-000000000002"));
    QCOMPARE(keys.at(0).userId, QStringLiteral("u-1"));
    QVERIFY(!keys.at(0).isRevoked());
    QVERIFY(keys.at(0).apiKey.isEmpty());
    QCOMPARE(keys.at(1).createdAt, QDateTime(QDate(2025, 11, 22), QTime(10, 0), Qt::UTC));
    QVERIFY(keys.at(1).isRevoked());
    QCOMPARE(keys.at(1).revokedAt, QDateTime(QDate(2025, 11, 22), QTime(10, 30, 0, 500), Qt::UTC));

    const SentRequest& sent = m_network->sent().first();
    QCOMPARE(sent.method, QByteArray("GET"));
    QCOMPARE(sent.url, QUrl(QStringLiteral("http://gateway.test:8080/accounts/u-1/api-keys")));
    QCOMPARE(sent.header("Authorization"), QByteArray("Bearer tok-op"));
}

void tst_ApiClient::createsApiKey() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            201, R"({"data":{"key_id":"6d1e2f3a-0000-4000-8000-000000000003","user_id":"u-1",)"
                 R"("created_at":"2025-11-22T12:00:00Z","revoked_at":null,)"
                 R"("api_key":"shop_6d1e2f3a_secret"}})");
    });
    std::optional<ApiResult<ApiKey>> result;
    m_api->createApiKey(QStringLiteral("u-1"), nullptr,
                        [&](const ApiResult<ApiKey>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY(outcome.ok());
    QCOMPARE(outcome.value().keyId, QStringLiteral("6d1e2f3a-0000-4000-8000-000000000003"));
    QCOMPARE(outcome.value().apiKey, QStringLiteral("shop_6d1e2f3a_secret"));
    QVERIFY(!outcome.value().isRevoked());

    const SentRequest& sent = m_network->sent().first();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.url.path(), QStringLiteral("/accounts/u-1/api-keys"));
    QCOMPARE(sent.request.header(QNetworkRequest::ContentTypeHeader).toString(),
             QStringLiteral("application/json"));
    QCOMPARE(sent.body, QByteArray("{}"));
}

void tst_ApiClient::createdApiKeyWithoutSecretIsInvalid() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(201,
                                  R"({"data":{"key_id":"k-1","user_id":"u-1",)"
                                  R"("created_at":"2025-11-22T12:00:00Z","revoked_at":null}})");
    });
    std::optional<ApiResult<ApiKey>> result;
    m_api->createApiKey(QStringLiteral("u-1"), nullptr,
                        [&](const ApiResult<ApiKey>& r) { result = r; });
    QCOMPARE(await(result).error().code, QStringLiteral("INVALID_RESPONSE"));
}

void tst_ApiClient::revokesApiKey() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            200, R"({"data":{"key_id":"6d1e2f3a-0000-4000-8000-000000000003","user_id":"u-1",)"
                 R"("created_at":"2025-11-22T12:00:00Z","revoked_at":"2025-11-22T12:05:00Z"}})");
    });
    std::optional<ApiResult<ApiKey>> result;
    m_api->revokeApiKey(QStringLiteral("u-1"),
                        QStringLiteral("6d1e2f3a-0000-4000-8000-000000000003"), nullptr,
                        [&](const ApiResult<ApiKey>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY(outcome.ok());
    QVERIFY(outcome.value().isRevoked());
    QCOMPARE(outcome.value().revokedAt, QDateTime(QDate(2025, 11, 22), QTime(12, 5), Qt::UTC));
    const SentRequest& sent = m_network->sent().first();
    QCOMPARE(sent.method, QByteArray("DELETE"));
    QCOMPARE(sent.url.path(),
             QStringLiteral("/accounts/u-1/api-keys/6d1e2f3a-0000-4000-8000-000000000003"));
    QVERIFY(sent.body.isEmpty());
}

void tst_ApiClient::apiKeyErrors_data() {
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::newRow("404 unknown account")
        << 404 << envelope("NOT_FOUND", "account not found") << QStringLiteral("NOT_FOUND");
    QTest::newRow("403 not an operator")
        << 403 << envelope("FORBIDDEN", "operators only") << QStringLiteral("FORBIDDEN");
    QTest::newRow("400 malformed id")
        << 400 << envelope("BAD_REQUEST", "user_id is not a uuid") << QStringLiteral("BAD_REQUEST");
    QTest::newRow("503 payments down") << 503 << envelope("UPSTREAM_UNAVAILABLE", "down")
                                       << QStringLiteral("UPSTREAM_UNAVAILABLE");
    QTest::newRow("200 items missing")
        << 200 << QByteArray(R"({"data":{}})") << QStringLiteral("INVALID_RESPONSE");
    QTest::newRow("200 item without created_at")
        << 200 << QByteArray(R"({"data":{"items":[{"key_id":"k","revoked_at":null}]}})")
        << QStringLiteral("INVALID_RESPONSE");
    QTest::newRow("200 malformed JSON")
        << 200 << QByteArray(R"({"data":{"items":[)") << QStringLiteral("INVALID_RESPONSE");
}

void tst_ApiClient::apiKeyErrors() {
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    m_network->setHandler([&](const SentRequest&) { return FakeResponse::json(status, body); });
    std::optional<ApiResult<QList<ApiKey>>> result;
    m_api->listApiKeys(QStringLiteral("u-1"), nullptr,
                       [&](const ApiResult<QList<ApiKey>>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error().code, code);
    QCOMPARE(outcome.error().httpStatus, status);
}

void tst_ApiClient::requestsARefund() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            202, R"({"data":{"refund_id":"r-1","order_id":"o-1","user_id":"u-1","amount":"12.50",)"
                 R"("reason":"damaged","status":"PENDING","created_at":"2025-11-22T10:00:00Z",)"
                 R"("updated_at":"2025-11-22T10:00:00Z"}})");
    });
    const RefundRequest request = RefundRequest::make(
        QStringLiteral("o-1"), QStringLiteral("12.50"), QStringLiteral("damaged"));
    QVERIFY(request.idempotencyKey.startsWith(QLatin1StringView("qt-")));
    std::optional<ApiResult<Refund>> result;
    m_api->requestRefund(request, nullptr, [&](const ApiResult<Refund>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().describe()));
    QCOMPARE(outcome.value().refundId, QStringLiteral("r-1"));
    QCOMPARE(outcome.value().amount, QStringLiteral("12.50"));
    QCOMPARE(outcome.value().reason, QStringLiteral("damaged"));
    QCOMPARE(outcome.value().status, QStringLiteral("PENDING"));

    const SentRequest& sent = m_network->sent().first();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.url, QUrl(QStringLiteral("http://gateway.test:8080/orders/o-1/refunds")));
    QCOMPARE(sent.header("Idempotency-Key"), request.idempotencyKey.toUtf8());
    QCOMPARE(QJsonDocument::fromJson(sent.body).object(),
             (QJsonObject{{QStringLiteral("amount"), QStringLiteral("12.50")},
                          {QStringLiteral("reason"), QStringLiteral("damaged")}}));
    // A new refund gets a new key.
    QVERIFY(RefundRequest::make(QStringLiteral("o-1"), QStringLiteral("12.50"), QString())
                .idempotencyKey != request.idempotencyKey);
}

void tst_ApiClient::refundWithDefaultsSendsAnEmptyBody() {
    // No amount: the server refunds what is left; no reason: none. A 409 is the envelope's.
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            409, envelope("CONFLICT", "amount exceeds the refundable 0.00 of the order"));
    });
    std::optional<ApiResult<Refund>> result;
    m_api->requestRefund(RefundRequest::make(QStringLiteral("o-1"), QString(), QString()), nullptr,
                         [&](const ApiResult<Refund>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error().httpStatus, 409);
    QCOMPARE(outcome.error().code, QStringLiteral("CONFLICT"));
    QVERIFY(outcome.error().message.contains(QLatin1StringView("0.00")));
    QCOMPARE(m_network->sent().first().body, QByteArray("{}"));
}

void tst_ApiClient::listsRefunds() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            200, R"({"data":{"order_id":"o-1","user_id":"u-1","items":[)"
                 R"({"refund_id":"r-1","order_id":"o-1","user_id":"u-1","amount":"5.00",)"
                 R"("reason":null,"status":"COMPLETED","created_at":"2025-11-22T10:00:00Z",)"
                 R"("updated_at":"2025-11-22T10:00:01Z"},)"
                 R"({"refund_id":"r-2","order_id":"o-1","user_id":"u-1","amount":"2.50",)"
                 R"("reason":"late","status":"PENDING","created_at":"2025-11-22T10:01:00Z",)"
                 R"("updated_at":"2025-11-22T10:01:00Z"}]}})");
    });
    std::optional<ApiResult<QList<Refund>>> result;
    m_api->listRefunds(QStringLiteral("o-1"), nullptr,
                       [&](const ApiResult<QList<Refund>>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().describe()));
    QCOMPARE(outcome.value().size(), 2);
    QCOMPARE(outcome.value().at(0).status, QStringLiteral("COMPLETED"));
    QVERIFY(outcome.value().at(0).reason.isEmpty());
    QCOMPARE(outcome.value().at(1).reason, QStringLiteral("late"));
    const SentRequest& sent = m_network->sent().first();
    QCOMPARE(sent.method, QByteArray("GET"));
    QCOMPARE(sent.url, QUrl(QStringLiteral("http://gateway.test:8080/orders/o-1/refunds")));
}

void tst_ApiClient::pagesTheLedger() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            200, R"({"data":{"items":[)"
                 R"({"entry_id":"17","kind":"REFUND","amount":"5.00","order_id":"o-1",)"
                 R"("refund_id":"r-1","created_at":"2025-11-22T10:02:00Z"},)"
                 R"({"entry_id":"12","kind":"DEBIT","amount":"30.00","order_id":"o-1",)"
                 R"("refund_id":null,"created_at":"2025-11-22T10:01:00Z"}],"next_cursor":"c-2"}})");
    });
    std::optional<ApiResult<Page<LedgerEntry>>> result;
    m_api->listLedger(QStringLiteral("u-1"), 2, QStringLiteral("c-1"), nullptr,
                      [&](const ApiResult<Page<LedgerEntry>>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().describe()));
    QCOMPARE(outcome.value().items.size(), 2);
    QCOMPARE(outcome.value().nextCursor, QStringLiteral("c-2"));
    const LedgerEntry& refund = outcome.value().items.at(0);
    QCOMPARE(refund.entryId, QStringLiteral("17"));
    QCOMPARE(refund.kind, QStringLiteral("REFUND"));
    QCOMPARE(refund.refundId, QStringLiteral("r-1"));
    QVERIFY(!refund.isDebit());
    QVERIFY(outcome.value().items.at(1).isDebit());
    QVERIFY(outcome.value().items.at(1).refundId.isEmpty());
    const SentRequest& sent = m_network->sent().first();
    QCOMPARE(sent.url.path(), QStringLiteral("/accounts/u-1/ledger"));
    QCOMPARE(QUrlQuery(sent.url).queryItemValue(QStringLiteral("limit")), QStringLiteral("2"));
    QCOMPARE(QUrlQuery(sent.url).queryItemValue(QStringLiteral("cursor")), QStringLiteral("c-1"));
}

void tst_ApiClient::readsRefundedAmounts() {
    const QByteArray order =
        R"({"order_id":"o-1","user_id":"u-1","amount":"30.00","description":"a book",)"
        R"("status":"REFUNDED","failure_reason":null,"refunded_amount":"30.00","version":4,)"
        R"("created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:03:00Z"})";
    const auto parsed = wire::order(QJsonDocument::fromJson(order).object());
    QVERIFY(parsed.has_value());
    QCOMPARE(parsed->status, QStringLiteral("REFUNDED"));
    QCOMPARE(parsed->refundedAmount, QStringLiteral("30.00"));
    // Without the member (a gateway from before refunds): nothing refunded.
    QJsonObject older = QJsonDocument::fromJson(order).object();
    older.remove(QStringLiteral("refunded_amount"));
    QCOMPARE(wire::order(older)->refundedAmount, QStringLiteral("0.00"));
    older.insert(QStringLiteral("refunded_amount"), 3);
    QVERIFY(!wire::order(older).has_value());  // money is text

    // A frame carries the whole order; one without description or created_at does not.
    QJsonObject frame = QJsonDocument::fromJson(order).object();
    frame.insert(QStringLiteral("type"), QStringLiteral("order.status"));
    const auto event = wire::orderEvent(frame);
    QVERIFY(event.has_value());
    QVERIFY(event->carriesWholeOrder());
    QCOMPARE(event->refundedAmount, QStringLiteral("30.00"));
    QCOMPARE(event->toOrder().description, QStringLiteral("a book"));
    QCOMPARE(event->toOrder().createdAt, QDateTime(QDate(2025, 11, 22), QTime(10, 0), Qt::UTC));
    frame.remove(QStringLiteral("description"));
    QVERIFY(!wire::orderEvent(frame)->carriesWholeOrder());
    frame = QJsonDocument::fromJson(order).object();
    frame.insert(QStringLiteral("type"), QStringLiteral("order.status"));
    frame.remove(QStringLiteral("created_at"));
    QVERIFY(!wire::orderEvent(frame)->carriesWholeOrder());
}

void tst_ApiClient::realServerRoundTrip() {
    TinyHttpServer server;
    QVERIFY(server.start());
    server.setResponse(404, "Not Found", envelope("NOT_FOUND", "no account 3f2b"),
                       {{"Content-Type", "application/json"}, {"X-Request-Id", "req-123"}});
    QNetworkAccessManager network;
    ApiClient api(&network);
    api.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(server.serverPort())));
    api.setAccessToken(QStringLiteral("tok-2"));
    const TopUpRequest request = TopUpRequest::make(QStringLiteral("3f2b"), QStringLiteral("1.50"));
    std::optional<ApiResult<Account>> result;
    api.topUp(request, nullptr, [&](const ApiResult<Account>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error().code, QStringLiteral("NOT_FOUND"));
    QCOMPARE(outcome.error().message, QStringLiteral("no account 3f2b"));
    QCOMPARE(outcome.error().requestId, QStringLiteral("req-123"));
    QVERIFY(!outcome.error().isRetryable());

    QCOMPARE(server.requests().size(), 1);
    const QByteArray raw = server.requests().first();
    QVERIFY2(raw.startsWith("POST /accounts/topup HTTP/1.1\r\n"), raw.constData());
    QVERIFY(raw.contains("Authorization: Bearer tok-2\r\n"));
    QVERIFY(raw.contains("Idempotency-Key: " + request.idempotencyKey.toUtf8() + "\r\n"));
    QVERIFY(raw.toLower().contains("content-type: application/json\r\n"));
    QVERIFY(raw.endsWith(R"({"amount":"1.50","user_id":"3f2b"})"));
}

void tst_ApiClient::realConnectionRefused() {
    // A port that was free a moment ago and has nobody listening now.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    QNetworkAccessManager network;
    ApiClient api(&network);
    api.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    QSignalSpy reached(&api, &ApiClient::gatewayReached);
    std::optional<ApiResult<Page<Account>>> result;
    api.listAccounts(10, QString(), nullptr,
                     [&](const ApiResult<Page<Account>>& r) { result = r; });
    const auto outcome = await(result);
    QVERIFY(!outcome.ok());
    QCOMPARE(outcome.error().kind, ApiError::Kind::Network);
    QCOMPARE(outcome.error().code, QStringLiteral("NETWORK_ERROR"));
    QVERIFY(outcome.error().isRetryable());
    QCOMPARE(reached.count(), 1);
    QCOMPARE(reached.first().first().toBool(), false);
}

QTEST_GUILESS_MAIN(tst_ApiClient)
#include "tst_api_client.moc"
