// The search box and the order detail view in the main window, over a fake network layer: a
// prefix is looked up on the server (GET /accounts and GET /orders with id_prefix) and both
// kinds are listed; a bad prefix is explained and nothing is sent; a pasted whole id opens the
// order or selects an account no loaded page had; choosing a match opens or selects it. The
// detail view shows every field of the order and the request id (of the GET that read it, or
// of the POST that placed it from this client), grows its history as pushes arrive (a push
// older than the newest held is ignored), opens once per order, and its copy buttons put the
// whole ids on the clipboard. The order history store's bounds are checked on their own.
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFrame>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QUrlQuery>
#include <QtTest>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "core/id_search.hpp"
#include "core/money_text.hpp"
#include "core/order_history.hpp"
#include "core/order_model.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/main_window.hpp"
#include "ui/new_order_dialog.hpp"
#include "ui/order_detail_dialog.hpp"
#include "ui/orders_panel.hpp"
#include "ui/refund_dialog.hpp"
#include "ui/refunds_view.hpp"
#include "ui/search_box.hpp"
#include "ui/sign_in_dialog.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

// The account every page lists, and one no page has loaded.
const QString kLoadedUser = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");
const QString kFarUser = QStringLiteral("9a1b0000-1111-4222-8333-444455556666");
// An order of the loaded account whose id starts like kFarUser's, and one placed in the test.
const QString kOrderId = QStringLiteral("9a1b2c3d-0000-4000-8000-000000000001");
const QString kPlacedId = QStringLiteral("5e5e5e5e-0000-4000-8000-000000000002");

QByteArray accountJson(const QString& userId, const QByteArray& balance) {
    return R"({"user_id":")" + userId.toUtf8() + R"(","balance":")" + balance +
           R"(","created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:00:00Z"})";
}

QByteArray orderJson(const QString& orderId, const QByteArray& status, qint64 version) {
    return R"({"order_id":")" + orderId.toUtf8() + R"(","user_id":")" + kLoadedUser.toUtf8() +
           R"(","amount":"30.00","description":"a book, second hand, with a long description that a narrow window has to wrap onto a second line rather than cut","status":")" +
           status + R"(","failure_reason":null,"refunded_amount":"5.00","version":)" +
           QByteArray::number(version) +
           R"(,"created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:01:30Z"})";
}

FakeResponse withRequestId(FakeResponse response, const QByteArray& requestId) {
    response.headers.append({QByteArrayLiteral("X-Request-Id"), requestId});
    return response;
}

FakeResponse notFound() {
    return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no such id",)"
                                   R"("request_id":"r-404"}})");
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

OrderEvent push(const QString& orderId, const QString& status, qint64 version,
                const QString& refunded) {
    OrderEvent event;
    event.orderId = orderId;
    event.userId = kLoadedUser;
    event.status = status;
    event.version = version;
    event.amount = QStringLiteral("30.00");
    event.refundedAmount = refunded;
    event.description = QStringLiteral(
        "a book, second hand, with a long description that a narrow window has to wrap onto a "
        "second line rather than cut");
    event.createdAt = QDateTime(QDate(2025, 11, 22), QTime(10, 0), Qt::UTC);
    event.updatedAt =
        QDateTime(QDate(2025, 11, 22), QTime(10, 2, static_cast<int>(version)), Qt::UTC);
    return event;
}

}  // namespace

