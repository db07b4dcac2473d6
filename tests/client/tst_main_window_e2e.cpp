// The real main window against the real gateway, orders and payments (started by this test on
// the test PostgreSQL and RabbitMQ, with authentication): sign in as the operator, create an
// account, top it up, place an order, and watch its row turn FINISHED from a WebSocket push; an
// order the balance cannot cover turns CANCELLED; refund the paid order in full and watch it
// turn REFUNDED from a push, its account credited and the REFUND entry on top of the account's
// history; create an API key for the account in the API keys dialog, see it listed, and revoke
// it; find the order and the account by the start of their ids with the search box (GET
// /orders?id_prefix= and GET /accounts?id_prefix=), the order opening in its detail window. Driven
// through the dialogs as a person would, by typing into their fields and clicking their buttons.
#include <QApplication>
#include <QDialogButtonBox>
#include <QFontMetrics>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QUuid>
#include <QtTest>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "core/api_key_model.hpp"
#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "core/ledger_model.hpp"
#include "core/order_model.hpp"
#include "core/refund_model.hpp"
#include "core/timeline_model.hpp"
#include "support/backend_stack.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/api_keys_dialog.hpp"
#include "ui/ledger_dialog.hpp"
#include "ui/live_panel.hpp"
#include "ui/main_window.hpp"
#include "ui/new_account_dialog.hpp"
#include "ui/new_order_dialog.hpp"
#include "ui/order_detail_dialog.hpp"
#include "ui/orders_panel.hpp"
#include "ui/refund_dialog.hpp"
#include "ui/refunds_view.hpp"
#include "ui/search_box.hpp"
#include "ui/sign_in_dialog.hpp"
#include "ui/top_up_dialog.hpp"

using namespace shop::client;
using shop::client::testing::BackendStack;

namespace {

constexpr int kPushTimeoutMs = 30000;

/// The visible dialog of type T among the window's children, or nullptr.
template <typename T>
T* visibleDialog(QWidget* window) {
    for (T* dialog : window->findChildren<T*>()) {
        if (dialog->isVisible()) {
            return dialog;
        }
    }
    return nullptr;
}

QPushButton* okButton(QDialog* dialog) {
    return dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

void type(QWidget* dialog, const char* field, const QString& text) {
    auto* edit = dialog->findChild<QLineEdit*>(QLatin1StringView(field));
    QVERIFY2(edit != nullptr, field);
    edit->clear();
    QTest::keyClicks(edit, text);
}

/// The row of the newest order of `userId` whose amount is `amount`, or -1.
int orderRow(const OrderModel& model, const QString& userId, const QString& amount) {
    for (int row = 0; row < model.rowCount(); ++row) {
        const auto order = model.orderAt(row);
        if (order && order->userId == userId && order->amount == amount) {
            return row;
        }
    }
    return -1;
}

QString statusOf(const OrderModel& model, const QString& userId, const QString& amount) {
    const int row = orderRow(model, userId, amount);
    return row < 0 ? QString() : model.orderAt(row)->status;
}

bool timelineHas(const TimelineModel& timeline, const QString& orderId, const QString& status) {
    for (int row = 0; row < timeline.rowCount(); ++row) {
        const QModelIndex index = timeline.index(row, 0);
        if (index.data(TimelineModel::OrderIdRole).toString() == orderId &&
            index.data(TimelineModel::StatusRole).toString() == status) {
            return true;
        }
    }
    return false;
}

/// POST /auth/token with an API key, as a script acting for the account would: the status.
int signInWithApiKey(const QUrl& gateway, const QString& apiKey) {
    QNetworkAccessManager network;
    QNetworkRequest request(gateway.resolved(QUrl(QStringLiteral("/auth/token"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = network.post(
        request, QJsonDocument(QJsonObject{{QStringLiteral("api_key"), apiKey}}).toJson());
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000)) {
        reply->abort();
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    delete reply;
    return status;
}

}  // namespace

class tst_MainWindowE2e : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase();
    void wrongPasswordKeepsTheDialogOpen();
    void signIn();
    void liveStreamConnects();
    void createAccount();
    void amountIsCheckedBeforeSending();
    void topUp();
    void orderTurnsFinishedFromPush();
    void uncoveredOrderTurnsCancelled();
    void refundTurnsTheOrderRefundedAndShowsInHistory();
    void apiKeyCreatedListedAndRevoked();
    void searchFindsByPartialId();
    void cleanupTestCase();

  private:
    void runDialog(QAction* action);

    BackendStack m_stack;
    QString m_password;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<AuthSession> m_auth;
    std::unique_ptr<EventStream> m_stream;
    std::unique_ptr<HealthMonitor> m_health;
    std::unique_ptr<ui::MainWindow> m_window;
    QString m_userId;
};

void tst_MainWindowE2e::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("shop-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window_e2e"));
    QSettings().clear();

    m_password = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString problem = m_stack.start(QStringLiteral("operator"), m_password);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    m_network = std::make_unique<QNetworkAccessManager>();
    m_api = std::make_unique<ApiClient>(m_network.get());
    m_auth = std::make_unique<AuthSession>(m_api.get());
    m_stream = std::make_unique<EventStream>();
    m_stream->setBackoff({std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 0.0});
    m_health = std::make_unique<HealthMonitor>(m_api.get());
    ClientOptions options;
    options.gatewayUrl = m_stack.gatewayUrl();
    options.gatewaySource = GatewaySource::CommandLine;
    m_window = std::make_unique<ui::MainWindow>(
        ui::ClientServices{m_api.get(), m_auth.get(), m_stream.get(), m_health.get()}, options);
    m_window->show();
    m_window->start();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_MainWindowE2e::wrongPasswordKeepsTheDialogOpen() {
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(m_window.get())) != nullptr);
    type(dialog, "usernameEdit", QStringLiteral("operator"));
    type(dialog, "passwordEdit", QStringLiteral("not-the-password"));
    okButton(dialog)->click();
    auto* error = dialog->findChild<QLabel*>(QStringLiteral("signInError"));
    QVERIFY(error != nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 10000);
    QCOMPARE(error->text(), QStringLiteral("Wrong username or password."));
    QCOMPARE(m_auth->state(), AuthSession::State::SignedOut);
    QVERIFY(dialog->isVisible());
    QVERIFY(m_api->accessToken().isEmpty());
}

