// The operator's session: sign-in, each way it can fail (401, 429 with Retry-After, 404, the
// gateway down), renewal before expiry, and a 401 that asks for signing in again.
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "support/fake_network.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

QByteArray tokenJson(const QByteArray& token, int expiresIn) {
    return R"({"data":{"access_token":")" + token + R"(","token_type":"Bearer","expires_in":)" +
           QByteArray::number(expiresIn) + R"(,"role":"operator","user_id":null}})";
}

const QByteArray kEmptyPage = R"({"data":{"items":[],"next_cursor":null}})";

}  // namespace

class tst_AuthSession : public QObject {
    Q_OBJECT

  private slots:
    void init();
    void signInSetsBearerToken();
    void wrongPasswordFails();
    void otherFailures_data();
    void otherFailures();
    void renewsBeforeExpiry();
    void refusedRenewalAsksForSignIn();
    void signOutWinsOverAnAnswerInFlight();
    void unauthorizedAsksForSignIn();
    void renewalDelays_data();
    void renewalDelays();

  private:
    void listAccounts();

    FakeNetwork* m_network = nullptr;
    ApiClient* m_api = nullptr;
    AuthSession* m_session = nullptr;
    int m_tokens = 0;
};

void tst_AuthSession::init() {
    delete m_session;
    delete m_api;
    delete m_network;
    m_network = new FakeNetwork;
    m_api = new ApiClient(m_network);
    m_api->setBaseUrl(QUrl(QStringLiteral("http://gateway.test")));
    m_session = new AuthSession(m_api);
    m_tokens = 0;
}

void tst_AuthSession::listAccounts() {
    bool done = false;
    m_api->listAccounts(10, QString(), nullptr, [&](const auto&) { done = true; });
    QTRY_VERIFY(done);
}

void tst_AuthSession::signInSetsBearerToken() {
    m_network->setHandler([](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/auth/token")) {
            return FakeResponse::json(200, tokenJson("tok-1", 3600));
        }
        return FakeResponse::json(200, kEmptyPage);
    });
    QSignalSpy signedIn(m_session, &AuthSession::signedIn);
    m_session->signIn(QStringLiteral("operator"), QStringLiteral("s3cret"));
    QCOMPARE(m_session->state(), AuthSession::State::SigningIn);
    QVERIFY(signedIn.wait(5000));
    QCOMPARE(m_session->state(), AuthSession::State::SignedIn);
    QCOMPARE(m_session->role(), QStringLiteral("operator"));
    QVERIFY(m_session->expiresAt() > QDateTime::currentDateTimeUtc().addSecs(3500));

    const QJsonObject credentials =
        QJsonDocument::fromJson(m_network->sent().first().body).object();
    QCOMPARE(credentials.value(QLatin1StringView("username")).toString(),
             QStringLiteral("operator"));
    QCOMPARE(credentials.value(QLatin1StringView("password")).toString(), QStringLiteral("s3cret"));

    listAccounts();
    QCOMPARE(m_network->sent().last().header("Authorization"), QByteArray("Bearer tok-1"));
}

void tst_AuthSession::wrongPasswordFails() {
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(
            401,
            R"({"error":{"code":"UNAUTHORIZED","message":"bad credentials","request_id":"r"}})");
    });
    QSignalSpy failed(m_session, &AuthSession::signInFailed);
    QSignalSpy required(m_session, &AuthSession::signInRequired);
    m_session->signIn(QStringLiteral("operator"), QStringLiteral("wrong"));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().first().value<ApiError>().httpStatus, 401);
    QCOMPARE(m_session->state(), AuthSession::State::SignedOut);
    QCOMPARE(required.count(), 0);
    QVERIFY(m_api->accessToken().isEmpty());
}

