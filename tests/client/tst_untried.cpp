// What an hour at the desktop client did not try (issue 18, "Not tried"): the gateway and the
// live stream going away mid-session and coming back (the stream's capped backoff, the window
// showing the outage and allowing no changes, the resync afterwards), a token renewed near its
// expiry (and a renewal that cannot reach the gateway), malformed --credentials files, and what
// the API keys dialog's Copy button puts on the clipboard. The REST side is a fake network; the
// stream is a real WebSocket server in the test.
#include <QClipboard>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtTest>
#include <memory>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/client_options.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "core/order_model.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/api_keys_dialog.hpp"
#include "ui/main_window.hpp"
#include "ui/orders_panel.hpp"
#include "ui/sign_in_dialog.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

const QString kUser = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");
const QString kNewUser = QStringLiteral("7c9e6679-7425-40de-944b-e07fc1f90ae7");
const QString kOrder = QStringLiteral("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");

QByteArray accountJson(const QString& userId) {
    return R"({"user_id":")" + userId.toUtf8() +
           R"(","balance":"10.00","created_at":"2025-11-22T10:00:00Z",)"
           R"("updated_at":"2025-11-22T10:00:00Z"})";
}

QByteArray orderJson(const QByteArray& status, int version) {
    return R"({"order_id":")" + kOrder.toUtf8() + R"(","user_id":")" + kUser.toUtf8() +
           R"(","amount":"9.99","description":"a book","status":")" + status +
           R"(","failure_reason":null,"refunded_amount":"0.00","version":)" +
           QByteArray::number(version) +
           R"(,"created_at":"2025-11-22T10:01:00Z","updated_at":"2025-11-22T10:01:00Z"})";
}

template <typename T>
T* visibleDialog(QWidget* parent) {
    for (T* dialog : parent->findChildren<T*>()) {
        if (dialog->isVisible()) {
            return dialog;
        }
    }
    return nullptr;
}

/// A QWebSocketServer on 127.0.0.1 that keeps its clients and the upgrade requests.
class StreamServer final : public QObject {
  public:
    StreamServer() : m_server(QStringLiteral("test"), QWebSocketServer::NonSecureMode) {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket* socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                m_clients.append(socket);
                m_requests.append(socket->request());
            }
        });
    }
    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void close() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }
    int accepted() const { return static_cast<int>(m_clients.size()); }
    const QList<QNetworkRequest>& requests() const { return m_requests; }
    void sendToAll(const QString& text) {
        for (QWebSocket* socket : std::as_const(m_clients)) {
            if (socket->state() == QAbstractSocket::ConnectedState) {
                socket->sendTextMessage(text);
            }
        }
    }
    void dropAll() {
        for (QWebSocket* socket : std::as_const(m_clients)) {
            socket->abort();
        }
    }

  private:
    QWebSocketServer m_server;
    QList<QWebSocket*> m_clients;
    QList<QNetworkRequest> m_requests;
};

/// The window on a fake REST gateway at 127.0.0.1:<the stream server's port>.
struct Session {
    StreamServer server;
    FakeNetwork network;
    ApiClient api{&network};
    AuthSession auth{&api};
    EventStream stream;
    HealthMonitor health{&api};
    std::unique_ptr<ui::MainWindow> window;

    bool down = false;         ///< every REST request is refused
    bool tokenDown = false;    ///< POST /auth/token is refused
    int tokenLifetime = 3600;  ///< expires_in of the tokens handed out
    int tokens = 0;            ///< tokens handed out: tok-1, tok-2, ...
    QList<QString> accounts{kUser};
    QByteArray orderStatus = "NEW";
    int orderVersion = 1;

    Session() {
        network.setHandler([this](const SentRequest& sent) { return answer(sent); });
        stream.setBackoff({std::chrono::milliseconds(100), std::chrono::milliseconds(400), 0.0});
        stream.setConnectTimeout(std::chrono::milliseconds(2000));
        health.setInterval(std::chrono::milliseconds(200));
    }

    bool start() {
        if (!server.listen()) {
            return false;
        }
        ClientOptions options;
        options.gatewayUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
        window = std::make_unique<ui::MainWindow>(ui::ClientServices{&api, &auth, &stream, &health},
                                                  options);
        window->show();
        window->start();
        return true;
    }

    ~Session() { window.reset(); }