class tst_SearchDetail : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase();
    void checksPrefixes_data();
    void checksPrefixes();
    void prefixSearchListsBothKinds();
    void noMatchSaysSo();
    void badPrefixSaysWhyAndSendsNothing();
    void pastedWholeIdOpensTheOrder();
    void pastedWholeIdSelectsAnUnloadedAccount();
    void wholeIdOfNothingSaysSo();
    void choosingAMatchSelectsOrOpens();
    void detailShowsEveryField();
    void detailOpensOncePerOrder();
    void detailGrowsItsHistoryFromPushes();
    void copyButtonsPutTheWholeIds();
    void placedOrderShowsTheRequestThatCreatedIt();
    void historyIsBounded();
    void cleanupTestCase();

  private:
    void signIn();
    /// The requests sent from index `from` on whose path is `path`.
    QList<SentRequest> sentTo(const QString& path, qsizetype from = 0) const;
    /// How many requests with an id_prefix were sent from index `from` on (the window also
    /// sends requests of its own: health checks, a session probe when the stream reconnects).
    qsizetype prefixSearches(qsizetype from) const;
    ui::SearchBox* search() const { return m_window->searchBox(); }
    void closeDetails();

    FakeNetwork m_network;
    qint64 m_orderVersion = 3;
    QByteArray m_orderStatus = "FINISHED";
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<AuthSession> m_auth;
    std::unique_ptr<EventStream> m_stream;
    std::unique_ptr<HealthMonitor> m_health;
    std::unique_ptr<ui::MainWindow> m_window;
};

void tst_SearchDetail::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("shop-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_search_detail"));
    QSettings().clear();

    m_network.setHandler([this](const SentRequest& sent) {
        const QString path = sent.url.path();
        const QString prefix = QUrlQuery(sent.url).queryItemValue(QStringLiteral("id_prefix"));
        if (path == QLatin1StringView("/auth/token")) {
            return FakeResponse::json(200,
                                      R"({"data":{"access_token":"tok","token_type":"Bearer",)"
                                      R"("expires_in":3600,"role":"operator","user_id":null}})");
        }
        if (path == QLatin1StringView("/accounts")) {
            // Without a prefix, the first page has only the loaded account.
            QList<QByteArray> items;
            for (const QString& user : {kLoadedUser, kFarUser}) {
                if (prefix.isEmpty() ? user == kLoadedUser : user.startsWith(prefix)) {
                    items << accountJson(user, user == kFarUser ? "1234.50" : "10.00");
                }
            }
            return FakeResponse::json(
                200, R"({"data":{"items":[)" + items.join(',') + R"(],"next_cursor":null}})");
        }
        if (path == QLatin1StringView("/orders") && sent.method == "POST") {
            return withRequestId(
                FakeResponse::json(201, R"({"data":)" + orderJson(kPlacedId, "NEW", 1) + "}"),
                "req-placed");
        }
        if (path == QLatin1StringView("/orders")) {
            QList<QByteArray> items;
            if (!prefix.isEmpty() && kOrderId.startsWith(prefix)) {
                items << orderJson(kOrderId, m_orderStatus, m_orderVersion);
            }
            return FakeResponse::json(
                200, R"({"data":{"items":[)" + items.join(',') + R"(],"next_cursor":null}})");
        }
        if (path == QLatin1StringView("/orders") + u'/' + kOrderId) {
            return withRequestId(
                FakeResponse::json(
                    200, R"({"data":)" + orderJson(kOrderId, m_orderStatus, m_orderVersion) + "}"),
                "req-read-order");
        }
        if (path == QStringLiteral("/orders/%1").arg(kPlacedId)) {
            return withRequestId(
                FakeResponse::json(200, R"({"data":)" + orderJson(kPlacedId, "NEW", 1) + "}"),
                "req-read-placed");
        }
        if (path.startsWith(QLatin1StringView("/orders/")) &&
            path.endsWith(QLatin1StringView("/refunds"))) {
            return FakeResponse::json(200, R"({"data":{"items":[]}})");
        }
        if (path == QLatin1StringView("/accounts/") + kFarUser) {
            return FakeResponse::json(200, R"({"data":)" + accountJson(kFarUser, "1234.50") + "}");
        }
        return notFound();
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
    signIn();
    QTRY_COMPARE(m_window->accountsPanel()->model()->rowCount(), 1);
    search()->setDebounce(std::chrono::milliseconds(10));
}

void tst_SearchDetail::signIn() {
    ui::SignInDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::SignInDialog>(m_window.get())) != nullptr);
    dialog->findChild<QLineEdit*>(QStringLiteral("usernameEdit"))
        ->setText(QStringLiteral("operator"));
    dialog->findChild<QLineEdit*>(QStringLiteral("passwordEdit"))
        ->setText(QStringLiteral("s3cret"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_COMPARE(m_auth->state(), AuthSession::State::SignedIn);
}

QList<SentRequest> tst_SearchDetail::sentTo(const QString& path, qsizetype from) const {
    QList<SentRequest> found;
    for (qsizetype i = from; i < m_network.sent().size(); ++i) {
        if (m_network.sent().at(i).url.path() == path) {
            found << m_network.sent().at(i);
        }
    }
    return found;
}

qsizetype tst_SearchDetail::prefixSearches(qsizetype from) const {
    qsizetype count = 0;
    for (qsizetype i = from; i < m_network.sent().size(); ++i) {
        count += QUrlQuery(m_network.sent().at(i).url).hasQueryItem(QStringLiteral("id_prefix"));
    }
    return count;
}

void tst_SearchDetail::closeDetails() {
    for (auto* dialog : m_window->findChildren<ui::OrderDetailDialog*>()) {
        dialog->close();
    }
    QTRY_VERIFY(visibleDialog<ui::OrderDetailDialog>(m_window.get()) == nullptr);
}

void tst_SearchDetail::checksPrefixes_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error");
    QTest::newRow("four hex digits")
        << QStringLiteral("9a1b") << QStringLiteral("9a1b") << QString();
    QTest::newRow("upper case, spaces around")
        << QStringLiteral("  9A1B2C3D-E \n") << QStringLiteral("9a1b2c3d-e") << QString();
    QTest::newRow("dash missing") << QStringLiteral("fffffffff") << QString()
                                  << QStringLiteral("dash after its first 8 characters");
    QTest::newRow("dash misplaced")
        << QStringLiteral("9a1b-2c") << QString() << QStringLiteral("dashes only between groups");
    QTest::newRow("whole id") << kOrderId << kOrderId << QString();
    QTest::newRow("three") << QStringLiteral("9a1") << QString()
                           << QStringLiteral("at least 4 characters");
    QTest::newRow("not hex") << QStringLiteral("9a1g") << QString()
                             << QStringLiteral("\u201cg\u201d is neither");
    QTest::newRow("space inside") << QStringLiteral("9a1b 2c3d") << QString()
                                  << QStringLiteral("no spaces");
    QTest::newRow("too long") << kOrderId + u'0' << QString()
                              << QStringLiteral("at most 36 characters");
    QTest::newRow("empty") << QStringLiteral("   ") << QString() << QStringLiteral("Type or paste");
}