void tst_MainWindowE2e::signIn() {
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(m_window.get())) != nullptr);
    type(dialog, "usernameEdit", QStringLiteral("operator"));
    type(dialog, "passwordEdit", m_password);
    okButton(dialog)->click();
    QTRY_COMPARE_WITH_TIMEOUT(m_auth->state(), AuthSession::State::SignedIn, 10000);
    QTRY_VERIFY(visibleDialog<ui::SignInDialog>(m_window.get()) == nullptr);
    QCOMPARE(m_auth->role(), QStringLiteral("operator"));
    QVERIFY(!m_api->accessToken().isEmpty());
    // The gateway's default lifetime is 15 minutes; the session renews a minute before.
    QVERIFY(m_auth->expiresAt() > QDateTime::currentDateTimeUtc().addSecs(60));
    auto* label = m_window->findChild<QLabel*>(QStringLiteral("authStatus"));
    QVERIFY(label != nullptr);
    QVERIFY2(label->text().contains(QLatin1StringView("Signed in as operator (operator)")),
             qPrintable(label->text()));
    QCOMPARE(QSettings().value(QStringLiteral("auth/username")).toString(),
             QStringLiteral("operator"));
    for (const QString& key : QSettings().allKeys()) {
        QVERIFY2(!QSettings().value(key).toString().contains(m_password), qPrintable(key));
    }
}

void tst_MainWindowE2e::liveStreamConnects() {
    // The live panel needs the gateway's WebSocket push (ws://.../ws/orders).
    QTRY_COMPARE_WITH_TIMEOUT(m_stream->state(), EventStream::State::Connected, 15000);
    auto* label = m_window->findChild<QLabel*>(QStringLiteral("streamStatus"));
    QVERIFY(label != nullptr);
    QTRY_VERIFY(label->text().contains(QLatin1StringView("Live: connected")));
    QTRY_COMPARE(m_health->state(), HealthMonitor::State::Ready);
}

void tst_MainWindowE2e::runDialog(QAction* action) {
    QVERIFY(action != nullptr);
    QVERIFY2(action->isEnabled(), qPrintable(action->objectName()));
    action->trigger();
}

