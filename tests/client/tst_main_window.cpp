// The main window over a fake network layer: the sign-in at start, a 401 that brings the sign-in
// back over an unchanged window, a failed top-up retried from the notification bar with the
// same Idempotency-Key, two identical failed top-ups shown and retried apart, the API keys
// dialog listing an account's keys and revoking one, the refund and history actions (in the
// menus and on the rows, refund only for a FINISHED order and a signed-in operator), signing
// out, and a refused stream. The panels on their own are tested in tst_panels, the refund and
// history dialogs in tst_refunds. What the window enables, shows and clears as the session,
// the gateway and the selection change is in tst_window_state.
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QtTest>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "core/api_key_model.hpp"
#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/api_keys_dialog.hpp"
#include "ui/ledger_dialog.hpp"
#include "ui/main_window.hpp"
#include "ui/notification_bar.hpp"
#include "ui/order_detail_dialog.hpp"
#include "ui/orders_panel.hpp"
#include "ui/refund_dialog.hpp"
#include "ui/refunds_view.hpp"
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
    void identicalFailedTopUpsAreRetriedApart();
    void apiKeysDialogListsAndRevokes();
    void refundAndHistoryActions();
    void signOutStopsTheStreamAndClearsTheScreen();
    void refusedStreamBringsSignInBack();
    void cleanupTestCase();

  private:
    void signIn();
    void submitTopUp(const QString& amount);
    QList<QByteArray> topUpKeys() const;

    FakeNetwork m_network;
    bool m_expired = false;
    int m_topUpsToLose = 0;
    bool m_keyRevoked = false;
    bool m_withOrders = false;
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
            if (!m_withOrders) {
                return FakeResponse::json(200, R"({"data":{"items":[],"next_cursor":null}})");
            }
            auto order = [](const char* id, const char* status, const char* minute) {
                return QByteArray(R"({"order_id":")") + id + R"(","user_id":")" + kUser.toUtf8() +
                       R"(","amount":"9.99","description":"a book","status":")" + status +
                       R"(","failure_reason":null,"refunded_amount":"0.00","version":2,)"
                       R"("created_at":"2025-11-22T10:)" +
                       minute + R"(:00Z","updated_at":"2025-11-22T10:)" + minute + R"(:00Z"})";
            };
            return FakeResponse::json(200, R"({"data":{"items":[)" + order("o-new", "NEW", "02") +
                                               "," + order("o-paid", "FINISHED", "01") +
                                               R"(],"next_cursor":null}})");
        }
        if (path == QLatin1StringView("/accounts/topup")) {
            // The first m_topUpsToLose attempts are lost on the way back, the rest answered.
            if (m_topUpsToLose > 0) {
                --m_topUpsToLose;
                return FakeResponse::silent();
            }
            return FakeResponse::json(200, R"({"data":)" + accountJson("60.00") + "}");
        }
        const QString keys = QStringLiteral("/accounts/") + kUser + QStringLiteral("/api-keys");
        if (path == keys && sent.method == "GET") {
            return FakeResponse::json(
                200, R"({"data":{"items":[)"
                     R"({"key_id":"k-2","user_id":"u","created_at":"2025-11-22T11:00:00Z",)"
                     R"("revoked_at":)" +
                         QByteArray(m_keyRevoked ? R"("2025-11-22T12:00:00Z")" : "null") +
                         R"(},{"key_id":"k-1","user_id":"u","created_at":"2025-11-22T10:00:00Z",)"
                         R"("revoked_at":"2025-11-22T10:30:00Z"}]}})");
        }
        if (path == keys + QStringLiteral("/k-2") && sent.method == "DELETE") {
            m_keyRevoked = true;
            return FakeResponse::json(
                200, R"({"data":{"key_id":"k-2","user_id":"u","created_at":"2025-11-22T11:00:00Z",)"
                     R"("revoked_at":"2025-11-22T12:00:00Z"}})");
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
    auto* username = dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"));
    username->clear();  // filled in with the remembered name from the second time on
    QTest::keyClicks(username, QStringLiteral("operator"));
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

void tst_MainWindow::submitTopUp(const QString& amount) {
    m_window->findChild<QAction*>(QStringLiteral("topUpAction"))->trigger();
    ui::TopUpDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::TopUpDialog>(m_window.get())) != nullptr);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit")), amount);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(visibleDialog<ui::TopUpDialog>(m_window.get()) == nullptr);
}

QList<QByteArray> tst_MainWindow::topUpKeys() const {
    QList<QByteArray> keys;
    for (const SentRequest& sent : m_network.sent()) {
        if (sent.url.path() == QLatin1StringView("/accounts/topup")) {
            keys << sent.header("Idempotency-Key");
        }
    }
    return keys;
}

