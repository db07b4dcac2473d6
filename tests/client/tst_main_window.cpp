// The main window over a fake network layer: the sign-in at start, a 401 that brings the sign-in
// back over an unchanged window, a failed top-up retried from the notification bar with the
// same Idempotency-Key, two identical failed top-ups shown and retried apart, the notification
// bar's problems keyed by id, the API keys dialog listing an account's keys and revoking one,
// signing out, an orders panel filtered by status letting go of a row a push moved out, its
// "Load more" going on from the right page after rows were dropped to stay within the cap, and
// the accounts and orders panels keeping what changed while a page was held back loading (of
// many pushes for one order, the newest).
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
#include "core/order_model.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/api_keys_dialog.hpp"
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

QByteArray orderJson(const QByteArray& id, const QByteArray& status, int version, int minute) {
    const QByteArray time =
        "2025-11-22T10:" + QByteArray::number(minute).rightJustified(2, '0') + ":00Z";
    return R"({"order_id":")" + id +
           R"(","user_id":"u-1","amount":"9.99","description":"a book","status":")" + status +
           R"(","failure_reason":null,"version":)" + QByteArray::number(version) +
           R"(,"created_at":")" + time + R"(","updated_at":")" + time + R"("})";
}

FakeResponse orderPage(const QList<QByteArray>& orders) {
    return FakeResponse::json(
        200, R"({"data":{"items":[)" + orders.join(',') + R"(],"next_cursor":null}})");
}

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
    void notificationBarKeysProblemsById();
    void apiKeysDialogListsAndRevokes();
    void signOutStopsTheStreamAndKeepsTheScreen();
    void refusedStreamBringsSignInBack();
    void statusFilterLetsGoOfARowAPushMovesOut();
    void ordersLoadMoreGoesOnWhereRowsWereDropped();
    void accountsPanelKeepsAnAccountMadeWhileItsPageLoads();
    void ordersPanelKeepsOrdersMadeWhileItsPageLoads();
    void ordersPanelReappliesPushesThatCameWhileItsPageLoaded();
    void ordersPanelKeepsTheNewestOfManyPushesWhileItsPageLoads();
    void cleanupTestCase();

  private:
    void signIn();
    void submitTopUp(const QString& amount);
    QList<QByteArray> topUpKeys() const;

    FakeNetwork m_network;
    bool m_expired = false;
    int m_topUpsToLose = 0;
    bool m_keyRevoked = false;
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