void tst_AuthSession::otherFailures_data() {
    QTest::addColumn<int>("kind");  // FakeResponse::Kind
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("retryAfter");

    const int http = static_cast<int>(FakeResponse::Kind::Http);
    QTest::newRow("429 too many failures")
        << http << 429
        << QByteArray(R"({"error":{"code":"RATE_LIMITED","message":"slow down","request_id":"r"}})")
        << QStringLiteral("RATE_LIMITED") << 30;
    // Authentication is always on: a 404 here is a wrong URL or a broken gateway, not "no
    // authentication", and fails like anything else.
    QTest::newRow("404 no such endpoint")
        << http << 404
        << QByteArray(
               R"({"error":{"code":"NOT_FOUND","message":"no such endpoint","request_id":"r"}})")
        << QStringLiteral("NOT_FOUND") << 0;
    QTest::newRow("503 upstream down")
        << http << 503
        << QByteArray(
               R"({"error":{"code":"UPSTREAM_UNAVAILABLE","message":"down","request_id":"r"}})")
        << QStringLiteral("UPSTREAM_UNAVAILABLE") << 0;
    QTest::newRow("200 without a token")
        << http << 200 << QByteArray(R"({"data":{"token_type":"Bearer"}})")
        << QStringLiteral("INVALID_RESPONSE") << 0;
    QTest::newRow("connection refused") << static_cast<int>(FakeResponse::Kind::Refused) << 0
                                        << QByteArray() << QStringLiteral("NETWORK_ERROR") << 0;
}

void tst_AuthSession::otherFailures() {
    QFETCH(int, kind);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(int, retryAfter);
    m_network->setHandler([&](const SentRequest&) {
        FakeResponse response = FakeResponse::json(status, body);
        response.kind = static_cast<FakeResponse::Kind>(kind);
        if (retryAfter > 0) {
            response.headers.append(
                qMakePair(QByteArray("Retry-After"), QByteArray::number(retryAfter)));
        }
        return response;
    });
    QSignalSpy failed(m_session, &AuthSession::signInFailed);
    QSignalSpy signedIn(m_session, &AuthSession::signedIn);
    QSignalSpy required(m_session, &AuthSession::signInRequired);
    m_session->signIn(QStringLiteral("operator"), QStringLiteral("s3cret"));
    QVERIFY(failed.wait(5000));
    const auto error = failed.first().first().value<ApiError>();
    QCOMPARE(error.code, code);
    QCOMPARE(error.retryAfterSeconds, retryAfter);
    QCOMPARE(m_session->state(), AuthSession::State::SignedOut);
    QCOMPARE(signedIn.count(), 0);
    QCOMPARE(required.count(), 0);
    QVERIFY(m_api->accessToken().isEmpty());
}

void tst_AuthSession::renewsBeforeExpiry() {
    m_network->setHandler([this](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/auth/token")) {
            ++m_tokens;
            // A one-second token: renewed after 750 ms, well before it expires.
            return FakeResponse::json(200, tokenJson("tok-" + QByteArray::number(m_tokens), 1));
        }
        return FakeResponse::json(200, kEmptyPage);
    });
    QSignalSpy renewed(m_session, &AuthSession::renewed);
    QSignalSpy required(m_session, &AuthSession::signInRequired);
    QElapsedTimer clock;
    clock.start();
    m_session->signIn(QStringLiteral("operator"), QStringLiteral("s3cret"));
    QVERIFY(renewed.wait(5000));
    QVERIFY2(clock.elapsed() < 1000, "renewed before the first token expired");
    QCOMPARE(m_session->state(), AuthSession::State::SignedIn);
    QCOMPARE(m_api->accessToken(), QStringLiteral("tok-2"));
    // The renewal signs in with the password kept in memory.
    const QJsonObject body = QJsonDocument::fromJson(m_network->sent().at(1).body).object();
    QCOMPARE(body.value(QLatin1StringView("password")).toString(), QStringLiteral("s3cret"));
    listAccounts();
    QCOMPARE(m_network->sent().last().header("Authorization"), QByteArray("Bearer tok-2"));
    QCOMPARE(required.count(), 0);
}