void tst_MainWindow::retriedTopUpReusesItsKey() {
    m_topUpsToLose = 1;
    submitTopUp(QStringLiteral("50"));

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

void tst_MainWindow::identicalFailedTopUpsAreRetriedApart() {
    // Two top-ups of the same amount for the same account, both lost: two problems with the
    // same text, each retrying its own request (before, the second replaced the first, whose
    // top-up could then never be retried).
    ui::NotificationBar* bar = m_window->notifications();
    QCOMPARE(bar->count(), 0);
    auto* retry = bar->findChild<QPushButton*>(QStringLiteral("notificationAction"));
    const qsizetype before = topUpKeys().size();
    m_topUpsToLose = 2;
    submitTopUp(QStringLiteral("25"));
    QTRY_COMPARE(bar->count(), 1);
    const QString title = bar->currentTitle();
    QCOMPARE(title, QStringLiteral("Top-up of 25.00 for 3f2b6c1e failed:"));
    submitTopUp(QStringLiteral("25"));
    QTRY_COMPARE(bar->count(), 2);
    QCOMPARE(bar->currentTitle(), title);
    const QList<QByteArray> sent = topUpKeys().mid(before);
    QCOMPARE(sent.size(), 2);
    QVERIFY(sent.at(0) != sent.at(1));

    // The newest is shown first: Retry resends the second top-up, and its success leaves the
    // first one's problem alone.
    QVERIFY(retry->isVisible());
    retry->click();
    QTRY_COMPARE(topUpKeys().size(), before + 3);
    QCOMPARE(topUpKeys().last(), sent.at(1));
    QTRY_COMPARE(m_window->statusBar()->currentMessage().startsWith(QLatin1StringView("Topped")),
                 true);
    QCOMPARE(bar->count(), 1);
    QCOMPARE(bar->currentTitle(), title);
    // Then the first top-up's Retry resends the first top-up.
    retry->click();
    QTRY_COMPARE(topUpKeys().size(), before + 4);
    QCOMPARE(topUpKeys().last(), sent.at(0));
    QTRY_COMPARE(bar->count(), 0);
    QVERIFY(!bar->isVisible());
}

void tst_MainWindow::apiKeysDialogListsAndRevokes() {
    m_window->findChild<QAction*>(QStringLiteral("apiKeysAction"))->trigger();
    ui::ApiKeysDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::ApiKeysDialog>(m_window.get())) != nullptr);
    QVERIFY(!dialog->isModal());  // the main window stays usable
    ApiKeyModel* keys = dialog->model();
    QTRY_COMPARE(keys->rowCount(), 2);
    QCOMPARE(keys->keyAt(0)->keyId, QStringLiteral("k-2"));
    QVERIFY(!keys->keyAt(0)->isRevoked());
    QVERIFY(keys->keyAt(1)->isRevoked());
    auto* summary = dialog->findChild<QLabel*>(QStringLiteral("apiKeysSummary"));
    QCOMPARE(summary->text(), QStringLiteral("2 key(s), 1 in force"));

    auto* revoke = dialog->findChild<QPushButton*>(QStringLiteral("revokeApiKey"));
    dialog->view()->selectRow(1);
    QVERIFY(!revoke->isEnabled());  // already revoked
    dialog->view()->selectRow(0);
    QVERIFY(revoke->isEnabled());

    // Cancel first: nothing is sent.
    revoke->click();
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = visibleDialog<QMessageBox>(dialog)) != nullptr);
    confirm->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(visibleDialog<QMessageBox>(dialog) == nullptr);
    QVERIFY(!m_keyRevoked);

    revoke->click();
    QTRY_VERIFY((confirm = visibleDialog<QMessageBox>(dialog)) != nullptr);
    confirm->findChild<QPushButton*>(QStringLiteral("revokeConfirmButton"))->click();
    QTRY_VERIFY(keys->keyAt(0)->isRevoked());
    QVERIFY(m_keyRevoked);
    QCOMPARE(keys->rowCount(), 2);
    QCOMPARE(summary->text(), QStringLiteral("2 key(s), 0 in force"));
    QVERIFY(!revoke->isEnabled());
    const auto deletes = std::count_if(
        m_network.sent().begin(), m_network.sent().end(), [](const SentRequest& sent) {
            return sent.method == "DELETE" && sent.header("Authorization") == "Bearer tok";
        });
    QCOMPARE(deletes, 1);
    dialog->close();
}

