// The accounts and orders panels and the notification bar on their own, each over a fake
// network layer of its own: problems keyed by id, an orders panel filtered by status letting go
// of a row a push moved out, its "Load more" going on from the right page after rows were
// dropped to stay within the cap, and the accounts and orders panels keeping what changed while
// a page was held back loading (of many pushes for one order, the newest), and an "Everyone"
// panel showing pushed orders from their frames, reading one over REST only when its frame
// lacks the order's description or creation time; and the live chart not counting a refund's
// push as another payment.
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QUrlQuery>
#include <QtTest>

#include "core/account_model.hpp"
#include "core/api_client.hpp"
#include "core/order_model.hpp"
#include "core/timeline_model.hpp"
#include "support/fake_network.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/live_chart.hpp"
#include "ui/live_panel.hpp"
#include "ui/notification_bar.hpp"
#include "ui/orders_panel.hpp"

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

/// Holds back GET /orders' answer (a page of `orders`) until the test releases it; refuses every
/// other request (the order fetches) with 404.
FakeNetwork::Handler heldPageElseNotFound(QList<QByteArray> orders) {
    return [orders = std::move(orders)](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/orders")) {
            return FakeResponse::heldBack(orderPage(orders));
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r6"}})");
    };
}

QByteArray accountJson(const QByteArray& balance) {
    return R"({"user_id":")" + kUser.toUtf8() + R"(","balance":")" + balance +
           R"(","created_at":"2025-11-22T10:00:00Z","updated_at":"2025-11-22T10:00:00Z"})";
}

}  // namespace

class tst_Panels : public QObject {
    Q_OBJECT

  private slots:
    void notificationBarKeysProblemsById();
    void statusFilterLetsGoOfARowAPushMovesOut();
    void ordersLoadMoreGoesOnWhereRowsWereDropped();
    void accountsPanelKeepsAnAccountMadeWhileItsPageLoads();
    void ordersPanelKeepsOrdersMadeWhileItsPageLoads();
    void ordersPanelReappliesPushesThatCameWhileItsPageLoaded();
    void ordersPanelKeepsTheNewestOfManyPushesWhileItsPageLoads();
    void everyoneShowsPushedOrdersFromTheirFrames();
    void liveChartCountsPaymentsNotRefunds();
};