void tst_MainWindow::notificationBarKeysProblemsById() {
    ui::NotificationBar bar;
    const auto first = bar.newId();
    const auto second = bar.newId();
    QVERIFY(first != second);
    ApiError error;
    error.kind = ApiError::Kind::Http;
    error.code = QStringLiteral("INTERNAL");
    QList<int> retried;
    bar.showError(first, QStringLiteral("Same:"), error, [&] { retried << 1; });
    bar.showError(second, QStringLiteral("Same:"), error, [&] { retried << 2; });
    QCOMPARE(bar.count(), 2);
    QCOMPARE(bar.currentId(), second);
    // The first operation failing again replaces its own entry and is shown as the newest.
    bar.showError(first, QStringLiteral("Same:"), error, [&] { retried << 3; });
    QCOMPARE(bar.count(), 2);
    QCOMPARE(bar.currentId(), first);
    auto* action = bar.findChild<QPushButton*>(QStringLiteral("notificationAction"));
    action->click();
    QCOMPARE(retried, QList<int>{3});
    QCOMPARE(bar.currentId(), second);
    // Clearing one problem leaves another of the same title.
    const auto third = bar.showError(0, QStringLiteral("Same:"), error);
    QVERIFY(third != first && third != second);
    QCOMPARE(bar.count(), 2);
    bar.clear(second);
    QCOMPARE(bar.count(), 1);
    QCOMPARE(bar.currentId(), third);
    bar.clear(third);
    QCOMPARE(bar.count(), 0);
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

void tst_MainWindow::signOutStopsTheStreamAndKeepsTheScreen() {
    const int rows = m_window->accountsPanel()->model()->rowCount();
    m_window->findChild<QAction*>(QStringLiteral("signOutAction"))->trigger();
    QCOMPARE(m_auth->state(), AuthSession::State::SignedOut);
    QVERIFY(m_api->accessToken().isEmpty());
    QCOMPARE(m_stream->state(), EventStream::State::Stopped);
    QCOMPARE(m_window->accountsPanel()->model()->rowCount(), rows);
    QTRY_VERIFY(m_window->notifications()->isVisible());
    QCOMPARE(m_window->notifications()->currentTitle(), QStringLiteral("Not signed in:"));
    // Signing in from the bar starts the stream again.
    m_window->notifications()
        ->findChild<QPushButton*>(QStringLiteral("notificationAction"))
        ->click();
    signIn();
    QVERIFY(m_stream->state() != EventStream::State::Stopped);
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

void tst_MainWindow::statusFilterLetsGoOfARowAPushMovesOut() {
    // An orders panel of its own, filtered to NEW, over a network that lists two NEW orders.
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        if (sent.url.path() != QLatin1StringView("/orders")) {
            return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                           R"("request_id":"r3"}})");
        }
        auto order = [](const char* id) {
            return QByteArray(R"({"order_id":")") + id +
                   R"(","user_id":"u-1","amount":"9.99","description":"a book",)"
                   R"("status":"NEW","failure_reason":null,"version":1,)"
                   R"("created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:00:00Z"})";
        };
        return FakeResponse::json(200, R"({"data":{"items":[)" + order("o-1") + "," + order("o-2") +
                                           R"(],"next_cursor":null}})");
    });
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setScope(ui::OrdersPanel::Scope::Everyone);
    panel.setStatusFilter(QStringLiteral("NEW"));
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    auto* view = panel.findChild<QTableView*>(QStringLiteral("ordersView"));
    QCOMPARE(view->model()->rowCount(), 2);

    OrderEvent paid;
    paid.orderId = QStringLiteral("o-1");
    paid.userId = QStringLiteral("u-1");
    paid.status = QStringLiteral("FINISHED");
    paid.version = 2;
    panel.applyEvent(paid);
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, 0).data(OrderModel::OrderIdRole).toString(),
             QStringLiteral("o-2"));
    auto* summary = panel.findChild<QLabel*>(QStringLiteral("ordersSummary"));
    QVERIFY2(summary->text().startsWith(QLatin1StringView("1 order")), qPrintable(summary->text()));

    // Without a filter the same push updates the row in place instead.
    panel.setStatusFilter(QString());
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(view->model()->rowCount(), 2);
    paid.orderId = QStringLiteral("o-2");
    panel.applyEvent(paid);
    QCOMPARE(view->model()->rowCount(), 2);
    const int row = view->model()->index(0, 0).data(OrderModel::OrderIdRole).toString() ==
                            QLatin1StringView("o-2")
                        ? 0
                        : 1;
    QCOMPARE(view->model()->index(row, 0).data(OrderModel::StatusRole).toString(),
             QStringLiteral("FINISHED"));
}