void tst_SearchDetail::checksPrefixes() {
    QFETCH(QString, text);
    QFETCH(QString, value);
    QFETCH(QString, error);
    const FieldCheck check = checkIdPrefix(text);
    QCOMPARE(check.value, value);
    QVERIFY2(error.isEmpty() ? check.ok() : check.error.contains(error), qPrintable(check.error));
    QCOMPARE(isWholeId(check.value), value == kOrderId);
}

void tst_SearchDetail::prefixSearchListsBothKinds() {
    const qsizetype before = m_network.sent().size();
    search()->focusSearch();
    QTest::keyClicks(search()->lineEdit(), QStringLiteral("9A1B"));
    QListWidget* results = search()->results();
    QTRY_COMPARE(results->count(), 2);
    QVERIFY(search()->popup()->isVisible());

    // One request of each kind, with the prefix in lowercase (nothing for "9", "9A", "9A1").
    QCOMPARE(prefixSearches(before), 2);
    auto searchesOf = [](const QList<SentRequest>& sent) {
        QList<SentRequest> found;
        std::copy_if(sent.begin(), sent.end(), std::back_inserter(found), [](const auto& request) {
            return QUrlQuery(request.url).hasQueryItem(QStringLiteral("id_prefix"));
        });
        return found;
    };
    const QList<SentRequest> accounts = searchesOf(sentTo(QStringLiteral("/accounts"), before));
    const QList<SentRequest> orders = searchesOf(sentTo(QStringLiteral("/orders"), before));
    QCOMPARE(accounts.size(), 1);
    QCOMPARE(orders.size(), 1);
    QCOMPARE(QUrlQuery(accounts.first().url).queryItemValue(QStringLiteral("id_prefix")),
             QStringLiteral("9a1b"));
    QCOMPARE(QUrlQuery(orders.first().url).queryItemValue(QStringLiteral("id_prefix")),
             QStringLiteral("9a1b"));
    QCOMPARE(orders.first().header("Authorization"), QByteArray("Bearer tok"));

    // The account with its balance, the order with its status and amount.
    const QString account = results->item(0)->text();
    // Money as every table shows it (grouped per locale).
    QVERIFY2(
        account.contains(kFarUser) && account.contains(moneyDisplayText(QStringLiteral("1234.50"))),
        qPrintable(account));
    const QString order = results->item(1)->text();
    QVERIFY2(order.contains(kOrderId) && order.contains(QLatin1StringView("FINISHED")) &&
                 order.contains(QLatin1StringView("30.00")),
             qPrintable(order));
    QVERIFY2(search()->message()->text().contains(QLatin1StringView("2 match(es)")),
             qPrintable(search()->message()->text()));

    // Escape closes the popup, not the window's message in the bar (its shortcut).
    ui::NotificationBar* bar = m_window->notifications();
    bar->showMessage(bar->newId(), QStringLiteral("Something failed:"), QStringLiteral("why"));
    QVERIFY(bar->isVisible());
    QTest::keyClick(search()->lineEdit(), Qt::Key_Escape);
    QVERIFY(!search()->popup()->isVisible());
    QCOMPARE(bar->currentTitle(), QStringLiteral("Something failed:"));
    bar->dismissCurrent();

    QTest::keyClick(search()->lineEdit(), Qt::Key_Escape);
    QVERIFY(!search()->popup()->isVisible());
}

