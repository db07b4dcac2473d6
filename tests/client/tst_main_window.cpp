// The main window over a fake network layer: the sign-in at start, a 401 that brings the sign-in
// back over an unchanged window, and a failed top-up retried from the notification bar with the
// same Idempotency-Key.
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "core/order_model.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/main_window.hpp"
#include "ui/notification_bar.hpp"
#include "ui/orders_panel.hpp"
#include "ui/sign_in_dialog.hpp"
#include "ui/top_up_dialog.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

const QString kUser = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");

QByteArray accountJson(const QByteArray& balance) {
    return R"({"user_id":"3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b","balance":")" + balance +
           R"(","created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:0)" +
           (balance == "10.00" ? "0" : "5") + R"(:00Z"})";
}

template <typename T>
T* visibleDialog(QWidget* window) {
    for (T* dialog : window->findChildren<T*>()) {
        if (dialog->isVisible()) {
            return dialog;
        }
    }
    return nullptr;
}

}  // namespace

class tst_MainWindow : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase();
    void signsInAtStart();
    void unauthorizedBringsSignInBackOverTheSameScreen();
    void retriedTopUpReusesItsKey();
    void cleanupTestCase();

  private:
    void signIn();

    FakeNetwork m_network;
    bool m_expired = false;
    int m_topUps = 0;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<AuthSession> m_auth;
    std::unique_ptr<EventStream> m_stream;
    std::unique_ptr<HealthMonitor> m_health;
    std::unique_ptr<ui::MainWindow> m_window;
};

void tst_MainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("shop-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
    QSettings().clear();

    m_network.setHandler([this](const SentRequest& sent) {
        const QString path = sent.url.path();
        if (path == QLatin1StringView("/auth/token")) {
            return FakeResponse::json(200,
                                      R"({"data":{"access_token":"tok","token_type":"Bearer",)"
                                      R"("expires_in":3600,"role":"operator","user_id":null}})");
        }
        if (m_expired) {
            return FakeResponse::json(401, R"({"error":{"code":"UNAUTHORIZED",)"
                                           R"("message":"token expired","request_id":"r1"}})");
        }
        if (path == QLatin1StringView("/accounts")) {
            return FakeResponse::json(
                200, R"({"data":{"items":[)" + accountJson("10.00") + R"(],"next_cursor":null}})");
        }
        if (path == QLatin1StringView("/orders")) {
            return FakeResponse::json(200, R"({"data":{"items":[],"next_cursor":null}})");
        }
        if (path == QLatin1StringView("/accounts/topup")) {
            // The first attempt is lost on the way back; the retry is answered.
            return ++m_topUps == 1
                       ? FakeResponse::silent()
                       : FakeResponse::json(200, R"({"data":)" + accountJson("60.00") + "}");
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r2"}})");
    });
    m_api = std::make_unique<ApiClient>(&m_network);
    m_auth = std::make_unique<AuthSession>(m_api.get());
    m_stream = std::make_unique<EventStream>();
    m_health = std::make_unique<HealthMonitor>(m_api.get());
    ClientOptions options;
    options.gatewayUrl = QUrl(QStringLiteral("http://gateway.test"));
    m_window = std::make_unique<ui::MainWindow>(
        ui::ClientServices{m_api.get(), m_auth.get(), m_stream.get(), m_health.get()}, options);
    m_window->show();
    m_window->start();
    m_api->setTimeout(std::chrono::milliseconds(200));
}

void tst_MainWindow::signIn() {
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(m_window.get())) != nullptr);
    auto* password = dialog->findChild<QLineEdit*>(QStringLiteral("passwordEdit"));
    QVERIFY(password != nullptr);
    QCOMPARE(password->echoMode(), QLineEdit::Password);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit")),
                     QStringLiteral("operator"));
    QTest::keyClicks(password, QStringLiteral("s3cret"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_COMPARE(m_auth->state(), AuthSession::State::SignedIn);
    QTRY_VERIFY(visibleDialog<ui::SignInDialog>(m_window.get()) == nullptr);
}

void tst_MainWindow::signsInAtStart() {
    signIn();
    QTRY_COMPARE(m_window->accountsPanel()->model()->rowCount(), 1);
    QCOMPARE(m_network.sent().last().header("Authorization"), QByteArray("Bearer tok"));
    QCOMPARE(QSettings().value(QStringLiteral("auth/username")).toString(),
             QStringLiteral("operator"));
    // The password is never written to the settings.
    for (const QString& key : QSettings().allKeys()) {
        QVERIFY2(!QSettings().value(key).toString().contains(QLatin1StringView("s3cret")),
                 qPrintable(key));
    }
}

void tst_MainWindow::unauthorizedBringsSignInBackOverTheSameScreen() {
    m_expired = true;
    m_window->findChild<QAction*>(QStringLiteral("refreshAction"))->trigger();
    QTRY_VERIFY(visibleDialog<ui::SignInDialog>(m_window.get()) != nullptr);
    QCOMPARE(m_auth->state(), AuthSession::State::SignedOut);
    // What was on screen is still there behind the dialog.
    QCOMPARE(m_window->accountsPanel()->model()->rowCount(), 1);
    QCOMPARE(m_window->accountsPanel()->currentAccount()->userId, kUser);
    QVERIFY(m_window->isVisible());
    m_expired = false;
    signIn();
    // Signed in again, everything is re-read and the 401 problems go away.
    QTRY_VERIFY(!m_window->notifications()->isVisible());
    QCOMPARE(m_window->accountsPanel()->model()->rowCount(), 1);
}

void tst_MainWindow::retriedTopUpReusesItsKey() {
    m_window->findChild<QAction*>(QStringLiteral("topUpAction"))->trigger();
    ui::TopUpDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::TopUpDialog>(m_window.get())) != nullptr);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit")),
                     QStringLiteral("50"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    // The first attempt times out: a problem with Retry, the window stays usable.
    ui::NotificationBar* bar = m_window->notifications();
    auto* text = bar->findChild<QLabel*>(QStringLiteral("notificationText"));
    QTRY_VERIFY(bar->isVisible());
    QTRY_VERIFY2(text->text().contains(QLatin1StringView("TIMEOUT")), qPrintable(text->text()));
    auto* retry = bar->findChild<QPushButton*>(QStringLiteral("notificationAction"));
    QVERIFY(retry->isVisible());
    retry->click();

    AccountModel* accounts = m_window->accountsPanel()->model();
    QTRY_COMPARE(accounts->accountAt(0)->balance, QStringLiteral("60.00"));
    QTRY_VERIFY(!bar->isVisible());
    QList<QByteArray> keys;
    QList<QByteArray> bodies;
    for (const SentRequest& sent : m_network.sent()) {
        if (sent.url.path() == QLatin1StringView("/accounts/topup")) {
            keys << sent.header("Idempotency-Key");
            bodies << sent.body;
        }
    }
    QCOMPARE(keys.size(), 2);
    QVERIFY(!keys.first().isEmpty());
    QCOMPARE(keys.at(1), keys.at(0));
    QCOMPARE(bodies.at(1), bodies.at(0));
    QVERIFY(bodies.first().contains(R"("amount":"50.00")"));
}

void tst_MainWindow::cleanupTestCase() {
    m_window.reset();
    m_stream.reset();
}

QTEST_MAIN(tst_MainWindow)
#include "tst_main_window.moc"