    FakeResponse answer(const SentRequest& sent) {
        const QString path = sent.url.path();
        if (down || (tokenDown && path == QLatin1StringView("/auth/token"))) {
            return FakeResponse::refused();
        }
        if (path == QLatin1StringView("/auth/token")) {
            ++tokens;
            return FakeResponse::json(200, R"({"data":{"access_token":"tok-)" +
                                               QByteArray::number(tokens) +
                                               R"(","token_type":"Bearer","expires_in":)" +
                                               QByteArray::number(tokenLifetime) +
                                               R"(,"role":"operator","user_id":null}})");
        }
        if (path == QLatin1StringView("/health/ready")) {
            return FakeResponse::json(200, R"({"data":{"status":"ok","checks":{}}})");
        }
        if (!sent.header("Authorization").startsWith("Bearer tok-")) {
            return FakeResponse::json(401, R"({"error":{"code":"UNAUTHORIZED",)"
                                           R"("message":"no token","request_id":"r"}})");
        }
        if (path == QLatin1StringView("/accounts")) {
            QByteArrayList items;
            for (const QString& userId : std::as_const(accounts)) {
                items << accountJson(userId);
            }
            return FakeResponse::json(
                200, R"({"data":{"items":[)" + items.join(',') + R"(],"next_cursor":null}})");
        }
        if (path == QLatin1StringView("/orders")) {
            return FakeResponse::json(200, R"({"data":{"items":[)" +
                                               orderJson(orderStatus, orderVersion) +
                                               R"(],"next_cursor":null}})");
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r"}})");
    }

    bool signIn() {
        ui::SignInDialog* dialog = nullptr;
        if (!QTest::qWaitFor([&] {
                return (dialog = visibleDialog<ui::SignInDialog>(window.get())) != nullptr;
            })) {
            return false;
        }
        dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"))
            ->setText(QStringLiteral("operator"));
        dialog->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))
            ->setText(QStringLiteral("pw"));
        dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        return QTest::qWaitFor([&] { return auth.state() == AuthSession::State::SignedIn; });
    }

    QString label(const char* name) const {
        return window->findChild<QLabel*>(QLatin1StringView(name))->text();
    }
    bool enabled(const char* action) const {
        return window->findChild<QAction*>(QLatin1StringView(action))->isEnabled();
    }
    QString shownOrderStatus() const {
        const auto order =
            window->ordersPanel()->model()->orderAt(window->ordersPanel()->model()->rowOf(kOrder));
        return order ? order->status : QString();
    }
};

}  // namespace

class tst_Untried : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase();
    void outageMidSession();
    void tokenRenewedNearExpiry();
    void malformedCredentialsFile_data();
    void malformedCredentialsFile();
    void credentialsFileVariants();
    void apiKeyCopyPutsTheKeyAlone();
};

void tst_Untried::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("shop-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_untried"));
    QSettings().clear();
}

void tst_Untried::outageMidSession() {
    Session s;
    QVERIFY(s.start());
    QVERIFY(s.signIn());
    QTRY_COMPARE(s.stream.state(), EventStream::State::Connected);
    QTRY_COMPARE(s.shownOrderStatus(), QStringLiteral("NEW"));
    QTRY_VERIFY(s.label("gatewayStatus").contains(QLatin1StringView("ready")));
    QVERIFY(s.label("streamStatus").contains(QLatin1StringView("connected")));
    const quint16 port = s.server.port();

    // The gateway goes: REST refused, the stream's socket dropped, nothing listens.
    QSignalSpy scheduled(&s.stream, &EventStream::reconnectScheduled);
    s.down = true;
    s.server.close();
    s.server.dropAll();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.count() >= 5, 15000);
    // The waits double from 100 ms and stay at the 400 ms cap.
    qint64 previous = 0;
    for (const QList<QVariant>& attempt : std::as_const(scheduled)) {
        const int number = attempt.at(0).toInt();
        const qint64 delay = attempt.at(1).toLongLong();
        QCOMPARE(delay, static_cast<qint64>(s.stream.backoffFor(number).count()));
        QVERIFY(delay >= previous);
        QVERIFY(delay <= 400);
        previous = delay;
    }
    QCOMPARE(previous, qint64(400));
    QTRY_COMPARE(s.health.state(), HealthMonitor::State::Unreachable);
    QVERIFY(s.label("gatewayStatus").contains(QLatin1StringView("unreachable")));
    QVERIFY(s.label("streamStatus").contains(QLatin1StringView("reconnecting")));
    // Nothing can be changed meanwhile; what was shown stays.
    QVERIFY(!s.enabled("topUpAction"));
    QVERIFY(!s.enabled("newOrderAction"));
    QVERIFY(!s.enabled("newAccountAction"));
    QCOMPARE(s.window->accountsPanel()->model()->rowCount(), 1);
    QCOMPARE(s.auth.state(), AuthSession::State::SignedIn);

    // While it was away an account was made and the order paid; nothing was pushed.
    s.accounts.prepend(kNewUser);
    s.orderStatus = "FINISHED";
    s.orderVersion = 2;
    QSignalSpy resync(&s.stream, &EventStream::resyncRequired);
    s.down = false;
    QVERIFY(s.server.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(s.stream.state(), EventStream::State::Connected, 10000);
    QCOMPARE(resync.count(), 1);
    // Re-read over REST: both changes are on screen.
    QTRY_COMPARE(s.window->accountsPanel()->model()->rowCount(), 2);
    QTRY_COMPARE(s.shownOrderStatus(), QStringLiteral("FINISHED"));
    QTRY_COMPARE(s.health.state(), HealthMonitor::State::Ready);
    QTRY_VERIFY(s.enabled("topUpAction"));
    QVERIFY(s.label("streamStatus").contains(QLatin1StringView("connected")));
    QCOMPARE(s.auth.state(), AuthSession::State::SignedIn);
    // And pushes arrive again.
    s.server.sendToAll(QStringLiteral(R"({"type":"order.status","order_id":"%1","user_id":"%2",)"
                                      R"("status":"REFUNDED","failure_reason":null,"version":3,)"
                                      R"("amount":"9.99","refunded_amount":"9.99",)"
                                      R"("updated_at":"2025-11-22T10:09:00Z"})")
                           .arg(kOrder, kUser));
    QTRY_COMPARE(s.shownOrderStatus(), QStringLiteral("REFUNDED"));
}