void tst_SearchDetail::noMatchSaysSo() {
    search()->lineEdit()->setText(QStringLiteral("abcd"));
    QTRY_COMPARE(search()->message()->text(),
                 QStringLiteral("No account or order starts with \u201cabcd\u201d."));
    QCOMPARE(search()->results()->count(), 0);
}

void tst_SearchDetail::badPrefixSaysWhyAndSendsNothing() {
    // No pause: a search that was going to be sent is sent on the next turn of the event loop.
    search()->setDebounce(std::chrono::milliseconds(0));
    const QList<QPair<QString, QString>> bad = {
        {QStringLiteral("9a1"), QStringLiteral("Type at least 4 characters of the id (3 so far).")},
        {QStringLiteral("9a1b-2x"),
         QStringLiteral("An id has only hex digits (0-9, a-f) and dashes; \u201cx\u201d is "
                        "neither.")},
        {kOrderId + QStringLiteral("ff"),
         QStringLiteral("An id has at most 36 characters; this has 38.")},
    };
    for (const auto& [text, why] : bad) {
        const qsizetype before = m_network.sent().size();
        search()->lineEdit()->setText(text);
        QCOMPARE(search()->message()->text(), why);
        QVERIFY(search()->popup()->isVisible());
        QTest::keyClick(search()->lineEdit(), Qt::Key_Return);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(prefixSearches(before), 0);
    }
    // A good prefix with the same steps is sent at once.
    const qsizetype before = m_network.sent().size();
    search()->lineEdit()->setText(QStringLiteral("9a1b2c"));
    QTest::keyClick(search()->lineEdit(), Qt::Key_Return);
    QCOMPARE(prefixSearches(before), 2);
    QTRY_COMPARE(search()->results()->count(), 1);
    search()->setDebounce(std::chrono::milliseconds(10));
}

