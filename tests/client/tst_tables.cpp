// The client's tables as an operator reads them: money grouped as the locale groups numbers and
// never elided, even at 1024x680; every table sortable by a header click (money by value, times
// by instant, statuses by their life cycle) with the current order still found through the
// sort; Ctrl+C copying the selected rows as plain, machine-readable text; counts naming the
// filter; the context menus and double-click; accounts newest first; and the live chart's
// smoothed rates.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QUrlQuery>
#include <QtTest>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "core/money_text.hpp"
#include "core/order_model.hpp"
#include "core/rate_counter.hpp"
#include "core/table_roles.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/compact_text_delegate.hpp"
#include "ui/live_chart.hpp"
#include "ui/notification_bar.hpp"
#include "ui/orders_panel.hpp"
#include "ui/table_tools.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

const QString kUser = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");
const QString kOtherUser = QStringLiteral("9a8b7c6d-1111-4222-8333-944455566677");
const QString kThirdUser = QStringLiteral("0c0d0e0f-2222-4333-8444-555566667777");

QByteArray accountJson(const QString& userId, const QByteArray& balance, int minute) {
    const QByteArray time =
        "2025-11-22T10:" + QByteArray::number(minute).rightJustified(2, '0') + ":00Z";
    return R"({"user_id":")" + userId.toUtf8() + R"(","balance":")" + balance +
           R"(","created_at":")" + time + R"(","updated_at":")" + time + R"("})";
}

QByteArray orderJson(const QByteArray& id, const QByteArray& amount, const QByteArray& status,
                     int minute) {
    const QByteArray time =
        "2025-11-22T10:" + QByteArray::number(minute).rightJustified(2, '0') + ":00Z";
    return R"({"order_id":")" + id + R"(","user_id":")" + kUser.toUtf8() + R"(","amount":")" +
           amount + R"(","description":"a book","status":")" + status +
           R"(","failure_reason":null,"refunded_amount":"0.00","version":1,"created_at":")" + time +
           R"(","updated_at":")" + time + R"("})";
}

FakeResponse page(const QList<QByteArray>& items) {
    return FakeResponse::json(
        200, R"({"data":{"items":[)" + items.join(',') + R"(],"next_cursor":null}})");
}

/// Answers GET /accounts with `accounts` and GET /orders with `orders`.
FakeNetwork::Handler lists(QList<QByteArray> accounts, QList<QByteArray> orders) {
    return [accounts = std::move(accounts), orders = std::move(orders)](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/accounts")) {
            return page(accounts);
        }
        if (sent.url.path() == QLatin1StringView("/orders")) {
            return page(orders);
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r1"}})");
    };
}

const QList<QByteArray> kAccounts{accountJson(kUser, "200000000.00", 3),
                                  accountJson(kOtherUser, "0.02", 2),
                                  accountJson(kThirdUser, "599.00", 1)};

/// Orders of kUser, newest first as the server lists them.
const QList<QByteArray> kOrders{orderJson("o-3", "10.00", "FINISHED", 30),
                                orderJson("o-2", "9.00", "CANCELLED", 20),
                                orderJson("o-1", "200000000.00", "NEW", 10)};

/// The ids of the view's rows, top to bottom.
QStringList shownIds(const QTableView* view, int idRole) {
    QStringList ids;
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        ids << view->model()->index(row, 0).data(idRole).toString();
    }
    return ids;
}

/// Clicks the header of `column`, as a person sorting the table does.
void clickHeader(QTableView* view, int column) {
    QHeaderView* header = view->horizontalHeader();
    const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
}

/// Checks every cell of `column` shows its whole text: as the style decides to elide, the
/// text's natural width fits the cell less the style's text margins.
void verifyNotElided(const QTableView* view, int column) {
    const int margin = view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
    const QFontMetricsF metrics(view->font());
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex index = view->model()->index(row, column);
        const QString text = index.data().toString();
        const qreal needed = metrics.horizontalAdvance(text);
        const int room = view->visualRect(index).width() - 2 * margin;
        QVERIFY2(room >= needed, qPrintable(QStringLiteral("\"%1\" needs %2 px, the cell has %3")
                                                .arg(text)
                                                .arg(needed)
                                                .arg(room)));
    }
}

