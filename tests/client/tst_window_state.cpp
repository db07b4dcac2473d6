// What the main window shows and allows follows the session, the gateway and the selection
// (issue 18): one policy decides which actions are enabled; signing out empties the window; a
// 401 brings the sign-in back even after signing out; a retried account creation reports what
// the server said; the sign-in dialog names its gateway, remembers the user and points to
// Settings when the gateway cannot be reached; Settings applies a new gateway at once, takes
// "localhost:8080" and never cuts its message off; messages clear when what they describe
// changes (a decided failure after a later success, Escape, a placed order that got paid or
// cancelled, a refused stream that connects again); the title, the status bar and About. All
// over a fake network, with a fresh window for each test.
#include <QApplication>
#include <QDialog>
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
#include <functional>
#include <memory>
#include <optional>

#include "core/account_model.hpp"
#include "core/action_policy.hpp"
#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "core/order_history.hpp"
#include "core/order_model.hpp"
#include "core/timeline_model.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/connection_status.hpp"
#include "ui/live_panel.hpp"
#include "ui/main_window.hpp"
#include "ui/new_account_dialog.hpp"
#include "ui/new_order_dialog.hpp"
#include "ui/notification_bar.hpp"
#include "ui/orders_panel.hpp"
#include "ui/search_box.hpp"
#include "ui/settings_dialog.hpp"
#include "ui/sign_in_dialog.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

const QString kUser = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");
const QString kOtherUser = QStringLiteral("7c9e6679-7425-40de-944b-e07fc1f90ae7");
const QString kOrder = QStringLiteral("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");

QByteArray accountJson(const QString& userId, const QByteArray& balance) {
    return R"({"user_id":")" + userId.toUtf8() + R"(","balance":")" + balance +
           R"(","created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:00:00Z"})";
}

QByteArray orderJson(const QString& orderId, const QString& userId, const QByteArray& status) {
    return R"({"order_id":")" + orderId.toUtf8() + R"(","user_id":")" + userId.toUtf8() +
           R"(","amount":"9.99","description":"a book","status":")" + status +
           R"(","failure_reason":null,"refunded_amount":"0.00","version":1,)"
           R"("created_at":"2025-11-22T10:01:00Z","updated_at":"2025-11-22T10:01:00Z"})";
}

FakeResponse errorResponse(int status, const QByteArray& code, const QByteArray& message) {
    return FakeResponse::json(status, R"({"error":{"code":")" + code + R"(","message":")" +
                                          message + R"(","request_id":"req-)" +
                                          QByteArray::number(status) + R"("}})");
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

// The window's dialogs on screen, but for the sign-in.
int visibleWindows(QWidget* parent) {
    int count = 0;
    for (QDialog* dialog : parent->findChildren<QDialog*>(Qt::FindDirectChildrenOnly)) {
        count += dialog->isVisible() && qobject_cast<ui::SignInDialog*>(dialog) == nullptr;
    }
    return count;
}

QAction* action(QWidget* window, const char* name) {
    return window->findChild<QAction*>(QLatin1StringView(name));
}

/// A gateway faked per host: each host has its accounts (and their orders); `special` answers
/// first when it returns a response.
struct FakeGateway {
    QHash<QString, QList<QString>> accountsByHost;  ///< host -> user ids, newest first
    QHash<QString, QByteArray> orderStatus;         ///< order id -> status (of kUser)
    bool down = false;                              ///< every request is refused
    bool expired = false;                           ///< every authenticated request gets 401
    std::function<std::optional<FakeResponse>(const SentRequest&)> special;

    FakeResponse answer(const SentRequest& sent) {
        if (down) {
            return FakeResponse::refused();
        }
        if (special) {
            if (auto response = special(sent)) {
                return *response;
            }
        }
        const QString path = sent.url.path();
        const QList<QString> accounts = accountsByHost.value(sent.url.host());
        if (path == QLatin1StringView("/auth/token")) {
            return FakeResponse::json(200,
                                      R"({"data":{"access_token":"tok","token_type":"Bearer",)"
                                      R"("expires_in":3600,"role":"operator","user_id":null}})");
        }
        if (path == QLatin1StringView("/health/ready")) {
            return FakeResponse::json(200, R"({"data":{"status":"ok","checks":{}}})");
        }
        if (expired || sent.header("Authorization") != "Bearer tok") {
            return errorResponse(401, "UNAUTHORIZED", "send Authorization: Bearer <access_token>");
        }
        if (path == QLatin1StringView("/accounts") && sent.method == "GET") {
            QByteArrayList items;
            for (const QString& userId : accounts) {
                items << accountJson(userId, "10.00");
            }
            return FakeResponse::json(
                200, R"({"data":{"items":[)" + items.join(',') + R"(],"next_cursor":null}})");
        }
        if (path.startsWith(QLatin1StringView("/accounts/")) && sent.method == "GET") {
            const QString userId = path.section(u'/', 2, 2);
            if (accounts.contains(userId)) {
                return FakeResponse::json(200, R"({"data":)" + accountJson(userId, "10.00") + "}");
            }
            return errorResponse(404, "NOT_FOUND", "no such account");
        }
        if (path == QLatin1StringView("/orders") && sent.method == "GET") {
            const QString userId = QUrlQuery(sent.url).queryItemValue(QStringLiteral("user_id"));
            QByteArrayList items;
            for (auto it = orderStatus.cbegin(); it != orderStatus.cend(); ++it) {
                if (accounts.contains(kUser) && (userId.isEmpty() || userId == kUser)) {
                    items << orderJson(it.key(), kUser, it.value());
                }
            }
            return FakeResponse::json(
                200, R"({"data":{"items":[)" + items.join(',') + R"(],"next_cursor":null}})");
        }
        return errorResponse(404, "NOT_FOUND", "no route");
    }
};