void tst_MainWindow::ordersLoadMoreGoesOnWhereRowsWereDropped() {
    // Pages of 100 orders, page k asked for with cursor "c<k>" (the first with none), older
    // and older; the panel's model keeps 250 rows at most.
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        const QString cursor = QUrlQuery(sent.url).queryItemValue(QStringLiteral("cursor"));
        const int page = cursor.isEmpty() ? 0 : cursor.mid(1).toInt();
        QByteArray items;
        for (int i = 0; i < 100; ++i) {
            const QDateTime created = QDateTime(QDate(2025, 11, 22), QTime(0, 0), Qt::UTC)
                                          .addSecs(-60LL * (100 * page + i));
            const QByteArray time = created.toString(Qt::ISODate).toUtf8();
            items += (i == 0 ? "" : ",") + QByteArray(R"({"order_id":"o-)") +
                     QByteArray::number(page) + "-" + QByteArray::number(i) +
                     R"(","user_id":"u-1","amount":"9.99","description":"a book",)"
                     R"("status":"NEW","failure_reason":null,"version":1,"created_at":")" +
                     time + R"(","updated_at":")" + time + R"("})";
        }
        return FakeResponse::json(200, R"({"data":{"items":[)" + items + R"(],"next_cursor":"c)" +
                                           QByteArray::number(page + 1) + R"("}})");
    });
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.model()->setMaxRows(250);
    panel.setScope(ui::OrdersPanel::Scope::Everyone);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    auto* more = panel.findChild<QPushButton*>(QStringLiteral("ordersLoadMore"));
    auto* summary = panel.findChild<QLabel*>(QStringLiteral("ordersSummary"));
    auto lastCursor = [&network] {
        return QUrlQuery(network.sent().last().url).queryItemValue(QStringLiteral("cursor"));
    };
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(panel.model()->rowCount(), 100);
    QVERIFY(more->isEnabled());
    more->click();
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(lastCursor(), QStringLiteral("c1"));
    more->click();
    QTRY_COMPARE(loaded.count(), 3);
    QCOMPARE(lastCursor(), QStringLiteral("c2"));
    // The third page only half fits: the cap holds for pages too, and nothing more is offered.
    QCOMPARE(panel.model()->rowCount(), 250);
    QVERIFY(!more->isEnabled());
    QVERIFY2(summary->text().startsWith(QLatin1StringView("The newest 250 order")),
             qPrintable(summary->text()));

    // An order placed here pushes one more row of the third page out; a row leaving the
    // query makes room. "Load more" then asks for the third page again, not the fourth, which
    // would leave the rows dropped out for good.
    Order placed;
    placed.orderId = QStringLiteral("o-new");
    placed.userId = QStringLiteral("u-1");
    placed.amount = QStringLiteral("1.00");
    placed.status = QStringLiteral("NEW");
    placed.version = 1;
    placed.createdAt = QDateTime(QDate(2025, 11, 23), QTime(0, 0), Qt::UTC);
    panel.addCreated(placed);
    QCOMPARE(panel.model()->rowCount(), 250);
    QCOMPARE(panel.model()->rowOf(QStringLiteral("o-new")), 0);
    QVERIFY(panel.model()->rowOf(QStringLiteral("o-2-49")) < 0);
    QVERIFY(panel.model()->remove(QStringLiteral("o-new")));
    QVERIFY(more->isEnabled());
    more->click();
    QTRY_COMPARE(loaded.count(), 4);
    QCOMPARE(lastCursor(), QStringLiteral("c2"));
    QCOMPARE(panel.model()->rowCount(), 250);
    QVERIFY(panel.model()->rowOf(QStringLiteral("o-2-49")) >= 0);
}

void tst_MainWindow::accountsPanelKeepsAnAccountMadeWhileItsPageLoads() {
    // The first page is read before an account is made here, and arrives after: the new
    // account stays in the list, selected.
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        if (sent.url.path() != QLatin1StringView("/accounts")) {
            return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                           R"("request_id":"r4"}})");
        }
        return FakeResponse::heldBack(FakeResponse::json(
            200, R"({"data":{"items":[)" + accountJson("10.00") + R"(],"next_cursor":null}})"));
    });
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::AccountsPanel panel(&api, &notifications);
    QSignalSpy loaded(&panel, &ui::AccountsPanel::loaded);
    panel.reload();
    QTRY_COMPARE(network.heldCount(), 1);

    const QString made = QStringLiteral("9a8b7c6d-1111-4222-8333-944455566677");
    const QDateTime now = QDateTime(QDate(2025, 11, 22), QTime(11, 0), Qt::UTC);
    panel.upsert(Account{made, QStringLiteral("5.00"), now, now}, true);
    QCOMPARE(panel.model()->rowCount(), 1);
    QCOMPARE(panel.currentAccount()->userId, made);

    QVERIFY(network.releaseHeld(QStringLiteral("/accounts")));
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(panel.model()->rowCount(), 2);
    QVERIFY(panel.model()->rowOf(kUser) >= 0);
    QVERIFY(panel.model()->rowOf(made) >= 0);
    QCOMPARE(panel.currentAccount()->userId, made);
}