void tst_SearchDetail::pastedWholeIdOpensTheOrder() {
    const qsizetype before = m_network.sent().size();
    search()->lineEdit()->setText(QStringLiteral("  ") + kOrderId + QStringLiteral("\t "));
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QCOMPARE(detail->orderId(), kOrderId);
    QVERIFY(!search()->popup()->isVisible());
    // Read directly, by id: the account of that id does not exist.
    QCOMPARE(sentTo(QStringLiteral("/accounts/") + kOrderId, before).size(), 1);
    QVERIFY(sentTo(QStringLiteral("/orders/") + kOrderId, before).size() >= 1);
    QCOMPARE(prefixSearches(before), 0);
    closeDetails();
}

void tst_SearchDetail::pastedWholeIdSelectsAnUnloadedAccount() {
    ui::AccountsPanel* accounts = m_window->accountsPanel();
    QCOMPARE(accounts->model()->rowOf(kFarUser), -1);
    search()->lineEdit()->setText(kFarUser.toUpper() + u'\n');
    QTRY_VERIFY(accounts->model()->rowOf(kFarUser) >= 0);
    QCOMPARE(accounts->currentAccount()->userId, kFarUser);
    QCOMPARE(accounts->currentAccount()->balance, QStringLiteral("1234.50"));
    QVERIFY(visibleDialog<ui::OrderDetailDialog>(m_window.get()) == nullptr);
    QVERIFY(!search()->popup()->isVisible());

    // A reload (F5, or the stream's resync) keeps it selected though no page has it: the next
    // Top up must not go to the newest account instead.
    QSignalSpy loaded(accounts, &ui::AccountsPanel::loaded);
    accounts->reload();
    QTRY_COMPARE(loaded.count(), 1);
    QVERIFY(accounts->model()->rowOf(kFarUser) >= 0);
    QCOMPARE(accounts->currentAccount()->userId, kFarUser);
}

void tst_SearchDetail::wholeIdOfNothingSaysSo() {
    const QString nobody = QStringLiteral("00000000-0000-4000-8000-00000000dead");
    search()->lineEdit()->setText(nobody);
    QTRY_COMPARE(search()->message()->text(),
                 QStringLiteral("No account or order has the id \u201c%1\u201d.").arg(nobody));
    QVERIFY(search()->popup()->isVisible());
    QCOMPARE(search()->results()->count(), 0);
}

void tst_SearchDetail::choosingAMatchSelectsOrOpens() {
    ui::AccountsPanel* accounts = m_window->accountsPanel();
    accounts->view()->selectRow(accounts->model()->rowOf(kLoadedUser));
    QCOMPARE(accounts->currentAccount()->userId, kLoadedUser);

    search()->focusSearch();
    search()->lineEdit()->setText(QStringLiteral("9a1b"));
    QTRY_COMPARE(search()->results()->count(), 2);
    // Down, Enter: the second match, the order.
    QTest::keyClick(search()->lineEdit(), Qt::Key_Down);
    QTest::keyClick(search()->lineEdit(), Qt::Key_Return);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QCOMPARE(detail->orderId(), kOrderId);
    closeDetails();

    // A click on the account selects it.
    search()->lineEdit()->setText(QStringLiteral("9a1b0"));
    QTRY_COMPARE(search()->results()->count(), 1);
    QListWidget* results = search()->results();
    QTest::mouseClick(results->viewport(), Qt::LeftButton, {},
                      results->visualItemRect(results->item(0)).center());
    QTRY_COMPARE(accounts->currentAccount()->userId, kFarUser);
    QVERIFY(!search()->popup()->isVisible());
}