/// The core objects and a main window over a FakeGateway, started (the sign-in dialog open).
struct Harness {
    FakeGateway gateway;
    FakeNetwork network;
    ApiClient api{&network};
    AuthSession auth{&api};
    EventStream stream;
    HealthMonitor health{&api};
    std::unique_ptr<ui::MainWindow> window;

    explicit Harness(const QUrl& gatewayUrl = QUrl(QStringLiteral("http://gateway.test"))) {
        gateway.accountsByHost.insert(QStringLiteral("gateway.test"), {kUser});
        network.setHandler([this](const SentRequest& sent) { return gateway.answer(sent); });
        // The stream has no server here: one failed attempt, then a long wait.
        stream.setBackoff({std::chrono::seconds(600), std::chrono::seconds(600), 0.0});
        health.setInterval(std::chrono::milliseconds(200));
        ClientOptions options;
        options.gatewayUrl = gatewayUrl;
        window = std::make_unique<ui::MainWindow>(ui::ClientServices{&api, &auth, &stream, &health},
                                                  options);
        window->show();
        window->start();
        api.setTimeout(std::chrono::milliseconds(300));
    }

    ~Harness() { window.reset(); }

    int requestsTo(const QString& path, const QByteArray& method) const {
        int count = 0;
        for (const SentRequest& sent : network.sent()) {
            count += sent.url.path() == path && sent.method == method ? 1 : 0;
        }
        return count;
    }
};

/// Signs in through the visible dialog as "operator" and waits for the accounts.
bool signIn(Harness& h) {
    ui::SignInDialog* dialog = nullptr;
    if (!QTest::qWaitFor([&] {
            return (dialog = visibleDialog<ui::SignInDialog>(h.window.get())) != nullptr;
        })) {
        qWarning("no sign-in dialog");
        return false;
    }
    auto* username = dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"));
    username->setText(QStringLiteral("operator"));
    dialog->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->setText(QStringLiteral("pw"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    return QTest::qWaitFor([&] {
        return h.auth.state() == AuthSession::State::SignedIn &&
               visibleDialog<ui::SignInDialog>(h.window.get()) == nullptr &&
               h.window->accountsPanel()->model()->rowCount() > 0;
    });
}

}  // namespace

class tst_WindowState : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase();
    void init();

    void policyDecides_data();
    void policyDecides();
    void signOutClearsTheWindowAndDisablesActions();
    void unreachableGatewayDisablesChanges();
    void anotherGatewayShowsOnlyItsOwnData();
    void unauthorizedAfterSignOutBringsSignInBack();
    void answerFromBeforeSignOutStaysOffScreen();
    void retriedConflictReportsTheConflict();
    void conflictAfterALostAnswerSaysWhatIsKnown();
    void decidedFailureClearsOnALaterSuccess();
    void escapeClosesTheShownMessage();
    void placedOrderMessageFollowsTheOrder();
    void refusedStreamMessageClearsWhenConnected();
    void signInNamesTheGatewayAndRemembersTheUser();
    void unreachableGatewaySignInPointsToSettings();
    void settingsDuringASignInFreesTheDialog();
    void settingsTakesAUrlWithoutScheme_data();
    void settingsTakesAUrlWithoutScheme();
    void settingsMessageIsNeverCutOff();
    void titleStatusBarAndAbout();
};

void tst_WindowState::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("shop-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_window_state"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Shop"));
}

void tst_WindowState::init() {
    QSettings().clear();
}