void tst_MainWindowE2e::createAccount() {
    m_userId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    runDialog(m_window->findChild<QAction*>(QStringLiteral("newAccountAction")));
    ui::NewAccountDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::NewAccountDialog>(m_window.get())) != nullptr);
    type(dialog, "userIdEdit", m_userId);
    type(dialog, "balanceEdit", QStringLiteral("5"));
    QVERIFY(okButton(dialog)->isEnabled());
    okButton(dialog)->click();

    AccountModel* accounts = m_window->accountsPanel()->model();
    QTRY_VERIFY_WITH_TIMEOUT(accounts->rowOf(m_userId) >= 0, 10000);
    QCOMPARE(accounts->accountAt(accounts->rowOf(m_userId))->balance, QStringLiteral("5.00"));
    QTRY_COMPARE(m_window->accountsPanel()->currentAccount()->userId, m_userId);
}

void tst_MainWindowE2e::amountIsCheckedBeforeSending() {
    runDialog(m_window->findChild<QAction*>(QStringLiteral("topUpAction")));
    ui::TopUpDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::TopUpDialog>(m_window.get())) != nullptr);
    type(dialog, "amountEdit", QStringLiteral("1.999"));
    QVERIFY(!okButton(dialog)->isEnabled());
    auto* error = dialog->findChild<QLabel*>(QStringLiteral("amountError"));
    QVERIFY(error != nullptr && error->isVisible());
    QVERIFY2(error->text().contains(QLatin1StringView("at most 2 decimal places")),
             qPrintable(error->text()));
    // All of it is on screen: the dialog made room instead of clipping the message.
    const QFontMetrics metrics(error->font());
    QTRY_VERIFY2(metrics.horizontalAdvance(error->text()) <= error->contentsRect().width() &&
                     metrics.height() <= error->contentsRect().height(),
                 qPrintable(QStringLiteral("%1 px of text in %2 x %3")
                                .arg(metrics.horizontalAdvance(error->text()))
                                .arg(error->contentsRect().width())
                                .arg(error->contentsRect().height())));
    type(dialog, "amountEdit", QStringLiteral("1000000000.01"));
    QVERIFY(!okButton(dialog)->isEnabled());
    dialog->reject();
    QTRY_VERIFY(visibleDialog<ui::TopUpDialog>(m_window.get()) == nullptr);
}

void tst_MainWindowE2e::topUp() {
    runDialog(m_window->findChild<QAction*>(QStringLiteral("topUpAction")));
    ui::TopUpDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::TopUpDialog>(m_window.get())) != nullptr);
    type(dialog, "amountEdit", QStringLiteral("100.00"));
    QVERIFY(okButton(dialog)->isEnabled());
    okButton(dialog)->click();
    AccountModel* accounts = m_window->accountsPanel()->model();
    QTRY_COMPARE_WITH_TIMEOUT(accounts->accountAt(accounts->rowOf(m_userId))->balance,
                              QStringLiteral("105.00"), 10000);
}

void tst_MainWindowE2e::orderTurnsFinishedFromPush() {
    runDialog(m_window->findChild<QAction*>(QStringLiteral("newOrderAction")));
    ui::NewOrderDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::NewOrderDialog>(m_window.get())) != nullptr);
    type(dialog, "amountEdit", QStringLiteral("30.50"));
    type(dialog, "descriptionEdit", QStringLiteral("a book, from the e2e test"));
    okButton(dialog)->click();

    OrderModel* orders = m_window->ordersPanel()->model();
    const QString amount = QStringLiteral("30.50");
    QTRY_VERIFY_WITH_TIMEOUT(orderRow(*orders, m_userId, amount) >= 0, 10000);
    const QString orderId = orders->orderAt(orderRow(*orders, m_userId, amount))->orderId;
    // The row changes in place when the push arrives: the client never polls order status.
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*orders, m_userId, amount), QStringLiteral("FINISHED"),
                              kPushTimeoutMs);
    QCOMPARE(orders->orderAt(orderRow(*orders, m_userId, amount))->version, 2);
    QVERIFY(timelineHas(*m_window->livePanel()->timeline(), orderId, QStringLiteral("FINISHED")));
    // The paid order's account balance follows.
    AccountModel* accounts = m_window->accountsPanel()->model();
    QTRY_COMPARE_WITH_TIMEOUT(accounts->accountAt(accounts->rowOf(m_userId))->balance,
                              QStringLiteral("74.50"), 10000);
}