void tst_SearchDetail::detailShowsEveryField() {
    m_window->showOrder(kOrderId);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QVERIFY(!detail->isModal());
    QTRY_VERIFY(detail->order().has_value());
    auto field = [detail](const char* name) {
        auto* label = detail->findChild<QLabel*>(QLatin1StringView(name));
        return label == nullptr ? QStringLiteral("<no %1>").arg(QLatin1StringView(name))
                                : label->text();
    };
    QCOMPARE(field("detailOrderId"), kOrderId);
    QCOMPARE(field("detailUserId"), kLoadedUser);
    QCOMPARE(field("detailAmount"), QStringLiteral("30.00"));
    QCOMPARE(field("detailRefunded"), QStringLiteral("5.00"));
    QCOMPARE(field("detailDescription"),
             QStringLiteral("a book, second hand, with a long description that a narrow window has "
                            "to wrap onto a second line rather than cut"));
    QCOMPARE(field("detailStatus"), QStringLiteral("FINISHED"));
    QCOMPARE(field("detailVersion"), QStringLiteral("3"));
    QVERIFY2(field("detailCreated").contains(QLatin1StringView("2025-11-22T10:00:00.000Z")),
             qPrintable(field("detailCreated")));
    QVERIFY2(field("detailUpdated").contains(QLatin1StringView("2025-11-22T10:01:30.000Z")),
             qPrintable(field("detailUpdated")));
    // Not placed here: the request id is the one of the GET that read it, and says so.
    QTRY_COMPARE(field("detailRequestId"), QStringLiteral("req-read-order"));
    QVERIFY2(field("detailRequestIdSource").contains(QLatin1StringView("GET /orders/{id}")),
             qPrintable(field("detailRequestIdSource")));
    // Its refunds, and Refund… for a FINISHED order and a signed-in operator.
    QCOMPARE(detail->refundsView()->orderId(), kOrderId);
    auto* refund = detail->findChild<QPushButton*>(QStringLiteral("detailRefund"));
    QVERIFY(refund->isEnabled());
    refund->click();
    ui::RefundDialog* refundDialog = nullptr;
    QTRY_VERIFY((refundDialog = visibleDialog<ui::RefundDialog>(detail)) != nullptr);
    QCOMPARE(refundDialog->refundsView()->orderId(), kOrderId);
    refundDialog->reject();
    QTRY_VERIFY(visibleDialog<ui::RefundDialog>(detail) == nullptr);
    closeDetails();
}

void tst_SearchDetail::detailOpensOncePerOrder() {
    // The order's row in the orders of everyone: a double click opens its details, and a
    // second one raises the same window instead of opening another.
    ui::OrdersPanel* orders = m_window->ordersPanel();
    orders->setScope(ui::OrdersPanel::Scope::Everyone);
    QTRY_COMPARE(orders->model()->rowCount(), 0);
    Order order;
    order.orderId = kOrderId;
    order.userId = kLoadedUser;
    order.amount = QStringLiteral("30.00");
    order.description = QStringLiteral(
        "a book, second hand, with a long description that a narrow window has to wrap onto a "
        "second line rather than cut");
    order.status = QStringLiteral("FINISHED");
    order.version = 3;
    order.createdAt = QDateTime(QDate(2025, 11, 22), QTime(10, 0), Qt::UTC);
    order.updatedAt = order.createdAt;
    orders->addCreated(order);
    const int row = orders->model()->rowOf(kOrderId);
    QVERIFY(row >= 0);
    const QModelIndex index = orders->model()->index(row, OrderModel::AmountColumn);
    emit orders->view()->doubleClicked(index);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QCOMPARE(detail->orderId(), kOrderId);
    // Shown from the row at once, before the GET answers.
    QVERIFY(detail->order().has_value());
    emit orders->view()->doubleClicked(index);
    m_window->showOrder(kOrderId);
    QCoreApplication::processEvents();
    int open = 0;
    for (auto* dialog : m_window->findChildren<ui::OrderDetailDialog*>()) {
        open += dialog->isVisible() ? 1 : 0;
    }
    QCOMPARE(open, 1);
    closeDetails();
    orders->setScope(ui::OrdersPanel::Scope::SelectedAccount);
}