void tst_WindowState::policyDecides_data() {
    QTest::addColumn<bool>("signedIn");
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<bool>("accountSelected");
    QTest::addColumn<QString>("orderStatus");
    // newAccount topUp newOrder apiKeys history refund refunds refresh, as 0/1
    QTest::addColumn<QString>("expected");

    QTest::newRow("signed out, all selected") << false << true << true << "FINISHED"
                                              << "00000000";
    QTest::newRow("signed in, nothing selected") << true << true << false << ""
                                                 << "10000001";
    QTest::newRow("account selected") << true << true << true << ""
                                      << "11111001";
    QTest::newRow("NEW order selected") << true << true << true << "NEW"
                                        << "11111011";
    QTest::newRow("FINISHED order selected") << true << true << true << "FINISHED"
                                             << "11111111";
    QTest::newRow("gateway unreachable: reading only") << true << false << true << "FINISHED"
                                                       << "00001011";
}

void tst_WindowState::policyDecides() {
    QFETCH(bool, signedIn);
    QFETCH(bool, reachable);
    QFETCH(bool, accountSelected);
    QFETCH(QString, orderStatus);
    QFETCH(QString, expected);
    WorkContext context;
    context.signedIn = signedIn;
    context.operatorRole = signedIn;
    context.gatewayReachable = reachable;
    context.accountSelected = accountSelected;
    context.orderStatus = orderStatus;
    const EnabledActions actions = enabledActions(context);
    QString got;
    for (bool on : {actions.newAccount, actions.topUp, actions.newOrder, actions.apiKeys,
                    actions.history, actions.refund, actions.refunds, actions.refresh}) {
        got += on ? u'1' : u'0';
    }
    QCOMPARE(got, expected);
    QCOMPARE(actions.reason.isEmpty(), signedIn && reachable);
}

void tst_WindowState::signOutClearsTheWindowAndDisablesActions() {
    Harness h;
    h.gateway.orderStatus.insert(kOrder, "FINISHED");
    QVERIFY(signIn(h));
    ui::OrdersPanel* orders = h.window->ordersPanel();
    QTRY_COMPARE(orders->model()->rowCount(), 1);
    orders->view()->selectRow(0);
    OrderEvent pushed;
    pushed.orderId = kOrder;
    pushed.userId = kUser;
    pushed.status = QStringLiteral("FINISHED");
    pushed.version = 2;
    emit h.stream.orderEvent(pushed);
    QCOMPARE(h.window->livePanel()->timeline()->rowCount(), 1);
    const QStringList names = {"newAccountAction", "topUpAction",   "newOrderAction",
                               "apiKeysAction",    "historyAction", "refundAction",
                               "refundsAction",    "refreshAction"};
    for (const QString& name : names) {
        QVERIFY2(action(h.window.get(), qPrintable(name))->isEnabled(), qPrintable(name));
    }

    // Windows opened on the session's data, and a search typed in it.
    h.window->showOrder(kOrder);
    h.window->showHistory();
    QTRY_COMPARE(visibleWindows(h.window.get()), 2);
    h.window->searchBox()->lineEdit()->setText(kOrder.left(8));
    QCOMPARE(h.window->orderHistory()->orderCount(), 1);

    action(h.window.get(), "signOutAction")->trigger();
    QCOMPARE(h.auth.state(), AuthSession::State::SignedOut);
    // Nothing read under the session stays on screen...
    QCOMPARE(visibleWindows(h.window.get()), 0);
    QVERIFY(h.window->searchBox()->lineEdit()->text().isEmpty());
    QVERIFY(!h.window->searchBox()->popup()->isVisible());
    QCOMPARE(h.window->orderHistory()->orderCount(), 0);
    QCOMPARE(h.window->accountsPanel()->model()->rowCount(), 0);
    QVERIFY(!h.window->accountsPanel()->currentAccount());
    QCOMPARE(orders->model()->rowCount(), 0);
    QCOMPARE(h.window->livePanel()->timeline()->rowCount(), 0);
    // ...and nothing can be started that would only fail with the API's 401.
    for (const QString& name : names) {
        QAction* a = action(h.window.get(), qPrintable(name));
        QVERIFY2(!a->isEnabled(), qPrintable(name));
        QCOMPARE(a->statusTip(), QStringLiteral("Sign in first."));
    }
    const qsizetype sent = h.network.sent().size();
    action(h.window.get(), "topUpAction")->trigger();
    h.window->newOrder();
    h.window->newAccount();
    QCOMPARE(visibleDialog<QDialog>(h.window.get()), nullptr);
    QCOMPARE(h.network.sent().size(), sent);

    // Signing in again reads everything anew and enables the actions again.
    h.window->notifications()
        ->findChild<QPushButton*>(QStringLiteral("notificationAction"))
        ->click();
    QVERIFY(signIn(h));
    QTRY_COMPARE(orders->model()->rowCount(), 1);
    QTRY_VERIFY(action(h.window.get(), "topUpAction")->isEnabled());
    QVERIFY(action(h.window.get(), "newOrderAction")->isEnabled());
    QVERIFY(h.stream.state() != EventStream::State::Stopped);
}