void tst_MainWindow::ordersPanelKeepsOrdersMadeWhileItsPageLoads() {
    // The first page (o-1 only) is read before o-3 is placed here and before o-2 is pushed
    // (and fetched), and arrives after both: both stay in the list.
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/orders")) {
            return FakeResponse::heldBack(orderPage({orderJson("o-1", "NEW", 1, 1)}));
        }
        if (sent.url.path() == QLatin1StringView("/orders/o-2")) {
            return FakeResponse::json(200, R"({"data":)" + orderJson("o-2", "NEW", 1, 2) + "}");
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r5"}})");
    });
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setScope(ui::OrdersPanel::Scope::Everyone);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(network.heldCount(), 1);

    Order placed;
    placed.orderId = QStringLiteral("o-3");
    placed.userId = QStringLiteral("u-1");
    placed.amount = QStringLiteral("1.00");
    placed.description = QStringLiteral("a pen");
    placed.status = QStringLiteral("NEW");
    placed.version = 1;
    placed.createdAt = QDateTime(QDate(2025, 11, 22), QTime(10, 3), Qt::UTC);
    placed.updatedAt = placed.createdAt;
    panel.addCreated(placed);
    OrderEvent pushed;
    pushed.orderId = QStringLiteral("o-2");
    pushed.userId = QStringLiteral("u-1");
    pushed.status = QStringLiteral("NEW");
    pushed.version = 1;
    panel.applyEvent(pushed);
    QTRY_VERIFY(panel.model()->rowOf(QStringLiteral("o-2")) >= 0);
    QCOMPARE(panel.model()->rowCount(), 2);

    QVERIFY(network.releaseHeld(QStringLiteral("/orders")));
    QTRY_COMPARE(loaded.count(), 1);
    QStringList ids;
    for (int row = 0; row < panel.model()->rowCount(); ++row) {
        ids << panel.model()->orderAt(row)->orderId;
    }
    QCOMPARE(ids, (QStringList{"o-3", "o-2", "o-1"}));

    // The next load starts afresh: what was kept over the last one is not forced on it.
    network.setHandler(
        [](const SentRequest&) { return orderPage({orderJson("o-9", "FINISHED", 2, 9)}); });
    panel.setStatusFilter(QStringLiteral("FINISHED"));
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(panel.model()->rowCount(), 1);
    QCOMPARE(panel.model()->orderAt(0)->orderId, QStringLiteral("o-9"));
}

void tst_MainWindow::ordersPanelReappliesPushesThatCameWhileItsPageLoaded() {
    // Filtered to NEW. The first page, read while o-1 was still NEW, arrives after the push that
    // made it FINISHED: o-1 is not shown (before, it came back as NEW and stayed so, since
    // FINISHED is final and nothing would push it again).
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/orders")) {
            return FakeResponse::heldBack(
                orderPage({orderJson("o-2", "NEW", 1, 2), orderJson("o-1", "NEW", 1, 1)}));
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r6"}})");
    });
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setScope(ui::OrdersPanel::Scope::Everyone);
    panel.setStatusFilter(QStringLiteral("NEW"));
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(network.heldCount(), 1);

    OrderEvent paid;
    paid.orderId = QStringLiteral("o-1");
    paid.userId = QStringLiteral("u-1");
    paid.status = QStringLiteral("FINISHED");
    paid.version = 2;
    panel.applyEvent(paid);
    QCOMPARE(panel.model()->rowCount(), 0);

    QVERIFY(network.releaseHeld());
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(panel.model()->rowCount(), 1);
    QCOMPARE(panel.model()->orderAt(0)->orderId, QStringLiteral("o-2"));
    QCOMPARE(network.heldCount(), 0);
}