void tst_SearchDetail::detailGrowsItsHistoryFromPushes() {
    // A push that came before the window was opened is in its history from the start.
    emit m_stream->orderEvent(
        push(kOrderId, QStringLiteral("FINISHED"), 2, QStringLiteral("0.00")));
    m_orderVersion = 3;
    m_window->showOrder(kOrderId);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QTableWidget* history = detail->historyView();
    QCOMPARE(history->rowCount(), 1);
    QCOMPARE(history->item(0, 0)->text(), QStringLiteral("2"));
    auto* version = detail->findChild<QLabel*>(QStringLiteral("detailVersion"));
    auto* status = detail->findChild<QLabel*>(QStringLiteral("detailStatus"));
    auto* refunded = detail->findChild<QLabel*>(QStringLiteral("detailRefunded"));
    QTRY_COMPARE(version->text(), QStringLiteral("3"));  // as read

    // The refund's push: a new version in the history, every field follows.
    emit m_stream->orderEvent(
        push(kOrderId, QStringLiteral("REFUNDED"), 4, QStringLiteral("30.00")));
    QCOMPARE(history->rowCount(), 2);
    QCOMPARE(history->item(1, 0)->text(), QStringLiteral("4"));
    QCOMPARE(history->item(1, 1)->text(), QStringLiteral("REFUNDED"));
    QCOMPARE(history->item(1, 2)->text(), QStringLiteral("30.00"));
    QVERIFY(!history->item(1, 4)->text().isEmpty());  // when it was received
    QCOMPARE(version->text(), QStringLiteral("4"));
    QCOMPARE(status->text(), QStringLiteral("REFUNDED"));
    QCOMPARE(refunded->text(), QStringLiteral("30.00"));
    QVERIFY(!detail->findChild<QPushButton*>(QStringLiteral("detailRefund"))->isEnabled());

    // A late frame of an older version, and a push of another order: nothing changes.
    emit m_stream->orderEvent(
        push(kOrderId, QStringLiteral("FINISHED"), 3, QStringLiteral("5.00")));
    emit m_stream->orderEvent(push(kPlacedId, QStringLiteral("FINISHED"), 2, QString()));
    QCOMPARE(history->rowCount(), 2);
    QCOMPARE(version->text(), QStringLiteral("4"));
    QCOMPARE(status->text(), QStringLiteral("REFUNDED"));
    auto* summary = detail->findChild<QLabel*>(QStringLiteral("detailHistorySummary"));
    QVERIFY2(summary->text().startsWith(QLatin1StringView("2 version(s) pushed")),
             qPrintable(summary->text()));

    // A cancelled order's status says why.
    OrderEvent cancelled = push(kPlacedId, QStringLiteral("CANCELLED"), 3, QString());
    cancelled.failureReason = QStringLiteral("INSUFFICIENT_FUNDS");
    emit m_stream->orderEvent(cancelled);
    m_window->showOrder(kPlacedId, cancelled.toOrder());
    ui::OrderDetailDialog* other = nullptr;
    QTRY_VERIFY((other = [this] {
                    for (auto* dialog : m_window->findChildren<ui::OrderDetailDialog*>()) {
                        if (dialog->isVisible() && dialog->orderId() == kPlacedId) {
                            return dialog;
                        }
                    }
                    return static_cast<ui::OrderDetailDialog*>(nullptr);
                }()) != nullptr);
    QCOMPARE(other->findChild<QLabel*>(QStringLiteral("detailStatus"))->text(),
             QStringLiteral("CANCELLED, Insufficient funds (INSUFFICIENT_FUNDS)"));
    m_orderVersion = 3;
    closeDetails();
}