void tst_WindowState::unreachableGatewayDisablesChanges() {
    Harness h;
    QVERIFY(signIn(h));
    QVERIFY(action(h.window.get(), "topUpAction")->isEnabled());
    h.gateway.down = true;
    action(h.window.get(), "refreshAction")->trigger();
    QTRY_COMPARE(h.health.state(), HealthMonitor::State::Unreachable);
    for (const char* name :
         {"newAccountAction", "topUpAction", "newOrderAction", "apiKeysAction"}) {
        QVERIFY2(!action(h.window.get(), name)->isEnabled(), name);
        QVERIFY(action(h.window.get(), name)->statusTip().contains(QLatin1StringView("gateway")));
    }
    // Reading stays: it is how one sees the gateway back.
    QVERIFY(action(h.window.get(), "refreshAction")->isEnabled());
    QVERIFY(action(h.window.get(), "historyAction")->isEnabled());
    h.gateway.down = false;
    action(h.window.get(), "refreshAction")->trigger();
    QTRY_VERIFY(action(h.window.get(), "topUpAction")->isEnabled());
}

void tst_WindowState::anotherGatewayShowsOnlyItsOwnData() {
    // Signed in to one gateway with an account selected and its orders shown, the operator
    // switches to another gateway in Settings: it applies now, signs out, empties the window,
    // and after signing in there only that gateway's accounts (and no orders of the account
    // selected before) are shown.
    Harness h;
    h.gateway.orderStatus.insert(kOrder, "NEW");
    h.gateway.accountsByHost.insert(QStringLiteral("other.test"), {kOtherUser});
    QVERIFY(signIn(h));
    QTRY_COMPARE(h.window->ordersPanel()->model()->rowCount(), 1);

    h.window->openSettings();
    ui::SettingsDialog* settings = nullptr;
    QTRY_VERIFY((settings = visibleDialog<ui::SettingsDialog>(h.window.get())) != nullptr);
    auto* note = settings->findChild<QLabel*>(QStringLiteral("settingsNote"));
    QVERIFY(note != nullptr);
    QVERIFY2(note->text().contains(QLatin1StringView("applies at once")), qPrintable(note->text()));
    settings->findChild<QLineEdit*>(QStringLiteral("gatewayUrlEdit"))
        ->setText(QStringLiteral("other.test:8080"));
    settings->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    QCOMPARE(h.api.baseUrl(), QUrl(QStringLiteral("http://other.test:8080")));
    QCOMPARE(QSettings().value(QLatin1StringView(kGatewaySettingsKey)).toString(),
             QStringLiteral("http://other.test:8080"));
    QCOMPARE(h.auth.state(), AuthSession::State::SignedOut);
    QCOMPARE(h.window->accountsPanel()->model()->rowCount(), 0);
    QCOMPARE(h.window->ordersPanel()->model()->rowCount(), 0);
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(h.window.get())) != nullptr);
    QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("signInGateway"))->text(),
             QStringLiteral("http://other.test:8080"));

    QVERIFY(signIn(h));
    QTRY_COMPARE(h.window->accountsPanel()->currentAccount()->userId, kOtherUser);
    QCOMPARE(h.window->accountsPanel()->model()->rowCount(), 1);
    QTRY_COMPARE(h.window->ordersPanel()->model()->rowCount(), 0);
    QVERIFY(h.window->ordersPanel()->model()->rowOf(kOrder) < 0);
    QVERIFY(action(h.window.get(), "topUpAction")->isEnabled());
    QVERIFY(h.window->windowTitle().contains(QLatin1StringView("other.test:8080")));
}

void tst_WindowState::unauthorizedAfterSignOutBringsSignInBack() {
    // A top-up whose answer was lost leaves a problem with Retry. Signed out, its Retry goes
    // without a token: the 401 brings the sign-in dialog (before, only a line in the bar), and
    // the problem says "not signed in", not the API's text for developers.
    Harness h;
    int topUps = 0;
    h.gateway.special = [&](const SentRequest& sent) -> std::optional<FakeResponse> {
        if (sent.url.path() == QLatin1StringView("/accounts/topup") && ++topUps == 1) {
            return FakeResponse::silent();
        }
        return std::nullopt;
    };
    QVERIFY(signIn(h));
    h.window->topUp();
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = h.window->findChild<QDialog*>(QStringLiteral("topUpDialog"))) != nullptr);
    dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit"))->setText(QStringLiteral("5"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    ui::NotificationBar* bar = h.window->notifications();
    QTRY_COMPARE(bar->count(), 1);

    action(h.window.get(), "signOutAction")->trigger();
    QCOMPARE(bar->currentTitle(), QStringLiteral("Not signed in:"));
    bar->dismissCurrent();
    QVERIFY(bar->currentTitle().startsWith(QLatin1StringView("Top-up")));
    bar->findChild<QPushButton*>(QStringLiteral("notificationAction"))->click();
    QTRY_VERIFY(visibleDialog<ui::SignInDialog>(h.window.get()) != nullptr);
    QCOMPARE(topUps, 2);
    auto* text = bar->findChild<QLabel*>(QStringLiteral("notificationText"));
    QTRY_VERIFY(bar->currentTitle().startsWith(QLatin1StringView("Top-up")));
    QVERIFY2(text->text().contains(QLatin1StringView("not signed in")), qPrintable(text->text()));
    QVERIFY2(!text->text().contains(QLatin1StringView("Bearer")), qPrintable(text->text()));
}