void tst_AuthSession::refusedRenewalAsksForSignIn() {
    // The password was changed meanwhile: the renewal gets 401 and the session ends with a
    // request to sign in again (not a silent failure when the token runs out).
    m_network->setHandler([this](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/auth/token")) {
            return ++m_tokens == 1 ? FakeResponse::json(200, tokenJson("tok-1", 1))
                                   : FakeResponse::json(401, R"({"error":{"code":"UNAUTHORIZED",)"
                                                             R"("message":"invalid credentials",)"
                                                             R"("request_id":"r"}})");
        }
        return FakeResponse::json(200, kEmptyPage);
    });
    QSignalSpy required(m_session, &AuthSession::signInRequired);
    m_session->signIn(QStringLiteral("operator"), QStringLiteral("s3cret"));
    QVERIFY(required.wait(5000));
    QCOMPARE(m_tokens, 2);
    QCOMPARE(m_session->state(), AuthSession::State::SignedOut);
    QVERIFY(m_api->accessToken().isEmpty());
    QVERIFY(required.first().first().toString().contains(QLatin1StringView("renewed")));
}

void tst_AuthSession::signOutWinsOverAnAnswerInFlight() {
    m_network->setHandler(
        [](const SentRequest&) { return FakeResponse::json(200, tokenJson("tok-late", 3600)); });
    QSignalSpy signedIn(m_session, &AuthSession::signedIn);
    m_session->signIn(QStringLiteral("operator"), QStringLiteral("s3cret"));
    m_session->signOut();  // before the answer arrives
    bool later = false;
    m_api->listAccounts(10, QString(), nullptr, [&](const auto&) { later = true; });
    QTRY_VERIFY(later);  // the token's answer was delivered before this one
    QCOMPARE(signedIn.count(), 0);
    QCOMPARE(m_session->state(), AuthSession::State::SignedOut);
    QVERIFY(m_api->accessToken().isEmpty());
}

void tst_AuthSession::unauthorizedAsksForSignIn() {
    bool expired = false;
    m_network->setHandler([&](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/auth/token")) {
            return FakeResponse::json(200, tokenJson("tok-1", 3600));
        }
        return expired ? FakeResponse::json(401, R"({"error":{"code":"UNAUTHORIZED",)"
                                                 R"("message":"token revoked","request_id":"r"}})")
                       : FakeResponse::json(200, kEmptyPage);
    });
    QSignalSpy signedIn(m_session, &AuthSession::signedIn);
    m_session->signIn(QStringLiteral("operator"), QStringLiteral("s3cret"));
    QVERIFY(signedIn.wait(5000));

    expired = true;
    QSignalSpy required(m_session, &AuthSession::signInRequired);
    QSignalSpy tokens(m_session, &AuthSession::tokenChanged);
    listAccounts();
    QTRY_COMPARE(required.count(), 1);
    QVERIFY(required.first().first().toString().contains(QLatin1StringView("token revoked")));
    QCOMPARE(m_session->state(), AuthSession::State::SignedOut);
    QVERIFY(m_api->accessToken().isEmpty());
    QCOMPARE(tokens.count(), 1);
    QVERIFY(tokens.first().first().toString().isEmpty());
}

void tst_AuthSession::renewalDelays_data() {
    QTest::addColumn<int>("lifetimeSeconds");
    QTest::addColumn<int>("expectedMs");
    QTest::newRow("an hour: a minute early") << 3600 << 3540000;
    QTest::newRow("two minutes and a bit") << 121 << 61000;
    QTest::newRow("one minute: at three quarters") << 60 << 45000;
    QTest::newRow("one second") << 1 << 750;
    QTest::newRow("zero: soon, not in a busy loop") << 0 << 500;
}

void tst_AuthSession::renewalDelays() {
    QFETCH(int, lifetimeSeconds);
    QFETCH(int, expectedMs);
    QCOMPARE(AuthSession::renewalDelay(std::chrono::seconds(lifetimeSeconds)).count(), expectedMs);
}

QTEST_GUILESS_MAIN(tst_AuthSession)
#include "tst_auth_session.moc"