void tst_MainWindowE2e::uncoveredOrderTurnsCancelled() {
    runDialog(m_window->findChild<QAction*>(QStringLiteral("newOrderAction")));
    ui::NewOrderDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::NewOrderDialog>(m_window.get())) != nullptr);
    type(dialog, "amountEdit", QStringLiteral("1000"));
    type(dialog, "descriptionEdit", QStringLiteral("more than the balance"));
    okButton(dialog)->click();

    OrderModel* orders = m_window->ordersPanel()->model();
    const QString amount = QStringLiteral("1000.00");
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*orders, m_userId, amount), QStringLiteral("CANCELLED"),
                              kPushTimeoutMs);
    const int row = orderRow(*orders, m_userId, amount);
    QCOMPARE(orders->data(orders->index(row, OrderModel::ReasonColumn)).toString(),
             QStringLiteral("Insufficient funds"));
    QCOMPARE(orderRow(*orders, m_userId, amount), 0);  // newest first
}

void tst_MainWindowE2e::refundTurnsTheOrderRefundedAndShowsInHistory() {
    OrderModel* orders = m_window->ordersPanel()->model();
    const QString amount = QStringLiteral("30.50");
    const int row = orderRow(*orders, m_userId, amount);
    QVERIFY(row >= 0);
    const Order paid = *orders->orderAt(row);
    QCOMPARE(paid.status, QStringLiteral("FINISHED"));
    QCOMPARE(paid.refundedAmount, QStringLiteral("0.00"));
    auto* refundAction = m_window->findChild<QAction*>(QStringLiteral("refundAction"));
    // The unpaid order cannot be refunded, the paid one can.
    m_window->ordersPanel()->view()->selectRow(orderRow(*orders, m_userId, "1000.00"));
    QVERIFY(!refundAction->isEnabled());
    m_window->ordersPanel()->view()->selectRow(row);
    runDialog(refundAction);
    ui::RefundDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::RefundDialog>(m_window.get())) != nullptr);
    // The order's refunds are read (none yet): all of it is refundable, and no more.
    auto* refundsStatus = dialog->findChild<QLabel*>(QStringLiteral("refundsStatus"));
    QTRY_VERIFY2_WITH_TIMEOUT(refundsStatus->text().isEmpty(), qPrintable(refundsStatus->text()),
                              10000);
    QCOMPARE(dialog->refundsView()->model()->rowCount(), 0);
    auto* amountEdit = dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit"));
    QCOMPARE(amountEdit->text(), amount);
    type(dialog, "amountEdit", QStringLiteral("30.51"));
    QVERIFY(!okButton(dialog)->isEnabled());
    type(dialog, "amountEdit", amount);
    type(dialog, "reasonEdit", QStringLiteral("returned, from the e2e test"));
    QVERIFY(okButton(dialog)->isEnabled());
    QSignalSpy requested(dialog, &ui::RefundDialog::refundRequested);
    okButton(dialog)->click();
    QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 10000);
    const auto refund = requested.first().first().value<Refund>();
    QCOMPARE(refund.orderId, paid.orderId);
    QCOMPARE(refund.amount, amount);
    QCOMPARE(refund.reason, QStringLiteral("returned, from the e2e test"));
    QTRY_VERIFY(visibleDialog<ui::RefundDialog>(m_window.get()) == nullptr);

    // The row turns REFUNDED when the push arrives, and is no longer refundable.
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*orders, m_userId, amount), QStringLiteral("REFUNDED"),
                              kPushTimeoutMs);
    const Order refunded = *orders->orderAt(orderRow(*orders, m_userId, amount));
    QCOMPARE(refunded.refundedAmount, amount);
    QVERIFY(refunded.version > paid.version);
    QVERIFY(
        timelineHas(*m_window->livePanel()->timeline(), paid.orderId, QStringLiteral("REFUNDED")));
    m_window->ordersPanel()->view()->selectRow(orderRow(*orders, m_userId, amount));
    QVERIFY(!refundAction->isEnabled());
    // The account is credited: 74.50 + 30.50.
    AccountModel* accounts = m_window->accountsPanel()->model();
    QTRY_COMPARE_WITH_TIMEOUT(accounts->accountAt(accounts->rowOf(m_userId))->balance,
                              QStringLiteral("105.00"), 10000);

    // The history: the REFUND credit on top, the balance walked back to the opening 5.00.
    QCOMPARE(m_window->accountsPanel()->currentAccount()->userId, m_userId);
    runDialog(m_window->findChild<QAction*>(QStringLiteral("historyAction")));
    ui::LedgerDialog* history = nullptr;
    QTRY_VERIFY((history = visibleDialog<ui::LedgerDialog>(m_window.get())) != nullptr);
    LedgerModel* ledger = history->model();
    QTRY_COMPARE_WITH_TIMEOUT(ledger->rowCount(), 4, 10000);
    const LedgerEntry credit = *ledger->entryAt(0);
    QCOMPARE(credit.kind, QStringLiteral("REFUND"));
    QCOMPARE(credit.amount, amount);
    QCOMPARE(credit.orderId, paid.orderId);
    QCOMPARE(credit.refundId, refund.refundId);
    QCOMPARE(ledger->balanceAfter(0), QStringLiteral("105.00"));
    QCOMPARE(ledger->entryAt(1)->kind, QStringLiteral("DEBIT"));
    QCOMPARE(ledger->balanceAfter(1), QStringLiteral("74.50"));
    QCOMPARE(ledger->entryAt(2)->kind, QStringLiteral("TOPUP"));
    QCOMPARE(ledger->balanceAfter(2), QStringLiteral("105.00"));
    QCOMPARE(ledger->entryAt(3)->kind, QStringLiteral("OPENING"));
    QCOMPARE(ledger->balanceAfter(3), QStringLiteral("5.00"));
    history->close();
}