void tst_WindowState::answerFromBeforeSignOutStaysOffScreen() {
    // A top-up answered after the operator signed out: true, but of the session that ended, so
    // it must not put the account back into the emptied window.
    Harness h;
    h.gateway.special = [&](const SentRequest& sent) -> std::optional<FakeResponse> {
        if (sent.url.path() == QLatin1StringView("/accounts/topup")) {
            return FakeResponse::heldBack(
                FakeResponse::json(200, R"({"data":)" + accountJson(kUser, "15.00") + "}"));
        }
        return std::nullopt;
    };
    QVERIFY(signIn(h));
    h.window->topUp();
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = h.window->findChild<QDialog*>(QStringLiteral("topUpDialog"))) != nullptr);
    dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit"))->setText(QStringLiteral("5"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_COMPARE(h.network.heldCount(), 1);

    action(h.window.get(), "signOutAction")->trigger();
    QCOMPARE(h.window->accountsPanel()->model()->rowCount(), 0);
    QVERIFY(h.network.releaseHeld(QStringLiteral("/accounts/topup")));
    QTRY_VERIFY(h.window->statusBar()->currentMessage().startsWith(QLatin1StringView("Topped up")));
    QCOMPARE(h.window->accountsPanel()->model()->rowCount(), 0);
}

void tst_WindowState::retriedConflictReportsTheConflict() {
    // The user id already has an account: 409. Its Retry gets 409 again and must say so
    // (before, a 409 on any retry was taken for "the first attempt got through": "created").
    Harness h;
    h.gateway.special = [](const SentRequest& sent) -> std::optional<FakeResponse> {
        if (sent.url.path() == QLatin1StringView("/accounts") && sent.method == "POST") {
            return errorResponse(409, "CONFLICT", "the user already has an account");
        }
        return std::nullopt;
    };
    QVERIFY(signIn(h));
    h.window->newAccount();
    ui::NewAccountDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::NewAccountDialog>(h.window.get())) != nullptr);
    dialog->findChild<QLineEdit*>(QStringLiteral("userIdEdit"))->setText(kUser);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    ui::NotificationBar* bar = h.window->notifications();
    auto* text = bar->findChild<QLabel*>(QStringLiteral("notificationText"));
    QTRY_VERIFY(bar->isVisible());
    QVERIFY2(text->text().contains(QLatin1StringView("CONFLICT")), qPrintable(text->text()));
    bar->findChild<QPushButton*>(QStringLiteral("notificationAction"))->click();
    QTRY_COMPARE(h.requestsTo(QStringLiteral("/accounts"), "POST"), 2);
    QTRY_VERIFY(bar->isVisible());
    QTRY_VERIFY2(text->text().contains(QLatin1StringView("CONFLICT")), qPrintable(text->text()));
    QCOMPARE(bar->count(), 1);
    QVERIFY2(!h.window->statusBar()->currentMessage().contains(QLatin1StringView("created")),
             qPrintable(h.window->statusBar()->currentMessage()));
    QCOMPARE(h.requestsTo(QStringLiteral("/accounts/") + kUser, "GET"), 0);
}

void tst_WindowState::conflictAfterALostAnswerSaysWhatIsKnown() {
    // The first attempt got no answer; the retry gets 409: the account is there, made by that
    // attempt or before it. Shown and selected, without claiming it was just created.
    Harness h;
    int posts = 0;
    h.gateway.special = [&](const SentRequest& sent) -> std::optional<FakeResponse> {
        if (sent.url.path() == QLatin1StringView("/accounts") && sent.method == "POST") {
            if (++posts == 1) {
                h.gateway.accountsByHost[QStringLiteral("gateway.test")].prepend(kOtherUser);
                return FakeResponse::silent();
            }
            return errorResponse(409, "CONFLICT", "the user already has an account");
        }
        return std::nullopt;
    };
    QVERIFY(signIn(h));
    h.window->newAccount();
    ui::NewAccountDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::NewAccountDialog>(h.window.get())) != nullptr);
    dialog->findChild<QLineEdit*>(QStringLiteral("userIdEdit"))->setText(kOtherUser);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    ui::NotificationBar* bar = h.window->notifications();
    QTRY_VERIFY(bar->isVisible());
    bar->findChild<QPushButton*>(QStringLiteral("notificationAction"))->click();
    QTRY_COMPARE(h.window->accountsPanel()->currentAccount()->userId, kOtherUser);
    QVERIFY(!bar->isVisible());
    const QString message = h.window->statusBar()->currentMessage();
    QVERIFY2(message.contains(QLatin1StringView("exists")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1StringView("unless it was there before")),
             qPrintable(message));
}