void tst_SearchDetail::copyButtonsPutTheWholeIds() {
    m_window->showOrder(kOrderId);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QTRY_COMPARE(detail->findChild<QLabel*>(QStringLiteral("detailRequestId"))->text(),
                 QStringLiteral("req-read-order"));
    QClipboard* clipboard = QGuiApplication::clipboard();
    clipboard->clear();
    detail->findChild<QPushButton*>(QStringLiteral("copyOrderId"))->click();
    QCOMPARE(clipboard->text(), kOrderId);
    detail->findChild<QPushButton*>(QStringLiteral("copyUserId"))->click();
    QCOMPARE(clipboard->text(), kLoadedUser);
    detail->findChild<QPushButton*>(QStringLiteral("copyRequestId"))->click();
    QCOMPARE(clipboard->text(), QStringLiteral("req-read-order"));
    closeDetails();
}

void tst_SearchDetail::placedOrderShowsTheRequestThatCreatedIt() {
    ui::AccountsPanel* accounts = m_window->accountsPanel();
    accounts->view()->selectRow(accounts->model()->rowOf(kLoadedUser));
    m_window->findChild<QAction*>(QStringLiteral("newOrderAction"))->trigger();
    ui::NewOrderDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog<ui::NewOrderDialog>(m_window.get())) != nullptr);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("amountEdit")),
                     QStringLiteral("30"));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("descriptionEdit")),
                     QStringLiteral("a book, second hand, with a long description that a narrow "
                                    "window has to wrap onto a second line rather than cut"));
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(m_window->orderHistory()->placedRequestId(kPlacedId) ==
                QLatin1StringView("req-placed"));

    m_window->showOrder(kPlacedId);
    ui::OrderDetailDialog* detail = nullptr;
    QTRY_VERIFY((detail = visibleDialog<ui::OrderDetailDialog>(m_window.get())) != nullptr);
    QSignalSpy loaded(detail, &ui::OrderDetailDialog::loaded);
    QVERIFY(loaded.wait());
    // Read over GET (req-read-placed), but the id to quote is the one of its creation.
    QCOMPARE(detail->findChild<QLabel*>(QStringLiteral("detailRequestId"))->text(),
             QStringLiteral("req-placed"));
    const QString source =
        detail->findChild<QLabel*>(QStringLiteral("detailRequestIdSource"))->text();
    QVERIFY2(source.contains(QLatin1StringView("POST /orders")), qPrintable(source));
    closeDetails();
}

void tst_SearchDetail::historyIsBounded() {
    OrderHistory history;
    history.setLimits(2, 3);
    QVERIFY(history.record(push(QStringLiteral("a"), QStringLiteral("NEW"), 1, {})));
    QVERIFY(history.record(push(QStringLiteral("a"), QStringLiteral("FINISHED"), 2, {})));
    QVERIFY(!history.record(
        push(QStringLiteral("a"), QStringLiteral("NEW"), 1, {})));  // older: ignored
    QVERIFY(!history.record(
        push(QStringLiteral("a"), QStringLiteral("FINISHED"), 2, {})));  // the same: ignored
    QVERIFY(history.record(push(QStringLiteral("a"), QStringLiteral("REFUNDED"), 3, {})));
    QVERIFY(history.record(push(QStringLiteral("a"), QStringLiteral("REFUNDED"), 4, {})));
    QList<qint64> versions;
    for (const OrderHistoryEntry& entry : history.entries(QStringLiteral("a"))) {
        versions << entry.event.version;
    }
    QCOMPARE(versions, (QList<qint64>{2, 3, 4}));  // the newest 3
    history.notePlaced(QStringLiteral("b"), QStringLiteral("req-b"));
    QVERIFY(history.record(push(QStringLiteral("c"), QStringLiteral("NEW"), 1, {})));
    // Three orders seen, two kept: the one seen first is forgotten.
    QCOMPARE(history.orderCount(), 2);
    QVERIFY(history.entries(QStringLiteral("a")).isEmpty());
    QCOMPARE(history.placedRequestId(QStringLiteral("b")), QStringLiteral("req-b"));
    QCOMPARE(history.entries(QStringLiteral("c")).size(), 1);
}

void tst_SearchDetail::cleanupTestCase() {
    m_window.reset();
    m_stream.reset();
}

QTEST_MAIN(tst_SearchDetail)
#include "tst_search_detail.moc"