void tst_MainWindowE2e::apiKeyCreatedListedAndRevoked() {
    QCOMPARE(m_window->accountsPanel()->currentAccount()->userId, m_userId);
    runDialog(m_window->findChild<QAction*>(QStringLiteral("apiKeysAction")));
    ui::ApiKeysDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::ApiKeysDialog>(m_window.get())) != nullptr);
    auto* status = dialog->findChild<QLabel*>(QStringLiteral("apiKeysStatus"));
    auto* summary = dialog->findChild<QLabel*>(QStringLiteral("apiKeysSummary"));
    // "Reading the keys…" until the list is in; an error would stay.
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().isEmpty(), qPrintable(status->text()), 10000);
    QCOMPARE(summary->text(), QStringLiteral("No keys yet."));

    // Create: the secret is shown once, and the key is listed as in force.
    dialog->findChild<QPushButton*>(QStringLiteral("createApiKey"))->click();
    auto* secret = dialog->findChild<QLineEdit*>(QStringLiteral("newApiKey"));
    QTRY_VERIFY2_WITH_TIMEOUT(!secret->text().isEmpty(), qPrintable(status->text()), 10000);
    const QString apiKey = secret->text();
    ApiKeyModel* keys = dialog->model();
    QCOMPARE(keys->rowCount(), 1);
    const QString keyId = keys->keyAt(0)->keyId;
    QVERIFY(!keys->keyAt(0)->isRevoked());
    QCOMPARE(signInWithApiKey(m_stack.gatewayUrl(), apiKey), 200);
    dialog->close();
    QTRY_VERIFY(visibleDialog<ui::ApiKeysDialog>(m_window.get()) == nullptr);

    // Opened again, the dialog lists the key as the gateway has it (never the secret).
    runDialog(m_window->findChild<QAction*>(QStringLiteral("apiKeysAction")));
    QTRY_VERIFY((dialog = visibleDialog<ui::ApiKeysDialog>(m_window.get())) != nullptr);
    keys = dialog->model();
    QTRY_COMPARE_WITH_TIMEOUT(keys->rowCount(), 1, 10000);
    QCOMPARE(keys->keyAt(0)->keyId, keyId);
    QVERIFY(keys->keyAt(0)->apiKey.isEmpty());
    QVERIFY(dialog->findChild<QLineEdit*>(QStringLiteral("newApiKey"))->text().isEmpty());
    summary = dialog->findChild<QLabel*>(QStringLiteral("apiKeysSummary"));
    QCOMPARE(summary->text(), QStringLiteral("1 key(s), 1 in force"));

    // Revoke the selected key, confirmed in the message box.
    auto* revoke = dialog->findChild<QPushButton*>(QStringLiteral("revokeApiKey"));
    QVERIFY(!revoke->isEnabled());  // nothing selected yet
    // A row that is current without being selected (what focusing the view does) is not the
    // one "Revoke selected" acts on.
    dialog->view()->selectionModel()->setCurrentIndex(keys->index(0, 0),
                                                      QItemSelectionModel::NoUpdate);
    QVERIFY(!revoke->isEnabled());
    dialog->view()->selectRow(0);
    QVERIFY(revoke->isEnabled());
    revoke->click();
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = visibleDialog<QMessageBox>(dialog)) != nullptr);
    confirm->findChild<QPushButton*>(QStringLiteral("revokeConfirmButton"))->click();
    QTRY_VERIFY_WITH_TIMEOUT(keys->keyAt(0)->isRevoked(), 10000);
    QCOMPARE(keys->rowCount(), 1);
    QCOMPARE(keys->data(keys->index(0, ApiKeyModel::StateColumn)).toString(),
             QStringLiteral("Revoked"));
    QVERIFY(!revoke->isEnabled());
    QCOMPARE(summary->text(), QStringLiteral("1 key(s), 0 in force"));
    QCOMPARE(signInWithApiKey(m_stack.gatewayUrl(), apiKey), 401);

    // The gateway agrees: read again, the key is listed with its revocation time.
    QSignalSpy loaded(dialog, &ui::ApiKeysDialog::loaded);
    dialog->findChild<QPushButton*>(QStringLiteral("reloadApiKeys"))->click();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(keys->rowCount(), 1);
    QVERIFY(keys->keyAt(0)->isRevoked());
    QVERIFY(keys->keyAt(0)->revokedAt >= keys->keyAt(0)->createdAt);
    dialog->close();
}