void tst_WindowState::decidedFailureClearsOnALaterSuccess() {
    // A 409 about creating one account is stale once another account was created; a failure
    // without an answer keeps its Retry (its account may still need creating).
    Harness h;
    int posts = 0;
    h.gateway.special = [&](const SentRequest& sent) -> std::optional<FakeResponse> {
        if (sent.url.path() == QLatin1StringView("/accounts") && sent.method == "POST") {
            ++posts;
            if (posts == 1) {
                return errorResponse(409, "CONFLICT", "the user already has an account");
            }
            if (posts == 2) {
                return FakeResponse::silent();
            }
            return FakeResponse::json(201, R"({"data":)" + accountJson(kOtherUser, "0.00") + "}");
        }
        return std::nullopt;
    };
    QVERIFY(signIn(h));
    ui::NotificationBar* bar = h.window->notifications();
    for (int attempt = 1; attempt <= 3; ++attempt) {
        h.window->newAccount();
        ui::NewAccountDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = visibleDialog<ui::NewAccountDialog>(h.window.get())) != nullptr);
        dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        QTRY_COMPARE(posts, attempt);
        if (attempt < 3) {
            QTRY_COMPARE(bar->count(), attempt);
        }
    }
    QTRY_VERIFY(h.window->statusBar()->currentMessage().contains(QLatin1StringView("created")));
    QCOMPARE(bar->count(), 1);
    QVERIFY2(bar->findChild<QLabel*>(QStringLiteral("notificationText"))
                 ->text()
                 .contains(QLatin1StringView("TIMEOUT")),
             "the 409 went, the failure without an answer stayed");
}

void tst_WindowState::escapeClosesTheShownMessage() {
    Harness h;
    QVERIFY(signIn(h));
    ui::NotificationBar* bar = h.window->notifications();
    ApiError error;
    error.kind = ApiError::Kind::Http;
    error.httpStatus = 409;
    error.code = QStringLiteral("CONFLICT");
    bar->showError(0, QStringLiteral("First:"), error);
    bar->showError(0, QStringLiteral("Second:"), error);
    h.window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(h.window.get()));
    QTest::keyClick(h.window.get(), Qt::Key_Escape);
    QCOMPARE(bar->count(), 1);
    QCOMPARE(bar->currentTitle(), QStringLiteral("First:"));
    QTest::keyClick(h.window->accountsPanel()->view(), Qt::Key_Escape);
    QCOMPARE(bar->count(), 0);
    QVERIFY(!bar->isVisible());
}

void tst_WindowState::placedOrderMessageFollowsTheOrder() {
    Harness h;
    h.gateway.special = [](const SentRequest& sent) -> std::optional<FakeResponse> {
        if (sent.url.path() == QLatin1StringView("/orders") && sent.method == "POST") {
            return FakeResponse::json(201, R"({"data":)" + orderJson(kOrder, kUser, "NEW") + "}");
        }
        return std::nullopt;
    };
    QVERIFY(signIn(h));
    QTRY_VERIFY(h.window->accountsPanel()->currentAccount().has_value());
    h.window->newOrder();
    ui::NewOrderDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::NewOrderDialog>(h.window.get())) != nullptr);
    dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit"))->setText(QStringLiteral("9.99"));
    dialog->findChild<QLineEdit*>(QStringLiteral("descriptionEdit"))
        ->setText(QStringLiteral("a book"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(h.window->statusBar()->currentMessage().contains(
        QLatin1StringView("waiting for the payment")));

    OrderEvent cancelled;
    cancelled.orderId = kOrder;
    cancelled.userId = kUser;
    cancelled.status = QStringLiteral("CANCELLED");
    cancelled.failureReason = QStringLiteral("INSUFFICIENT_FUNDS");
    cancelled.version = 2;
    cancelled.amount = QStringLiteral("9.99");
    emit h.stream.orderEvent(cancelled);
    const QString message = h.window->statusBar()->currentMessage();
    QVERIFY2(!message.contains(QLatin1StringView("waiting")), qPrintable(message));
    QCOMPARE(message, QStringLiteral("Order %1 CANCELLED: INSUFFICIENT_FUNDS").arg(kOrder));
}

void tst_WindowState::refusedStreamMessageClearsWhenConnected() {
    Harness h;
    QVERIFY(signIn(h));
    emit h.stream.serverError(QStringLiteral("FORBIDDEN"), QStringLiteral("not allowed"));
    ui::NotificationBar* bar = h.window->notifications();
    QCOMPARE(bar->currentTitle(), QStringLiteral("Live stream refused:"));
    emit h.stream.stateChanged(EventStream::State::Connected);
    QCOMPARE(bar->count(), 0);
}

void tst_WindowState::signInNamesTheGatewayAndRemembersTheUser() {
    Harness h;
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(h.window.get())) != nullptr);
    QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("signInGateway"))->text(),
             QStringLiteral("http://gateway.test"));
    QVERIFY(!dialog->findChild<QLabel*>(QStringLiteral("signInUnreachable"))->isVisible());
    QVERIFY(signIn(h));
    action(h.window.get(), "signOutAction")->trigger();
    action(h.window.get(), "signInAction")->trigger();
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(h.window.get())) != nullptr);
    QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"))->text(),
             QStringLiteral("operator"));
    QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))->text(), QString());
}