void tst_MainWindow::ordersPanelKeepsTheNewestOfManyPushesWhileItsPageLoads() {
    // The first page (o-1, o-2, both NEW at version 1) is read before hundreds of pushes for
    // them, which arrive out of order, the newest in the middle, older ones and a second
    // version of the newest after it. The rows are not shown yet (the order fetches are
    // refused), so only the pushes replayed over the page bring them up to date: each ends as
    // its newest push left it, whatever the order the panel replays them in.
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/orders")) {
            return FakeResponse::heldBack(
                orderPage({orderJson("o-2", "NEW", 1, 2), orderJson("o-1", "NEW", 1, 1)}));
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r7"}})");
    });
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setScope(ui::OrdersPanel::Scope::Everyone);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(network.heldCount(), 1);

    const QDateTime base = QDateTime(QDate(2025, 11, 22), QTime(11, 0), Qt::UTC);
    auto push = [&panel, &base](const QString& orderId, qint64 version, const QString& status,
                                const QString& reason = {}) {
        OrderEvent event;
        event.orderId = orderId;
        event.userId = QStringLiteral("u-1");
        event.status = status;
        event.failureReason = reason;
        event.version = version;
        event.amount = QStringLiteral("9.99");
        event.updatedAt = base.addSecs(version);
        panel.applyEvent(event);
    };
    // Versions 2..301 of o-1 in a scrambled order (37 and 300 are coprime), 301 at i = 227;
    // o-2 gets versions 31 down to 2 in between, its newest (CANCELLED) first.
    constexpr int kPushes = 300;
    for (int i = 0; i < kPushes; ++i) {
        const qint64 version = 2 + (37LL * i) % kPushes;
        push(QStringLiteral("o-1"), version,
             version == kPushes + 1 ? QStringLiteral("FINISHED") : QStringLiteral("NEW"));
        if (i % 10 == 0) {
            const qint64 other = 31 - i / 10;
            push(QStringLiteral("o-2"), other,
                 other == 31 ? QStringLiteral("CANCELLED") : QStringLiteral("NEW"),
                 other == 31 ? QStringLiteral("INSUFFICIENT_FUNDS") : QString());
        }
    }
    // The same version again, told otherwise: the first one told stays, as in the model.
    push(QStringLiteral("o-1"), kPushes + 1, QStringLiteral("CANCELLED"),
         QStringLiteral("INSUFFICIENT_FUNDS"));
    QTRY_COMPARE(network.sent().size(), qsizetype(3));  // the page, and one fetch for each order
    QCOMPARE(panel.model()->rowCount(), 0);

    QVERIFY(network.releaseHeld(QStringLiteral("/orders")));
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(panel.model()->rowCount(), 2);
    const std::optional<Order> first =
        panel.model()->orderAt(panel.model()->rowOf(QStringLiteral("o-1")));
    QVERIFY(first.has_value());
    QCOMPARE(first->status, QStringLiteral("FINISHED"));
    QCOMPARE(first->version, qint64{kPushes + 1});
    QCOMPARE(first->failureReason, QString());
    QCOMPARE(first->updatedAt, base.addSecs(kPushes + 1));
    QCOMPARE(first->description, QStringLiteral("a book"));  // the page's, kept
    const std::optional<Order> second =
        panel.model()->orderAt(panel.model()->rowOf(QStringLiteral("o-2")));
    QVERIFY(second.has_value());
    QCOMPARE(second->status, QStringLiteral("CANCELLED"));
    QCOMPARE(second->version, qint64{31});
    QCOMPARE(second->failureReason, QStringLiteral("INSUFFICIENT_FUNDS"));
    QCOMPARE(second->updatedAt, base.addSecs(31));

    // Filtered to NEW, the newest push moving an order out of the filter wins over the older
    // ones keeping it in, wherever it came among them.
    network.setHandler([](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/orders")) {
            return FakeResponse::heldBack(
                orderPage({orderJson("o-4", "NEW", 1, 4), orderJson("o-3", "NEW", 1, 3)}));
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r8"}})");
    });
    panel.setStatusFilter(QStringLiteral("NEW"));
    QTRY_COMPARE(network.heldCount(), 1);
    for (int i = 0; i < kPushes; ++i) {
        const qint64 version = 2 + (37LL * i) % kPushes;
        push(QStringLiteral("o-3"), version,
             version == kPushes + 1 ? QStringLiteral("FINISHED") : QStringLiteral("NEW"));
        push(QStringLiteral("o-4"), version, QStringLiteral("NEW"));
    }
    QVERIFY(network.releaseHeld(QStringLiteral("/orders")));
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(panel.model()->rowCount(), 1);
    const std::optional<Order> kept = panel.model()->orderAt(0);
    QCOMPARE(kept->orderId, QStringLiteral("o-4"));
    QCOMPARE(kept->version, qint64{kPushes + 1});
    QCOMPARE(kept->updatedAt, base.addSecs(kPushes + 1));
    QCOMPARE(network.heldCount(), 0);
}

void tst_MainWindow::cleanupTestCase() {
    m_window.reset();
    m_stream.reset();
}

QTEST_MAIN(tst_MainWindow)
#include "tst_main_window.moc"