void tst_Untried::tokenRenewedNearExpiry() {
    // One-second tokens: renewed after 750 ms, again and again, without the operator seeing it.
    Session s;
    s.tokenLifetime = 1;
    QVERIFY(s.start());
    QVERIFY(s.signIn());
    QTRY_COMPARE(s.stream.state(), EventStream::State::Connected);
    QSignalSpy renewed(&s.auth, &AuthSession::renewed);
    QTRY_VERIFY_WITH_TIMEOUT(renewed.count() >= 2, 5000);
    QVERIFY(visibleDialog<ui::SignInDialog>(s.window.get()) == nullptr);
    QVERIFY(s.label("authStatus").contains(QLatin1StringView("Signed in as operator")));
    const QByteArray current = "Bearer " + s.api.accessToken().toUtf8();
    QVERIFY(current != "Bearer tok-1");
    // REST and the next stream connection use the renewed token.
    const qsizetype before = s.network.sent().size();
    s.window->findChild<QAction*>(QStringLiteral("refreshAction"))->trigger();
    QTRY_VERIFY(s.network.sent().size() > before);
    QVERIFY(s.network.sent().last().header("Authorization").startsWith("Bearer tok-"));
    QVERIFY(s.network.sent().last().header("Authorization") != "Bearer tok-1");
    const int connections = s.server.accepted();
    s.server.dropAll();
    QTRY_COMPARE_WITH_TIMEOUT(s.server.accepted(), connections + 1, 5000);
    const QByteArray upgrade = s.server.requests().last().rawHeader("Authorization");
    QVERIFY2(upgrade.startsWith("Bearer tok-") && upgrade != "Bearer tok-1", upgrade.constData());

    // A renewal that cannot reach the gateway before the token runs out: the session ends
    // with a sign-in that says why, over the unchanged window.
    const int rows = s.window->accountsPanel()->model()->rowCount();
    s.tokenDown = true;
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = visibleDialog<ui::SignInDialog>(s.window.get())) != nullptr,
                             5000);
    QCOMPARE(s.auth.state(), AuthSession::State::SignedOut);
    QVERIFY2(dialog->findChild<QLabel*>(QStringLiteral("signInReason"))
                 ->text()
                 .contains(QLatin1StringView("could not be renewed")),
             qPrintable(dialog->findChild<QLabel*>(QStringLiteral("signInReason"))->text()));
    QCOMPARE(s.window->accountsPanel()->model()->rowCount(), rows);
    s.tokenDown = false;
    s.tokenLifetime = 3600;
    QVERIFY(s.signIn());
    QTRY_VERIFY(s.enabled("topUpAction"));
}