void tst_WindowState::unreachableGatewaySignInPointsToSettings() {
    Harness h;
    h.gateway.down = true;
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(h.window.get())) != nullptr);
    auto* unreachable = dialog->findChild<QLabel*>(QStringLiteral("signInUnreachable"));
    // The health check finds the gateway gone before any attempt to sign in.
    QTRY_VERIFY(unreachable->isVisible());
    QVERIFY(unreachable->text().contains(QLatin1StringView("http://gateway.test")));
    QVERIFY(unreachable->text().contains(QLatin1StringView("Settings")));
    auto* username = dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"));
    auto* password = dialog->findChild<QLineEdit*>(QStringLiteral("passwordEdit"));
    // The fields hold a long name whole, and keep their width when messages come.
    const int room =
        username->fontMetrics().horizontalAdvance(QStringLiteral("operator.name@example.org"));
    QVERIFY2(username->width() > room && password->width() > room,
             qPrintable(QStringLiteral("%1 and %2 px for %3 px of text")
                            .arg(username->width())
                            .arg(password->width())
                            .arg(room)));
    const int fieldWidth = username->width();
    username->setText(QStringLiteral("op"));
    password->setText(QStringLiteral("pw"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    auto* error = dialog->findChild<QLabel*>(QStringLiteral("signInError"));
    QTRY_VERIFY(error->isVisible());
    QVERIFY(unreachable->isVisible());
    QTRY_COMPARE(username->width(), fieldWidth);
    QCOMPARE(password->width(), fieldWidth);

    // Settings from the dialog: another URL, and the same dialog signs in there.
    dialog->findChild<QPushButton*>(QStringLiteral("signInSettings"))->click();
    ui::SettingsDialog* settings = nullptr;
    QTRY_VERIFY((settings = visibleDialog<ui::SettingsDialog>(h.window.get())) != nullptr);
    settings->findChild<QLineEdit*>(QStringLiteral("gatewayUrlEdit"))
        ->setText(QStringLiteral("localhost:8080"));
    settings->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(h.api.baseUrl(), QUrl(QStringLiteral("http://localhost:8080")));
    QCOMPARE(visibleDialog<ui::SignInDialog>(h.window.get()), dialog);
    QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("signInGateway"))->text(),
             QStringLiteral("http://localhost:8080"));
    h.gateway.accountsByHost.insert(QStringLiteral("localhost"), {kUser});
    h.gateway.down = false;
    QVERIFY(signIn(h));
    QVERIFY(h.network.sent().last().url.host() == QLatin1StringView("localhost"));
}