QAction* actionNamed(const QWidget* widget, const QString& name) {
    for (QAction* action : widget->actions()) {
        if (action->objectName() == name) {
            return action;
        }
    }
    return nullptr;
}

}  // namespace

class tst_Tables : public QObject {
    Q_OBJECT

  private slots:
    void init();
    void cleanup();
    void moneyIsGroupedAsTheLocaleGroups_data();
    void moneyIsGroupedAsTheLocaleGroups();
    void moneyTextIsExactAndKeepsWhatIsNotMoney();
    void balancesAreNeverElidedAt1024x680();
    void orderAmountsAreNeverElidedAndGroupedPerLocale();
    void ordersSortByEachKindOfColumn();
    void sortedOrdersPageInWhereTheSortPutsThem();
    void idsAndTimesShowInFullWhereThereIsRoom();
    void sortedOrdersStillFindTheCurrentOrderAndTakePushes();
    void accountsSortByBalanceAndCreation();
    void ctrlCCopiesTheSelectedRowsAsPlainText();
    void countsNameTheFilter();
    void orderContextMenuAndDoubleClick();
    void accountContextMenuTakesTheWindowsActions();
    void accountsAreNewestFirst();
    void headerMenuShowsAndHidesColumns();
    void rateCounterSmoothsBursts();
    void liveChartDrawsSmoothedRates();
};