void tst_Panels::notificationBarKeysProblemsById() {
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

void tst_Panels::statusFilterLetsGoOfARowAPushMovesOut() {
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

void tst_Panels::ordersLoadMoreGoesOnWhereRowsWereDropped() {
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

void tst_Panels::accountsPanelKeepsAnAccountMadeWhileItsPageLoads() {
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

void tst_Panels::ordersPanelKeepsOrdersMadeWhileItsPageLoads() {
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

void tst_Panels::ordersPanelReappliesPushesThatCameWhileItsPageLoaded() {
    // Filtered to NEW. The first page, read while o-1 was still NEW, arrives after the push that
    // made it FINISHED: o-1 is not shown (before, it came back as NEW and stayed so, since
    // FINISHED is final and nothing would push it again).
    FakeNetwork network;
    network.setHandler(
        heldPageElseNotFound({orderJson("o-2", "NEW", 1, 2), orderJson("o-1", "NEW", 1, 1)}));
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

void tst_Panels::ordersPanelKeepsTheNewestOfManyPushesWhileItsPageLoads() {
    // The first page (o-1, o-2, both NEW at version 1) is read before hundreds of pushes for
    // them, which arrive out of order, the newest in the middle, older ones and a second
    // version of the newest after it. The rows are not shown yet (the order fetches are
    // refused), so only the pushes replayed over the page bring them up to date: each ends as
    // its newest push left it, whatever the order the panel replays them in.
    FakeNetwork network;
    network.setHandler(
        heldPageElseNotFound({orderJson("o-2", "NEW", 1, 2), orderJson("o-1", "NEW", 1, 1)}));
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
    network.setHandler(
        heldPageElseNotFound({orderJson("o-4", "NEW", 1, 4), orderJson("o-3", "NEW", 1, 3)}));
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

void tst_Panels::everyoneShowsPushedOrdersFromTheirFrames() {
    FakeNetwork network;
    network.setHandler([](const SentRequest& sent) {
        if (sent.url.path() == QLatin1StringView("/orders")) {
            return orderPage({});
        }
        if (sent.url.path() == QLatin1StringView("/orders/o-9")) {
            return FakeResponse::json(200, "{\"data\":" + orderJson("o-9", "NEW", 1, 9) + "}");
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r7"}})");
    });
    auto orderReads = [&network] {
        return std::count_if(network.sent().begin(), network.sent().end(),
                             [](const SentRequest& sent) {
                                 return sent.url.path().startsWith(QLatin1StringView("/orders/"));
                             });
    };
    ApiClient api(&network);
    ui::NotificationBar notifications;
    ui::OrdersPanel panel(&api, &notifications);
    panel.setScope(ui::OrdersPanel::Scope::Everyone);
    panel.setActive(true);
    QSignalSpy loaded(&panel, &ui::OrdersPanel::loaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(panel.statusFilter()->findData(QStringLiteral("REFUNDED")) >= 0);

    // Frames as the contract sends them carry the whole order: shown at once, nothing read.
    for (int i = 1; i <= 3; ++i) {
        OrderEvent frame;
        frame.orderId = QStringLiteral("o-%1").arg(i);
        frame.userId = QStringLiteral("u-%1").arg(i);
        frame.status = QStringLiteral("NEW");
        frame.version = 1;
        frame.amount = QStringLiteral("%1.00").arg(i);
        frame.refundedAmount = QStringLiteral("0.00");
        frame.description = QStringLiteral("order %1").arg(i);
        frame.createdAt = QDateTime(QDate(2025, 11, 22), QTime(10, i), Qt::UTC);
        frame.updatedAt = frame.createdAt;
        panel.applyEvent(frame);
    }
    QCOMPARE(panel.model()->rowCount(), 3);
    const auto newest = panel.model()->orderAt(0);
    QCOMPARE(newest->orderId, QStringLiteral("o-3"));  // newest first
    QCOMPARE(newest->description, QStringLiteral("order 3"));
    QCOMPARE(newest->amount, QStringLiteral("3.00"));
    QCOMPARE(newest->userId, QStringLiteral("u-3"));
    // A later frame of a shown order updates it in place, refunded amount and all.
    OrderEvent refunded;
    refunded.orderId = QStringLiteral("o-2");
    refunded.userId = QStringLiteral("u-2");
    refunded.status = QStringLiteral("REFUNDED");
    refunded.version = 4;
    refunded.amount = QStringLiteral("2.00");
    refunded.refundedAmount = QStringLiteral("2.00");
    panel.applyEvent(refunded);
    QCOMPARE(panel.model()->orderAt(1)->status, QStringLiteral("REFUNDED"));
    QCOMPARE(panel.model()->orderAt(1)->refundedAmount, QStringLiteral("2.00"));
    // (A request is recorded as it is sent, within applyEvent.)
    QCOMPARE(orderReads(), 0);

    // A frame without description and creation time (an older gateway): read the order once.
    OrderEvent bare;
    bare.orderId = QStringLiteral("o-9");
    bare.userId = QStringLiteral("u-1");
    bare.status = QStringLiteral("NEW");
    bare.version = 1;
    bare.amount = QStringLiteral("9.99");
    panel.applyEvent(bare);
    panel.applyEvent(bare);
    QTRY_COMPARE(panel.model()->rowCount(), 4);
    QCOMPARE(orderReads(), 1);
    QCOMPARE(panel.model()->orderAt(panel.model()->rowOf(QStringLiteral("o-9")))->description,
             QStringLiteral("a book"));
}

void tst_Panels::liveChartCountsPaymentsNotRefunds() {
    ui::LivePanel panel;
    QSignalSpy redrawn(panel.chart(), &ui::LiveChart::totalsChanged);
    OrderEvent paid;
    paid.orderId = QStringLiteral("o-1");
    paid.userId = QStringLiteral("u-1");
    paid.status = QStringLiteral("FINISHED");
    paid.version = 2;
    paid.amount = QStringLiteral("9.99");
    paid.refundedAmount = QStringLiteral("0.00");
    panel.addEvent(paid);
    // A part refund completes: FINISHED again, with a refunded amount; then the rest.
    OrderEvent partRefund = paid;
    partRefund.version = 3;
    partRefund.refundedAmount = QStringLiteral("4.00");
    panel.addEvent(partRefund);
    OrderEvent refunded = paid;
    refunded.status = QStringLiteral("REFUNDED");
    refunded.version = 4;
    refunded.refundedAmount = QStringLiteral("9.99");
    panel.addEvent(refunded);
    QCOMPARE(panel.timeline()->rowCount(), 3);
    QVERIFY(redrawn.wait(5000));  // the chart redraws every second
    QCOMPARE(panel.chart()->totals(), qMakePair(1, 0));
}

QTEST_MAIN(tst_Panels)
#include "tst_panels.moc"