void tst_WindowState::settingsDuringASignInFreesTheDialog() {
    // The gateway takes its time to answer the sign-in; the operator switches to another one
    // meanwhile. That answer no longer counts, so the fields must not stay waiting for it.
    Harness h;
    h.gateway.special = [](const SentRequest& sent) -> std::optional<FakeResponse> {
        if (sent.url.path() == QLatin1StringView("/auth/token") &&
            sent.url.host() == QLatin1StringView("gateway.test")) {
            return FakeResponse::heldBack(
                FakeResponse::json(200, R"({"data":{"access_token":"tok","token_type":"Bearer",)"
                                        R"("expires_in":3600,"role":"operator","user_id":null}})"));
        }
        return std::nullopt;
    };
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(h.window.get())) != nullptr);
    auto* password = dialog->findChild<QLineEdit*>(QStringLiteral("passwordEdit"));
    dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"))->setText(QStringLiteral("op"));
    password->setText(QStringLiteral("pw"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_COMPARE(h.network.heldCount(), 1);
    QVERIFY(!password->isEnabled());

    dialog->findChild<QPushButton*>(QStringLiteral("signInSettings"))->click();
    ui::SettingsDialog* settings = nullptr;
    QTRY_VERIFY((settings = visibleDialog<ui::SettingsDialog>(h.window.get())) != nullptr);
    settings->findChild<QLineEdit*>(QStringLiteral("gatewayUrlEdit"))
        ->setText(QStringLiteral("other.test"));
    settings->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(password->isEnabled());
    QVERIFY(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    // The late answer from the first gateway signs nobody in.
    QVERIFY(h.network.releaseHeld());
    h.gateway.accountsByHost.insert(QStringLiteral("other.test"), {kOtherUser});
    bool later = false;  // answered after the released one
    h.api.checkReadiness(std::chrono::seconds(1), nullptr, [&](const auto&) { later = true; });
    QTRY_VERIFY(later);
    QCOMPARE(h.auth.state(), AuthSession::State::SignedOut);
    QVERIFY(signIn(h));
    QCOMPARE(h.window->accountsPanel()->currentAccount()->userId, kOtherUser);
}

void tst_WindowState::settingsTakesAUrlWithoutScheme_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("used");  // empty: refused
    QTest::newRow("host and port") << "localhost:8080"
                                   << "http://localhost:8080";
    QTest::newRow("address and port") << " 127.0.0.1:8080 "
                                      << "http://127.0.0.1:8080";
    QTest::newRow("host only") << "shop.example"
                               << "http://shop.example";
    QTest::newRow("https kept") << "https://shop.example/api"
                                << "https://shop.example/api";
    QTest::newRow("other scheme") << "ftp://shop.example"
                                  << "";
    QTest::newRow("bad port") << "localhost:99999"
                              << "";
    QTest::newRow("query") << "localhost:8080/?x=1"
                           << "";
    QTest::newRow("empty") << ""
                           << "";
}

void tst_WindowState::settingsTakesAUrlWithoutScheme() {
    QFETCH(QString, typed);
    QFETCH(QString, used);
    ui::SettingsDialog dialog(QUrl(QStringLiteral("http://127.0.0.1:8080")),
                              std::chrono::seconds(10), QString());
    dialog.show();
    dialog.findChild<QLineEdit*>(QStringLiteral("gatewayUrlEdit"))->setText(typed);
    QPushButton* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    auto* error = dialog.findChild<QLabel*>(QStringLiteral("gatewayUrlError"));
    auto* hint = dialog.findChild<QLabel*>(QStringLiteral("gatewayUrlHint"));
    QCOMPARE(ok->isEnabled(), !used.isEmpty());
    QCOMPARE(error->isVisible(), used.isEmpty());
    QCOMPARE(dialog.gatewayUrl(), used.isEmpty() ? QUrl() : QUrl(used));
    if (!used.isEmpty() && used != typed) {
        QVERIFY(hint->isVisible());
        QCOMPARE(hint->text(), QStringLiteral("Uses %1").arg(used));
    }
}

void tst_WindowState::settingsMessageIsNeverCutOff() {
    // A long URL that cannot be used: the message wraps within the dialog, which grows to
    // show all of it.
    ui::SettingsDialog dialog(QUrl(QStringLiteral("http://127.0.0.1:8080")),
                              std::chrono::seconds(10),
                              QStringLiteral("A note under the form, long enough to wrap over "
                                             "more than one line in a dialog of this width."));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QSize before = dialog.size();
    dialog.findChild<QLineEdit*>(QStringLiteral("gatewayUrlEdit"))
        ->setText(QStringLiteral("gopher://") + QString(200, u'x') + QStringLiteral(".example"));
    auto* error = dialog.findChild<QLabel*>(QStringLiteral("gatewayUrlError"));
    QTRY_VERIFY(error->isVisible());
    QTRY_VERIFY2(error->height() >= error->heightForWidth(error->width()),
                 qPrintable(QStringLiteral("%1 < %2")
                                .arg(error->height())
                                .arg(error->heightForWidth(error->width()))));
    QVERIFY(dialog.rect().contains(error->geometry()));
    QCOMPARE(dialog.width(), before.width());  // grows down, not sideways
    QVERIFY(dialog.height() >= before.height());
}

void tst_WindowState::titleStatusBarAndAbout() {
    Harness h;
    // Qt adds the display name ("Shop") to the title itself.
    QCOMPARE(h.window->windowTitle(), QStringLiteral("http://gateway.test"));
    QVERIFY(signIn(h));
    auto* status = h.window->findChild<QLabel*>(QStringLiteral("authStatus"));
    QVERIFY(status->text().contains(QLatin1StringView("Signed in as operator")));
    QVERIFY2(!h.window->statusBar()->currentMessage().contains(QLatin1StringView("Signed in")),
             qPrintable(h.window->statusBar()->currentMessage()));

    action(h.window.get(), "aboutAction")->trigger();
    QMessageBox* about = nullptr;
    QTRY_VERIFY((about = visibleDialog<QMessageBox>(h.window.get())) != nullptr);
    QVERIFY2(
        about->text().contains(QStringLiteral("version %1").arg(QLatin1StringView(SHOP_VERSION))),
        qPrintable(about->text()));
    about->close();
}

QTEST_MAIN(tst_WindowState)
#include "tst_window_state.moc"