void tst_Tables::init() {
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void tst_Tables::cleanup() {
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void tst_Tables::moneyIsGroupedAsTheLocaleGroups_data() {
    QTest::addColumn<QLocale>("locale");
    QTest::addColumn<QString>("amount");
    QTest::addColumn<QString>("shown");
    const QLocale us(QLocale::English, QLocale::UnitedStates);
    const QLocale de(QLocale::German, QLocale::Germany);
    QTest::newRow("us large") << us << "200000000.00"
                              << "200,000,000.00";
    QTest::newRow("us cents") << us << "0.02"
                              << "0.02";
    QTest::newRow("us whole") << us << "599.00"
                              << "599.00";
    QTest::newRow("us thousand") << us << "1234.50"
                                 << "1,234.50";
    QTest::newRow("us debit") << us << "-1234.50"
                              << "-1,234.50";
    QTest::newRow("us credit") << us << "+1000.00"
                               << "+1,000.00";
    QTest::newRow("de large") << de << "200000000.00"
                              << "200.000.000,00";
    QTest::newRow("de cents") << de << "0.02"
                              << "0,02";
    QTest::newRow("c locale") << QLocale::c() << "1234.50"
                              << "1,234.50";
}

void tst_Tables::moneyIsGroupedAsTheLocaleGroups() {
    QFETCH(QLocale, locale);
    QFETCH(QString, amount);
    QFETCH(QString, shown);
    QCOMPARE(moneyDisplayText(amount, locale), shown);
    QLocale::setDefault(locale);
    QCOMPARE(moneyDisplayText(amount), shown);
}

void tst_Tables::moneyTextIsExactAndKeepsWhatIsNotMoney() {
    // Beyond what a double holds exactly: every digit kept.
    QCOMPARE(moneyDisplayText(QStringLiteral("123456789012345.67")),
             QStringLiteral("123,456,789,012,345.67"));
    QCOMPARE(parseMoneyText(QStringLiteral("123456789012345.67")), 12345678901234567LL);
    QCOMPARE(moneyDisplayText(qint64{2}), QStringLiteral("0.02"));
    QCOMPARE(moneyDisplayText(qint64{-123450}), QStringLiteral("-1,234.50"));
    QCOMPARE(parseMoneyText(QStringLiteral("9.00")), 900LL);
    QCOMPARE(parseMoneyText(QStringLiteral("-30.50")), -3050LL);
    for (const char* bad : {"", "abc", "1.5", "1.505", ".50", "1e3.00", "1,234.50", "- 1.00"}) {
        QVERIFY2(!parseMoneyText(QString::fromLatin1(bad)), bad);
        QCOMPARE(moneyDisplayText(QString::fromLatin1(bad)), QString::fromLatin1(bad));
    }
}

void tst_Tables::balancesAreNeverElidedAt1024x680() {
    FakeNetwork network;
    network.setHandler(lists(kAccounts, {}));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    // The accounts panel gets about two fifths of a 1024x680 window.
    ui::AccountsPanel panel(&api, &notifications);
    panel.resize(400, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy loaded(&panel, &ui::AccountsPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    QCOMPARE(view->model()->rowCount(), 3);
    const QStringList shown{view->model()->index(0, AccountModel::BalanceColumn).data().toString(),
                            view->model()->index(1, AccountModel::BalanceColumn).data().toString(),
                            view->model()->index(2, AccountModel::BalanceColumn).data().toString()};
    QCOMPARE(shown, (QStringList{"200,000,000.00", "0.02", "599.00"}));
    QCOMPARE(view->model()->index(0, AccountModel::BalanceColumn).data(Qt::TextAlignmentRole),
             QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter));
    verifyNotElided(view, AccountModel::BalanceColumn);
    // Dragged narrower by hand, it stays wide enough.
    view->horizontalHeader()->resizeSection(AccountModel::BalanceColumn, 20);
    verifyNotElided(view, AccountModel::BalanceColumn);
    // A larger balance arriving later widens it.
    const QDateTime now = QDateTime(QDate(2025, 11, 22), QTime(11, 0), Qt::UTC);
    panel.upsert(Account{kThirdUser, QStringLiteral("1000000000000.00"), now, now}, false);
    verifyNotElided(view, AccountModel::BalanceColumn);
}

void tst_Tables::orderAmountsAreNeverElidedAndGroupedPerLocale() {
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    FakeNetwork network;
    network.setHandler(lists({}, kOrders));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.resize(600, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setSelectedAccount(kUser);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    QCOMPARE(view->model()->index(2, OrderModel::AmountColumn).data().toString(),
             QStringLiteral("200.000.000,00"));
    QCOMPARE(view->model()->index(1, OrderModel::AmountColumn).data().toString(),
             QStringLiteral("9,00"));
    verifyNotElided(view, OrderModel::AmountColumn);
    // The full id is the cell's text; narrow, the delegate shows its start instead of a cut.
    QCOMPARE(view->model()->index(0, OrderModel::AccountColumn).data().toString(), kUser);
    QCOMPARE(view->model()->index(0, OrderModel::AccountColumn).data(CompactTextRole).toString(),
             kUser.left(8) + QChar(0x2026));
}

void tst_Tables::ordersSortByEachKindOfColumn() {
    FakeNetwork network;
    network.setHandler(lists({}, kOrders));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.resize(900, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setSelectedAccount(kUser);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    const int id = OrderModel::OrderIdRole;
    // Unsorted: as the server lists them, newest first.
    QCOMPARE(shownIds(view, id), (QStringList{"o-3", "o-2", "o-1"}));

    // Money by value: 9.00 before 10.00 (as text, "10.00" < "9.00").
    clickHeader(view, OrderModel::AmountColumn);
    QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(OrderModel::AmountColumn));
    QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(shownIds(view, id), (QStringList{"o-2", "o-3", "o-1"}));
    clickHeader(view, OrderModel::AmountColumn);
    QCOMPARE(shownIds(view, id), (QStringList{"o-1", "o-3", "o-2"}));
    // A third click: the server's order again.
    clickHeader(view, OrderModel::AmountColumn);
    QCOMPARE(shownIds(view, id), (QStringList{"o-3", "o-2", "o-1"}));

    // Times by instant, oldest first.
    view->sortByColumn(OrderModel::CreatedColumn, Qt::AscendingOrder);
    QCOMPARE(shownIds(view, id), (QStringList{"o-1", "o-2", "o-3"}));
    // Statuses by their life cycle: NEW, FINISHED, (REFUNDED), CANCELLED.
    view->sortByColumn(OrderModel::StatusColumn, Qt::AscendingOrder);
    QCOMPARE(shownIds(view, id), (QStringList{"o-1", "o-3", "o-2"}));
    // Ids as text.
    view->sortByColumn(OrderModel::OrderIdColumn, Qt::DescendingOrder);
    QCOMPARE(shownIds(view, id), (QStringList{"o-3", "o-2", "o-1"}));
}

void tst_Tables::sortedOrdersPageInWhereTheSortPutsThem() {
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        if (QUrlQuery(sent.url).queryItemValue(QStringLiteral("cursor")) == u"c1") {
            return page({orderJson("o-1", "200000000.00", "NEW", 10),
                         orderJson("o-0", "0.50", "FINISHED", 5)});
        }
        return FakeResponse::json(
            200, R"({"data":{"items":[)" + orderJson("o-3", "10.00", "FINISHED", 30) + "," +
                     orderJson("o-2", "9.00", "CANCELLED", 20) + R"(],"next_cursor":"c1"}})");
    });
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setSelectedAccount(kUser);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    view->sortByColumn(OrderModel::AmountColumn, Qt::AscendingOrder);
    QCOMPARE(shownIds(view, OrderModel::OrderIdRole), (QStringList{"o-2", "o-3"}));
    view->selectRow(1);
    panel.loadMore();
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(shownIds(view, OrderModel::OrderIdRole), (QStringList{"o-0", "o-2", "o-3", "o-1"}));
    // The model still pages in the server's order, so "Load more" goes on from the right place.
    QCOMPARE(panel.model()->orderAt(3)->orderId, QStringLiteral("o-0"));
    QCOMPARE(panel.currentOrder()->orderId, QStringLiteral("o-3"));
    verifyNotElided(view, OrderModel::AmountColumn);
}

void tst_Tables::idsAndTimesShowInFullWhereThereIsRoom() {
    FakeNetwork network;
    network.setHandler(lists({}, kOrders));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setSelectedAccount(kUser);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    const QModelIndex account = view->model()->index(0, OrderModel::AccountColumn);
    QCOMPARE(ui::CompactTextDelegate::shownText(view, account, 400), kUser);
    QCOMPARE(ui::CompactTextDelegate::shownText(view, account, 90), kUser.left(8) + QChar(0x2026));
    const QModelIndex created = view->model()->index(0, OrderModel::CreatedColumn);
    const QDateTime time = QDateTime(QDate(2025, 11, 22), QTime(10, 30), Qt::UTC).toLocalTime();
    QCOMPARE(ui::CompactTextDelegate::shownText(view, created, 400),
             time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(ui::CompactTextDelegate::shownText(view, created, 60),
             time.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    // Copied, the time is the instant, whatever is shown.
    QCOMPARE(created.data(CopyRole).toString(), QStringLiteral("2025-11-22T10:30:00.000Z"));
}

void tst_Tables::sortedOrdersStillFindTheCurrentOrderAndTakePushes() {
    FakeNetwork network;
    network.setHandler(lists({}, kOrders));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setSelectedAccount(kUser);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    view->sortByColumn(OrderModel::AmountColumn, Qt::AscendingOrder);
    // The top row shown is o-2 (9.00), the model's second row.
    view->selectRow(0);
    QCOMPARE(panel.currentOrder()->orderId, QStringLiteral("o-2"));
    view->selectRow(2);
    QCOMPARE(panel.currentOrder()->orderId, QStringLiteral("o-1"));

    // A push to the current order, shown through the sort.
    QSignalSpy changed(&panel, &ui::OrdersPanel::currentOrderChanged);
    OrderEvent paid;
    paid.orderId = QStringLiteral("o-1");
    paid.userId = kUser;
    paid.status = QStringLiteral("FINISHED");
    paid.version = 2;
    panel.applyEvent(paid);
    QVERIFY(changed.count() >= 1);
    QCOMPARE(panel.currentOrder()->status, QStringLiteral("FINISHED"));
    // An order placed here lands where the sort puts it, not at the top.
    Order placed;
    placed.orderId = QStringLiteral("o-4");
    placed.userId = kUser;
    placed.amount = QStringLiteral("9.50");
    placed.description = QStringLiteral("a pen");
    placed.status = QStringLiteral("NEW");
    placed.refundedAmount = QStringLiteral("0.00");
    placed.version = 1;
    placed.createdAt = QDateTime(QDate(2025, 11, 22), QTime(10, 40), Qt::UTC);
    placed.updatedAt = placed.createdAt;
    panel.addCreated(placed);
    QCOMPARE(shownIds(view, OrderModel::OrderIdRole), (QStringList{"o-2", "o-4", "o-3", "o-1"}));
    QCOMPARE(panel.currentOrder()->orderId, QStringLiteral("o-1"));
}

void tst_Tables::accountsSortByBalanceAndCreation() {
    FakeNetwork network;
    network.setHandler(lists(kAccounts, {}));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::AccountsPanel panel(&api, &notifications);
    QSignalSpy loaded(&panel, &ui::AccountsPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    const int id = AccountModel::UserIdRole;
    QCOMPARE(shownIds(view, id), (QStringList{kUser, kOtherUser, kThirdUser}));
    view->sortByColumn(AccountModel::BalanceColumn, Qt::AscendingOrder);
    QCOMPARE(shownIds(view, id), (QStringList{kOtherUser, kThirdUser, kUser}));
    view->sortByColumn(AccountModel::CreatedColumn, Qt::AscendingOrder);
    QCOMPARE(shownIds(view, id), (QStringList{kThirdUser, kOtherUser, kUser}));
    // Selecting through the sort selects the account shown.
    view->selectRow(0);
    QCOMPARE(panel.currentAccount()->userId, kThirdUser);

    QCOMPARE(panel.summaryLabel()->text(), QStringLiteral("3 account(s)"));
}

void tst_Tables::ctrlCCopiesTheSelectedRowsAsPlainText() {
    FakeNetwork network;
    network.setHandler(lists({}, kOrders));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.resize(900, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setSelectedAccount(kUser);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    view->sortByColumn(OrderModel::AmountColumn, Qt::DescendingOrder);  // o-1, o-3, o-2
    view->selectionModel()->select(view->model()->index(0, 0),
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view->selectionModel()->select(view->model()->index(2, 0),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QGuiApplication::clipboard()->clear();
    QApplication::setActiveWindow(&panel);
    view->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QTRY_VERIFY(view->hasFocus());
    QTest::keySequence(view, QKeySequence(QKeySequence::Copy));
    const QString header = QStringLiteral(
        "Status\tAmount\tRefunded\tDescription\tFailure reason\tAccount\tCreated\tUpdated\tOrder");
    const QString o1 = QStringLiteral(
                           "NEW\t200000000.00\t0.00\ta book\t\t%1\t2025-11-22T10:10:00.000Z\t"
                           "2025-11-22T10:10:00.000Z\to-1")
                           .arg(kUser);
    const QString o2 = QStringLiteral(
                           "CANCELLED\t9.00\t0.00\ta book\t\t%1\t2025-11-22T10:20:00.000Z\t"
                           "2025-11-22T10:20:00.000Z\to-2")
                           .arg(kUser);
    QCOMPARE(QGuiApplication::clipboard()->text(), header + u'\n' + o1 + u'\n' + o2 + u'\n');
    QCOMPARE(ui::TableTools::selectedRowsText(view), QGuiApplication::clipboard()->text());
}

void tst_Tables::countsNameTheFilter() {
    FakeNetwork network;
    network.setHandler(lists({}, {orderJson("o-3", "10.00", "FINISHED", 30)}));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setSelectedAccount(kUser);
    panel.setStatusFilter(QStringLiteral("FINISHED"));
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(panel.summaryLabel()->text(),
             QStringLiteral("1 order(s) of account 3f2b6c1e\u2026 \u00b7 status FINISHED"));
    panel.setScope(ui::OrdersPanel::Scope::Everyone);
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(panel.summaryLabel()->text(),
             QStringLiteral("1 order(s) of everyone \u00b7 status FINISHED"));
}

void tst_Tables::orderContextMenuAndDoubleClick() {
    FakeNetwork network;
    network.setHandler(lists({}, kOrders));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.resize(900, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setSelectedAccount(kUser);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTableView* view = panel.view();
    // The window's entries go between "Open details" and the copy entries.
    QAction refund(QStringLiteral("Refund…"));
    refund.setObjectName(QStringLiteral("refundAction"));
    QAction refunds(QStringLiteral("Refunds…"));
    refunds.setObjectName(QStringLiteral("refundsAction"));
    panel.addContextActions({&refund, &refunds});
    QCOMPARE(view->contextMenuPolicy(), Qt::ActionsContextMenu);
    QStringList names;
    for (QAction* action : view->actions()) {
        names << (action->isSeparator() ? QStringLiteral("-") : action->objectName());
    }
    QCOMPARE(names, (QStringList{"openOrderAction", "refundAction", "refundsAction", "-",
                                 "copyIdAction", "copyRowsAction"}));

    QAction* open = actionNamed(view, QStringLiteral("openOrderAction"));
    QVERIFY(open);
    QVERIFY(!open->isEnabled());                                       // nothing selected yet
    view->sortByColumn(OrderModel::AmountColumn, Qt::AscendingOrder);  // o-2, o-3, o-1
    view->selectRow(1);
    QVERIFY(open->isEnabled());
    QSignalSpy activated(&panel, &ui::OrdersPanel::orderActivated);
    open->trigger();
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toString(), QStringLiteral("o-3"));

    QAction* copyId = actionNamed(view, QStringLiteral("copyIdAction"));
    QVERIFY(copyId);
    copyId->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("o-3"));

    // Enter on a row opens it too.
    QApplication::setActiveWindow(&panel);
    view->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QTRY_VERIFY(view->hasFocus());
    view->selectRow(0);
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toString(), QStringLiteral("o-2"));

    const QRect cell = view->visualRect(view->model()->index(2, OrderModel::DescriptionColumn));
    // A double click is a press on the cell first (QAbstractItemView matches the two).
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toString(), QStringLiteral("o-1"));
}

void tst_Tables::accountContextMenuTakesTheWindowsActions() {
    FakeNetwork network;
    network.setHandler(lists(kAccounts, {}));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::AccountsPanel panel(&api, &notifications);
    QSignalSpy loaded(&panel, &ui::AccountsPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QAction topUp(QStringLiteral("Top up…"));
    topUp.setObjectName(QStringLiteral("topUpAction"));
    QSignalSpy toppedUp(&topUp, &QAction::triggered);
    panel.addContextActions({&topUp});
    QTableView* view = panel.view();
    QCOMPARE(view->contextMenuPolicy(), Qt::ActionsContextMenu);
    QCOMPARE(view->actions().first(), &topUp);
    view->actions().first()->trigger();
    QCOMPARE(toppedUp.count(), 1);
    view->sortByColumn(AccountModel::BalanceColumn, Qt::AscendingOrder);
    view->selectRow(2);
    QAction* copyId = actionNamed(view, QStringLiteral("copyIdAction"));
    QVERIFY(copyId);
    copyId->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), kUser);
}

void tst_Tables::accountsAreNewestFirst() {
    const auto at = [](int minute) {
        return QDateTime(QDate(2025, 11, 22), QTime(10, minute), Qt::UTC);
    };
    const auto account = [](const char* id, const QDateTime& created) {
        return Account{QString::fromLatin1(id), QStringLiteral("1.00"), created, created};
    };
    AccountModel model;
    QAbstractItemModelTester tester(&model);
    // The first page is the newest; a further page brings older ones below.
    model.reset({account("c", at(30)), account("b", at(20))});
    model.append({account("a", at(10))});
    // One made here is the newest: at the top. One found elsewhere goes where it belongs.
    QVERIFY(model.upsert(account("d", at(40))));
    QVERIFY(model.upsert(account("a2", at(15))));
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        ids << model.accountAt(row)->userId;
    }
    QCOMPARE(ids, (QStringList{"d", "c", "b", "a2", "a"}));

    // After F5 the first page (newest first) still holds the account just made, selected.
    FakeNetwork network;
    network.setHandler(lists({accountJson(kOtherUser, "5.00", 50), kAccounts.at(0)}, {}));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::AccountsPanel panel(&api, &notifications);
    QSignalSpy loaded(&panel, &ui::AccountsPanel::loaded);
    const QDateTime made = QDateTime(QDate(2025, 11, 22), QTime(10, 50), Qt::UTC);
    panel.upsert(Account{kOtherUser, QStringLiteral("5.00"), made, made}, true);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(panel.view()->model()->index(0, 0).data(AccountModel::UserIdRole).toString(),
             kOtherUser);
    QCOMPARE(panel.currentAccount()->userId, kOtherUser);
}

void tst_Tables::headerMenuShowsAndHidesColumns() {
    FakeNetwork network;
    network.setHandler(lists(kAccounts, {}));
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::AccountsPanel panel(&api, &notifications);
    QTableView* view = panel.view();
    QHeaderView* header = view->horizontalHeader();
    QCOMPARE(header->contextMenuPolicy(), Qt::ActionsContextMenu);
    const QList<QAction*> columns = panel.tableTools()->columnActions();
    QCOMPARE(columns.size(), int(AccountModel::ColumnCount));
    QCOMPARE(header->actions(), columns);
    QCOMPARE(columns.at(AccountModel::CreatedColumn)->text(), QStringLiteral("Created"));
    // Created is hidden at first; its entry shows it.
    QVERIFY(view->isColumnHidden(AccountModel::CreatedColumn));
    QVERIFY(!columns.at(AccountModel::CreatedColumn)->isChecked());
    columns.at(AccountModel::CreatedColumn)->trigger();
    QVERIFY(!view->isColumnHidden(AccountModel::CreatedColumn));
    QVERIFY(columns.at(AccountModel::CreatedColumn)->isChecked());
    // The id column can go, and come back.
    columns.at(AccountModel::UserIdColumn)->trigger();
    QVERIFY(view->isColumnHidden(AccountModel::UserIdColumn));
    QVERIFY(!columns.at(AccountModel::UserIdColumn)->isChecked());
    // Hidden by other means (a restored layout), the entry follows.
    view->setColumnHidden(AccountModel::UserIdColumn, false);
    QVERIFY(columns.at(AccountModel::UserIdColumn)->isChecked());
    // The last column shown cannot be hidden.
    for (const int column :
         {AccountModel::UserIdColumn, AccountModel::BalanceColumn, AccountModel::CreatedColumn}) {
        columns.at(column)->trigger();
    }
    QVERIFY(!view->isColumnHidden(AccountModel::UpdatedColumn));
    QVERIFY(!columns.at(AccountModel::UpdatedColumn)->isEnabled());
}

void tst_Tables::rateCounterSmoothsBursts() {
    RateCounter counter(10, 5);
    for (int i = 0; i < 10; ++i) {
        counter.record(QStringLiteral("FINISHED"), 100);
    }
    counter.record(QStringLiteral("CANCELLED"), 102);
    counter.record(QStringLiteral("NEW"), 102);
    const QList<RateCounter::Rate> rates = counter.rates(105);
    QCOMPARE(rates.size(), 10);
    QCOMPARE(rates.first().second, 96);
    QCOMPARE(rates.last().second, 105);
    QList<double> finished;
    QList<double> cancelled;
    for (const RateCounter::Rate& rate : rates) {
        finished << rate.finished;
        cancelled << rate.cancelled;
    }
    // Ten in one second read as two a second over the five seconds from it, not a spike of ten.
    QCOMPARE(finished, (QList<double>{0, 0, 0, 0, 2, 2, 2, 2, 2, 0}));
    QCOMPARE(cancelled, (QList<double>{0, 0, 0, 0, 0, 0, 0.2, 0.2, 0.2, 0.2}));

    // A steady 6 a second delivered in bursts of 12 every other second reads about 6.
    RateCounter steady(20, 5);
    for (qint64 second = 0; second < 40; second += 2) {
        for (int i = 0; i < 12; ++i) {
            steady.record(QStringLiteral("FINISHED"), second);
        }
    }
    for (const RateCounter::Rate& rate : steady.rates(38)) {
        QVERIFY2(rate.finished >= 4.8 && rate.finished <= 7.2,
                 qPrintable(QString::number(rate.finished)));
    }
    // Raw buckets are still there for totals.
    const QList<RateCounter::Bucket> buckets = steady.window(38);
    QCOMPARE(buckets.size(), 20);
    QCOMPARE(buckets.last().finished, 12);
}

void tst_Tables::liveChartDrawsSmoothedRates() {
    ui::LiveChart chart;
    for (int i = 0; i < 10; ++i) {
        chart.record(QStringLiteral("FINISHED"));
    }
    chart.redraw();
    QCOMPARE(chart.totals(), qMakePair(10, 0));
    const QList<QPointF> points = chart.finishedPoints();
    QCOMPARE(points.size(), 60);
    // The second may have turned between record() and redraw(): the ten are in one of the
    // last two points' spans; either way no point reads 10, and the newest reads 2.
    double peak = 0;
    for (const QPointF& point : points) {
        peak = std::max(peak, point.y());
    }
    QCOMPARE(peak, 2.0);
    QCOMPARE(points.last().x(), 0.0);
    QCOMPARE(points.last().y(), 2.0);
}

QTEST_MAIN(tst_Tables)
#include "tst_tables.moc"