void tst_MainWindow::refundAndHistoryActions() {
    m_withOrders = true;
    m_window->findChild<QAction*>(QStringLiteral("refreshAction"))->trigger();
    ui::OrdersPanel* orders = m_window->ordersPanel();
    QTRY_COMPARE(orders->model()->rowCount(), 2);
    auto* refund = m_window->findChild<QAction*>(QStringLiteral("refundAction"));
    auto* refunds = m_window->findChild<QAction*>(QStringLiteral("refundsAction"));
    auto* history = m_window->findChild<QAction*>(QStringLiteral("historyAction"));
    QCOMPARE(refund->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+R")));
    // On the rows too, by right click.
    QVERIFY(orders->view()->actions().contains(refund));
    QVERIFY(orders->view()->actions().contains(refunds));
    QVERIFY(m_window->accountsPanel()->view()->actions().contains(history));

    // A NEW order cannot be refunded yet; a FINISHED one can.
    orders->view()->selectRow(orders->model()->rowOf(QStringLiteral("o-new")));
    QVERIFY(!refund->isEnabled());
    QVERIFY(refunds->isEnabled());
    orders->view()->selectRow(orders->model()->rowOf(QStringLiteral("o-paid")));
    QVERIFY(refund->isEnabled());
    refund->trigger();
    ui::RefundDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::RefundDialog>(m_window.get())) != nullptr);
    QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit"))->text(),
             QStringLiteral("9.99"));
    dialog->reject();
    QTRY_VERIFY(visibleDialog<ui::RefundDialog>(m_window.get()) == nullptr);

    // A push that refunds the order in full turns it REFUNDED: no longer refundable.
    OrderEvent frame;
    frame.orderId = QStringLiteral("o-paid");
    frame.userId = kUser;
    frame.status = QStringLiteral("REFUNDED");
    frame.version = 3;
    frame.amount = QStringLiteral("9.99");
    frame.refundedAmount = QStringLiteral("9.99");
    emit m_stream->orderEvent(frame);
    QCOMPARE(orders->currentOrder()->status, QStringLiteral("REFUNDED"));
    QVERIFY(!refund->isEnabled());

    // Double click opens the order's details, its refunds among them.
    const QModelIndex paid = orders->model()->index(
        orders->model()->rowOf(QStringLiteral("o-paid")), OrderModel::AmountColumn);
    emit orders->view()->doubleClicked(paid);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QCOMPARE(detail->refundsView()->orderId(), QStringLiteral("o-paid"));
    detail->close();

    QVERIFY(history->isEnabled());
    history->trigger();
    ui::LedgerDialog* ledger = nullptr;
    QTRY_VERIFY((ledger = visibleDialog<ui::LedgerDialog>(m_window.get())) != nullptr);
    QVERIFY(!ledger->isModal());
    QCOMPARE(ledger->userId(), kUser);
    ledger->close();

    // Signed out, nothing can be refunded.
    orders->view()->selectRow(orders->model()->rowOf(QStringLiteral("o-new")));
    m_auth->signOut();
    QVERIFY(!refund->isEnabled());
    m_auth->signIn(QStringLiteral("operator"), QStringLiteral("s3cret"));
    QTRY_COMPARE(m_auth->state(), AuthSession::State::SignedIn);
    m_withOrders = false;
}

void tst_MainWindow::signOutStopsTheStreamAndClearsTheScreen() {
    const int rows = m_window->accountsPanel()->model()->rowCount();
    QVERIFY(rows > 0);
    m_window->findChild<QAction*>(QStringLiteral("signOutAction"))->trigger();
    QCOMPARE(m_auth->state(), AuthSession::State::SignedOut);
    QVERIFY(m_api->accessToken().isEmpty());
    QCOMPARE(m_stream->state(), EventStream::State::Stopped);
    // Nothing read under the session stays on screen (tst_window_state has the details).
    QCOMPARE(m_window->accountsPanel()->model()->rowCount(), 0);
    QTRY_VERIFY(m_window->notifications()->isVisible());
    QCOMPARE(m_window->notifications()->currentTitle(), QStringLiteral("Not signed in:"));
    // Signing in from the bar starts the stream again.
    m_window->notifications()
        ->findChild<QPushButton*>(QStringLiteral("notificationAction"))
        ->click();
    signIn();
    QVERIFY(m_stream->state() != EventStream::State::Stopped);
    QTRY_COMPARE(m_window->accountsPanel()->model()->rowCount(), rows);
}

void tst_MainWindow::refusedStreamBringsSignInBack() {
    // The gateway refuses the stream's upgrade with 401, which the socket reports as a plain
    // failed connection: the window checks the session with one request, and its 401 brings
    // the sign-in back.
    QCOMPARE(m_auth->state(), AuthSession::State::SignedIn);
    m_expired = true;
    const qsizetype before = m_network.sent().size();
    emit m_stream->reconnectScheduled(1, 500);
    QTRY_VERIFY(visibleDialog<ui::SignInDialog>(m_window.get()) != nullptr);
    QCOMPARE(m_auth->state(), AuthSession::State::SignedOut);
    bool probed = false;
    for (qsizetype i = before; i < m_network.sent().size(); ++i) {
        const SentRequest& sent = m_network.sent().at(i);
        probed = probed || (sent.url.path() == QLatin1StringView("/accounts") &&
                            QUrlQuery(sent.url).queryItemValue(QStringLiteral("limit")) ==
                                QLatin1StringView("1"));
    }
    QVERIFY(probed);
    m_expired = false;
    signIn();
}

void tst_MainWindow::cleanupTestCase() {
    m_window.reset();
    m_stream.reset();
}

QTEST_MAIN(tst_MainWindow)
#include "tst_main_window.moc"