void tst_MainWindowE2e::searchFindsByPartialId() {
    OrderModel* orders = m_window->ordersPanel()->model();
    const int row = orderRow(*orders, m_userId, QStringLiteral("30.50"));
    QVERIFY(row >= 0);
    const QString orderId = orders->orderAt(row)->orderId;
    ui::SearchBox* search = m_window->searchBox();
    QListWidget* results = search->results();
    auto rowWith = [results](const QString& text) {
        for (int i = 0; i < results->count(); ++i) {
            if (results->item(i)->text().contains(text)) {
                return i;
            }
        }
        return -1;
    };

    // The first 13 characters of the order id (dash included), in capitals: the order is
    // listed with its status and amount, and Enter on it opens its details.
    m_window->findChild<QAction*>(QStringLiteral("findAction"))->trigger();
    QTest::keyClicks(search->lineEdit(), orderId.left(13).toUpper());
    QTRY_VERIFY2_WITH_TIMEOUT(rowWith(orderId) >= 0, qPrintable(search->message()->text()), 10000);
    const QString orderText = results->item(rowWith(orderId))->text();
    QVERIFY2(orderText.contains(QLatin1StringView("REFUNDED")) &&
                 orderText.contains(QLatin1StringView("30.50")),
             qPrintable(orderText));
    results->setCurrentRow(rowWith(orderId));
    QTest::keyClick(search->lineEdit(), Qt::Key_Return);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QCOMPARE(detail->orderId(), orderId);
    auto* status = detail->findChild<QLabel*>(QStringLiteral("detailStatus"));
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("REFUNDED"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        !detail->findChild<QLabel*>(QStringLiteral("detailRequestId"))->text().isEmpty(), 10000);
    // Its refund, read from the gateway.
    QTRY_COMPARE_WITH_TIMEOUT(detail->refundsView()->model()->rowCount(), 1, 10000);
    detail->close();

    // The first 8 characters of the user id: the account with its balance; choosing it selects
    // it in the accounts list.
    m_window->accountsPanel()->view()->selectionModel()->clearCurrentIndex();
    QVERIFY(!m_window->accountsPanel()->currentAccount().has_value());
    search->focusSearch();
    search->lineEdit()->setText(m_userId.left(8));
    QTRY_VERIFY2_WITH_TIMEOUT(rowWith(m_userId) >= 0, qPrintable(search->message()->text()), 10000);
    QVERIFY2(results->item(rowWith(m_userId))->text().contains(QLatin1StringView("105.00")),
             qPrintable(results->item(rowWith(m_userId))->text()));
    results->setCurrentRow(rowWith(m_userId));
    QTest::keyClick(search->lineEdit(), Qt::Key_Return);
    QTRY_VERIFY(m_window->accountsPanel()->currentAccount().has_value());
    QCOMPARE(m_window->accountsPanel()->currentAccount()->userId, m_userId);

    // A prefix nothing has (1 in 2^44 for a random id): the server's empty answer, said so.
    search->lineEdit()->setText(QStringLiteral("ffffffff-fff"));
    QTRY_COMPARE_WITH_TIMEOUT(
        search->message()->text(),
        QStringLiteral("No account or order starts with \u201cffffffff-fff\u201d."), 10000);
}

void tst_MainWindowE2e::cleanupTestCase() {
    if (m_window) {
        m_window->close();
    }
    m_window.reset();
    m_stream.reset();
    m_stack.stop();
}

QTEST_MAIN(tst_MainWindowE2e)
#include "tst_main_window_e2e.moc"