void tst_Untried::malformedCredentialsFile_data() {
    QTest::addColumn<QByteArray>("content");  // "<dir>", "<missing>": no such file
    QTest::addColumn<QString>("expected");    // part of the error

    QTest::newRow("empty") << QByteArray() << "has no SHOP_ADMIN_USER";
    QTest::newRow("comments only") << QByteArray("# nothing here\n\n") << "has no SHOP_ADMIN_USER";
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x01garbage\x00=\x02", 14)
                            << "has no SHOP_ADMIN_USER";
    QTest::newRow("user without password")
        << QByteArray("SHOP_ADMIN_USER=admin\n") << "has no SHOP_ADMIN_PASSWORD";
    QTest::newRow("password without user")
        << QByteArray("SHOP_ADMIN_PASSWORD=secret\n") << "has no SHOP_ADMIN_USER";
    QTest::newRow("empty user") << QByteArray("SHOP_ADMIN_USER=\nSHOP_ADMIN_PASSWORD=secret\n")
                                << "has no SHOP_ADMIN_USER";
    QTest::newRow("empty quoted password")
        << QByteArray("SHOP_ADMIN_USER=admin\nSHOP_ADMIN_PASSWORD=''\n")
        << "has no SHOP_ADMIN_PASSWORD";
    QTest::newRow("no equals signs")
        << QByteArray("SHOP_ADMIN_USER admin\nSHOP_ADMIN_PASSWORD x\n") << "has no SHOP_ADMIN_USER";
    QTest::newRow("too large") << QByteArray(100 * 1024, 'a') << "over 64 KiB";
    QTest::newRow("a directory") << QByteArray("<dir>") << "cannot read";
    QTest::newRow("missing") << QByteArray("<missing>") << "cannot read";
}

void tst_Untried::malformedCredentialsFile() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = dir.filePath(QStringLiteral("credentials"));
    if (content == "<dir>") {
        path = dir.path();
    } else if (content != "<missing>") {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    const ClientOptions options =
        parseClientOptions({QStringLiteral("shop-client"), QStringLiteral("--credentials"), path},
                           QProcessEnvironment(), settings);
    // A usage error naming the file and what is wrong with it (main prints it and exits 2),
    // never a sign-in attempt with half of the credentials.
    QVERIFY2(options.error.contains(path), qPrintable(options.error));
    QVERIFY2(options.error.contains(expected), qPrintable(options.error));
    QVERIFY(!options.hasCredentials);
    QVERIFY(options.signInUser.isEmpty());
    QVERIFY(options.signInPassword.isEmpty());
}

void tst_Untried::credentialsFileVariants() {
    // What an editor or a shell may make of the file still reads: a byte order mark, CRLF
    // line ends, "export", quotes; of two lines with the same name the first counts.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("credentials"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        "\xEF\xBB\xBFSHOP_ADMIN_USER=admin\r\nexport SHOP_ADMIN_PASSWORD=\"p w=1\"\r\n"
        "SHOP_ADMIN_USER=other\r\n");
    file.close();
    QString user;
    QString password;
    QString error;
    QVERIFY2(readCredentialsFile(path, user, password, error), qPrintable(error));
    QCOMPARE(user, QStringLiteral("admin"));
    QCOMPARE(password, QStringLiteral("p w=1"));
}

void tst_Untried::apiKeyCopyPutsTheKeyAlone() {
    const QString secret = QStringLiteral("shop_ak_9f8e7d6c5b4a39281706f5e4d3c2b1a0");
    FakeNetwork network;
    network.setHandler([&](const SentRequest& sent) {
        if (sent.method == "POST") {
            return FakeResponse::json(
                201, R"({"data":{"key_id":"k-9","user_id":")" + kUser.toUtf8() +
                         R"(","created_at":"2025-11-22T11:00:00Z","revoked_at":null,)"
                         R"("api_key":")" +
                         secret.toUtf8() + R"("}})");
        }
        return FakeResponse::json(200, R"({"data":{"items":[]}})");
    });
    ApiClient api(&network);
    ui::ApiKeysDialog dialog(&api, kUser);
    dialog.show();
    auto* copy = dialog.findChild<QPushButton*>(QStringLiteral("copyApiKey"));
    QVERIFY(!copy->isEnabled());  // nothing to copy yet
    QGuiApplication::clipboard()->setText(QStringLiteral("what was there before"));

    dialog.findChild<QPushButton*>(QStringLiteral("createApiKey"))->click();
    QTRY_VERIFY(copy->isEnabled());
    copy->click();
    // Exactly the secret: no key id, no label, no whitespace or newline around it.
    QCOMPARE(QGuiApplication::clipboard()->text(), secret);
    const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
    QVERIFY(mime != nullptr);
    QVERIFY(!mime->hasHtml());
    QVERIFY(!QGuiApplication::clipboard()->text().contains(QLatin1StringView("k-9")));
}

QTEST_MAIN(tst_Untried)
#include "tst_untried.moc"
