// The client's models under QAbstractItemModelTester, their update in place from pushes, the
// order model's cap and paging cursor, an order's refunds, an account's ledger with its running
// balance and CSV, and the per-second counter behind the live chart.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "core/account_model.hpp"
#include "core/api_key_model.hpp"
#include "core/ledger_model.hpp"
#include "core/order_model.hpp"
#include "core/rate_counter.hpp"
#include "core/refund_model.hpp"
#include "core/table_roles.hpp"
#include "core/timeline_model.hpp"

using namespace shop::client;

namespace {

QDateTime at(int minute) {
    return QDateTime(QDate(2025, 11, 22), QTime(10, minute), Qt::UTC);
}

Order order(const QString& id, int createdMinute, const QString& status = QStringLiteral("NEW"),
            qint64 version = 1) {
    Order o;
    o.orderId = id;
    o.userId = QStringLiteral("u-1");
    o.amount = QStringLiteral("10.00");
    o.description = QStringLiteral("order ") + id;
    o.status = status;
    o.version = version;
    o.createdAt = at(createdMinute);
    o.updatedAt = at(createdMinute);
    return o;
}

OrderEvent pushed(const QString& id, const QString& status, qint64 version,
                  const QString& reason = {}) {
    OrderEvent e;
    e.orderId = id;
    e.userId = QStringLiteral("u-1");
    e.status = status;
    e.failureReason = reason;
    e.version = version;
    e.amount = QStringLiteral("10.00");
    e.updatedAt = at(59);
    return e;
}

Account account(const QString& id, const QString& balance, int updatedMinute) {
    return Account{id, balance, at(0), at(updatedMinute)};
}

QString statusAt(const OrderModel& model, int row) {
    return model.data(model.index(row, OrderModel::StatusColumn)).toString();
}

}  // namespace

class tst_Models : public QObject {
    Q_OBJECT

  private slots:
    void orderModelPagesNewestFirst();
    void orderModelUpdatesInPlaceFromPushes();
    void orderModelIgnoresStaleFrames_data();
    void orderModelIgnoresStaleFrames();
    void orderModelRefreshKeepsNewerPushedVersions();
    void orderModelUpsertKeepsNewestFirst();
    void orderModelDisplay();
    void orderModelFollowsRefundsFromPushes();
    void refundModelListsAndSums();
    void ledgerModelWalksTheBalanceBack();
    void ledgerModelCsv();
    void orderModelCapsPagesAndPushesAlike();
    void orderModelPagesOnFromWhereRowsWereDropped();
    void orderModelIgnoresAPageThatNoLongerFollows();
    void orderModelDefaultCap();
    void accountModelPagesAndUpserts();
    void apiKeyModelListsAndRevokesInPlace();
    void timelineKeepsNewestWithinCapacity();
    void rateCounterWindow();
};

void tst_Models::orderModelPagesNewestFirst() {
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({order(QStringLiteral("c"), 3), order(QStringLiteral("b"), 2)},
                QStringLiteral("p2"));
    QVERIFY(model.hasMore());
    QCOMPARE(model.moreCursor(), QStringLiteral("p2"));
    QVERIFY(model.append(QStringLiteral("p2"),
                         {order(QStringLiteral("b"), 2, QStringLiteral("FINISHED"), 2),
                          order(QStringLiteral("a"), 1)},
                         QString()));
    QVERIFY(!model.hasMore());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOf(QStringLiteral("c")), 0);
    QCOMPARE(model.rowOf(QStringLiteral("b")), 1);
    QCOMPARE(model.rowOf(QStringLiteral("a")), 2);
    QCOMPARE(statusAt(model, 1), QStringLiteral("FINISHED"));  // merged by version, not repeated
    model.reset({});
    QCOMPARE(model.rowCount(), 0);
}

void tst_Models::orderModelUpdatesInPlaceFromPushes() {
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({order(QStringLiteral("b"), 2), order(QStringLiteral("a"), 1)});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    QCOMPARE(model.applyEvent(pushed(QStringLiteral("a"), QStringLiteral("CANCELLED"), 2,
                                     QStringLiteral("INSUFFICIENT_FUNDS"))),
             OrderModel::EventOutcome::Updated);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(QStringLiteral("a")), 1);  // same row: updated in place
    QCOMPARE(statusAt(model, 1), QStringLiteral("CANCELLED"));
    QCOMPARE(model.data(model.index(1, OrderModel::ReasonColumn)).toString(),
             QStringLiteral("Insufficient funds"));
    QCOMPARE(model.data(model.index(1, 0), OrderModel::VersionRole).toLongLong(), 2);
    QCOMPARE(model.orderAt(1)->updatedAt, at(59));
    QCOMPARE(model.orderAt(1)->description, QStringLiteral("order a"));  // kept from REST
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.first().at(1).toModelIndex().column(), OrderModel::ColumnCount - 1);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(reset.count(), 0);

    QCOMPARE(model.applyEvent(pushed(QStringLiteral("zz"), QStringLiteral("NEW"), 1)),
             OrderModel::EventOutcome::Unknown);
    QCOMPARE(model.rowCount(), 2);
}

void tst_Models::orderModelIgnoresStaleFrames_data() {
    QTest::addColumn<qint64>("heldVersion");
    QTest::addColumn<qint64>("frameVersion");
    QTest::addColumn<bool>("applied");
    QTest::newRow("newer") << qint64(1) << qint64(2) << true;
    QTest::newRow("same") << qint64(2) << qint64(2) << false;
    QTest::newRow("older") << qint64(2) << qint64(1) << false;
    QTest::newRow("much newer") << qint64(1) << qint64(7) << true;
}

void tst_Models::orderModelIgnoresStaleFrames() {
    QFETCH(qint64, heldVersion);
    QFETCH(qint64, frameVersion);
    QFETCH(bool, applied);
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({order(QStringLiteral("a"), 1, QStringLiteral("FINISHED"), heldVersion)});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const auto outcome =
        model.applyEvent(pushed(QStringLiteral("a"), QStringLiteral("NEW"), frameVersion));
    QCOMPARE(outcome,
             applied ? OrderModel::EventOutcome::Updated : OrderModel::EventOutcome::Stale);
    QCOMPARE(statusAt(model, 0), applied ? QStringLiteral("NEW") : QStringLiteral("FINISHED"));
    QCOMPARE(changed.count(), applied ? 1 : 0);
    // A REST answer with an old version does not undo a push either.
    QVERIFY(!model.upsert(order(QStringLiteral("a"), 1, QStringLiteral("NEW"), 1)));
}

void tst_Models::orderModelRefreshKeepsNewerPushedVersions() {
    // A refresh that the server answered before a push arrived must not undo the push: FINISHED
    // is final, so nothing would ever correct the row again.
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({order(QStringLiteral("b"), 2), order(QStringLiteral("a"), 1)});
    QCOMPARE(model.applyEvent(pushed(QStringLiteral("a"), QStringLiteral("FINISHED"), 2)),
             OrderModel::EventOutcome::Updated);
    model.reset({order(QStringLiteral("c"), 3), order(QStringLiteral("b"), 2),
                 order(QStringLiteral("a"), 1)});  // the page read before the push: a is v1
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOf(QStringLiteral("a")), 2);
    QCOMPARE(statusAt(model, 2), QStringLiteral("FINISHED"));
    QCOMPARE(model.data(model.index(2, 0), OrderModel::VersionRole).toLongLong(), 2);
    // A newer page wins over what is held, and rows the page no longer has are gone.
    model.reset({order(QStringLiteral("a"), 1, QStringLiteral("CANCELLED"), 3)});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(statusAt(model, 0), QStringLiteral("CANCELLED"));
}

void tst_Models::orderModelUpsertKeepsNewestFirst() {
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({order(QStringLiteral("c"), 30), order(QStringLiteral("a"), 10)});
    QVERIFY(model.upsert(order(QStringLiteral("d"), 40)));
    QVERIFY(model.upsert(order(QStringLiteral("b"), 20)));
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        ids << model.data(model.index(row, 0), OrderModel::OrderIdRole).toString();
    }
    QCOMPARE(ids, (QStringList{"d", "c", "b", "a"}));
    QVERIFY(model.upsert(order(QStringLiteral("b"), 20, QStringLiteral("FINISHED"), 2)));
    QCOMPARE(model.rowOf(QStringLiteral("b")), 2);
    QCOMPARE(statusAt(model, 2), QStringLiteral("FINISHED"));
}

void tst_Models::orderModelDisplay() {
    OrderModel model;
    model.reset({order(QStringLiteral("0123456789abcdef"), 1)});
    QCOMPARE(model.columnCount(), static_cast<int>(OrderModel::ColumnCount));
    QCOMPARE(model.headerData(OrderModel::StatusColumn, Qt::Horizontal).toString(),
             QStringLiteral("Status"));
    QCOMPARE(model.data(model.index(0, OrderModel::AmountColumn)).toString(),
             QStringLiteral("10.00"));
    // The whole id, and its start for a column too narrow for it.
    QCOMPARE(model.data(model.index(0, OrderModel::OrderIdColumn)).toString(),
             QStringLiteral("0123456789abcdef"));
    QCOMPARE(model.data(model.index(0, OrderModel::OrderIdColumn), CompactTextRole).toString(),
             QStringLiteral("01234567\u2026"));
    QCOMPARE(model.data(model.index(0, OrderModel::OrderIdColumn), CopyRole).toString(),
             QStringLiteral("0123456789abcdef"));
    QCOMPARE(model.data(model.index(0, OrderModel::OrderIdColumn), Qt::ToolTipRole).toString(),
             QStringLiteral("0123456789abcdef"));
    QCOMPARE(model.data(model.index(0, OrderModel::ReasonColumn)).toString(), QString());
    QVERIFY(!model.data(model.index(0, OrderModel::CreatedColumn)).toString().isEmpty());
    QCOMPARE(describeFailureReason(QStringLiteral("ACCOUNT_NOT_FOUND")),
             QStringLiteral("Account not found"));
}

void tst_Models::orderModelFollowsRefundsFromPushes() {
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({order(QStringLiteral("a"), 1, QStringLiteral("FINISHED"), 2)});
    QCOMPARE(model.data(model.index(0, OrderModel::RefundedColumn)).toString(), QString());
    QCOMPARE(model.data(model.index(0, 0), OrderModel::RefundedAmountRole).toString(),
             QStringLiteral("0.00"));

    // A partial refund completes: still FINISHED, a newer version and the refunded amount.
    OrderEvent partial = pushed(QStringLiteral("a"), QStringLiteral("FINISHED"), 3);
    partial.refundedAmount = QStringLiteral("4.00");
    QCOMPARE(model.applyEvent(partial), OrderModel::EventOutcome::Updated);
    QCOMPARE(model.data(model.index(0, OrderModel::RefundedColumn)).toString(),
             QStringLiteral("4.00"));
    QCOMPARE(model.data(model.index(0, OrderModel::RefundedColumn), Qt::ToolTipRole).toString(),
             QStringLiteral("4.00 of 10.00 refunded"));
    QCOMPARE(model.headerData(OrderModel::RefundedColumn, Qt::Horizontal).toString(),
             QStringLiteral("Refunded"));

    // The rest: REFUNDED. A frame without refunded_amount still means all of it.
    QCOMPARE(model.applyEvent(pushed(QStringLiteral("a"), QStringLiteral("REFUNDED"), 4)),
             OrderModel::EventOutcome::Updated);
    QCOMPARE(statusAt(model, 0), QStringLiteral("REFUNDED"));
    QCOMPARE(model.orderAt(0)->refundedAmount, QStringLiteral("10.00"));
    // An older frame changes nothing.
    QCOMPARE(model.applyEvent(partial), OrderModel::EventOutcome::Stale);
    QCOMPARE(statusAt(model, 0), QStringLiteral("REFUNDED"));
}

namespace {

Refund refund(const QString& id, const QString& amount, const QString& status) {
    Refund r;
    r.refundId = id;
    r.orderId = QStringLiteral("o-1");
    r.userId = QStringLiteral("u-1");
    r.amount = amount;
    r.status = status;
    r.createdAt = at(1);
    r.updatedAt = at(2);
    return r;
}

LedgerEntry entry(const QString& id, const QString& kind, const QString& amount, int minute) {
    LedgerEntry e;
    e.entryId = id;
    e.kind = kind;
    e.amount = amount;
    e.createdAt = at(minute);
    if (kind == QLatin1StringView("DEBIT") || kind == QLatin1StringView("REFUND")) {
        e.orderId = QStringLiteral("o-1");
    }
    if (kind == QLatin1StringView("REFUND")) {
        e.refundId = QStringLiteral("r-") + id;
    }
    return e;
}

QStringList balancesOf(const LedgerModel& model) {
    QStringList balances;
    for (int row = 0; row < model.rowCount(); ++row) {
        balances << model.data(model.index(row, LedgerModel::BalanceColumn)).toString();
    }
    return balances;
}

}  // namespace

void tst_Models::refundModelListsAndSums() {
    RefundModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.refundableOf(QStringLiteral("30.00")), QStringLiteral("30.00"));
    model.reset({refund(QStringLiteral("r-1"), QStringLiteral("5.00"), QStringLiteral("COMPLETED")),
                 refund(QStringLiteral("r-2"), QStringLiteral("2.50"), QStringLiteral("PENDING"))});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(RefundModel::ColumnCount));
    QCOMPARE(model.data(model.index(0, RefundModel::AmountColumn)).toString(),
             QStringLiteral("5.00"));
    QCOMPARE(model.data(model.index(1, RefundModel::StatusColumn)).toString(),
             QStringLiteral("PENDING"));
    QCOMPARE(model.data(model.index(1, 0), RefundModel::RefundIdRole).toString(),
             QStringLiteral("r-2"));
    QCOMPARE(model.requestedMinor(), 750);
    QCOMPARE(model.completedMinor(), 500);
    // Pending refunds count against what is left, as the server counts them.
    QCOMPARE(model.refundableOf(QStringLiteral("30.00")), QStringLiteral("22.50"));

    // The pending one completes in place; a new one goes last (oldest first).
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.upsert(
        refund(QStringLiteral("r-2"), QStringLiteral("2.50"), QStringLiteral("COMPLETED")));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.completedMinor(), 750);
    model.upsert(refund(QStringLiteral("r-3"), QStringLiteral("22.50"), QStringLiteral("PENDING")));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.refundAt(2)->refundId, QStringLiteral("r-3"));
    QCOMPARE(model.refundableOf(QStringLiteral("30.00")), QStringLiteral("0.00"));
    QVERIFY(model.refundableOf(QStringLiteral("not money")).isEmpty());
    QVERIFY(!model.refundAt(3).has_value());
}

void tst_Models::ledgerModelWalksTheBalanceBack() {
    LedgerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Newest first: opened with 50, topped up 100, paid 30.50, refunded 10.
    model.reset({entry(QStringLiteral("4"), QStringLiteral("REFUND"), QStringLiteral("10.00"), 4),
                 entry(QStringLiteral("3"), QStringLiteral("DEBIT"), QStringLiteral("30.50"), 3)},
                QStringLiteral("c-2"));
    QVERIFY(model.hasMore());
    QCOMPARE(balancesOf(model), (QStringList{QString(), QString()}));  // no balance known yet
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setCurrentBalance(QStringLiteral("129.50"));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(balancesOf(model), (QStringList{"129.50", "119.50"}));
    QCOMPARE(model.data(model.index(0, LedgerModel::AmountColumn)).toString(),
             QStringLiteral("+10.00"));
    QCOMPARE(model.data(model.index(1, LedgerModel::AmountColumn)).toString(),
             QStringLiteral("-30.50"));
    QCOMPARE(model.data(model.index(1, 0), LedgerModel::SignedAmountRole).toString(),
             QStringLiteral("-30.50"));
    QCOMPARE(model.data(model.index(0, LedgerModel::KindColumn)).toString(),
             QStringLiteral("Refund"));
    QCOMPARE(model.data(model.index(0, 0), LedgerModel::KindRole).toString(),
             QStringLiteral("REFUND"));

    // The older page goes below, the entry already shown not repeated; the walk goes on.
    model.append(
        {entry(QStringLiteral("3"), QStringLiteral("DEBIT"), QStringLiteral("30.50"), 3),
         entry(QStringLiteral("2"), QStringLiteral("TOPUP"), QStringLiteral("100.00"), 2),
         entry(QStringLiteral("1"), QStringLiteral("OPENING"), QStringLiteral("50.00"), 1)},
        QString());
    QVERIFY(!model.hasMore());
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(balancesOf(model), (QStringList{"129.50", "119.50", "150.00", "50.00"}));
    QCOMPARE(model.balanceAfter(3), QStringLiteral("50.00"));  // the opening: its own amount
    QVERIFY(model.balanceAfter(4).isEmpty());
    QCOMPARE(model.entryAt(2)->kind, QStringLiteral("TOPUP"));
    model.append({}, QString());
    QCOMPARE(model.rowCount(), 4);
}

void tst_Models::ledgerModelCsv() {
    LedgerModel model;
    model.setCurrentBalance(QStringLiteral("119.50"));
    model.reset(
        {entry(QStringLiteral("3"), QStringLiteral("DEBIT"), QStringLiteral("30.50"), 3),
         entry(QStringLiteral("1"), QStringLiteral("OPENING"), QStringLiteral("150.00"), 1)},
        QString());
    QCOMPARE(model.toCsv(),
             QByteArray("entry_id,created_at,kind,amount,balance_after,order_id,refund_id\r\n"
                        "3,2025-11-22T10:03:00.000Z,DEBIT,-30.50,119.50,o-1,\r\n"
                        "1,2025-11-22T10:01:00.000Z,OPENING,150.00,150.00,,\r\n"));
    LedgerModel empty;
    QCOMPARE(empty.toCsv(),
             QByteArray("entry_id,created_at,kind,amount,balance_after,order_id,refund_id\r\n"));
}

namespace {

/// `count` orders named <prefix>-<i>, created one minute apart, newest first from `newest`.
QList<Order> pageOf(const QString& prefix, int newest, int count) {
    QList<Order> orders;
    for (int i = 0; i < count; ++i) {
        Order o = order(QStringLiteral("%1-%2").arg(prefix).arg(i), 0);
        o.createdAt = at(0).addSecs(60LL * (newest - i));
        orders.append(o);
    }
    return orders;
}

QStringList idsOf(const OrderModel& model) {
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        ids << model.data(model.index(row, 0), OrderModel::OrderIdRole).toString();
    }
    return ids;
}

}  // namespace

void tst_Models::orderModelCapsPagesAndPushesAlike() {
    // One cap for every way in: a first page, a further page and a push each leave at most
    // maxRows() rows, the newest.
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.maxRows(), OrderModel::kMaxRows);
    model.setMaxRows(5);
    model.reset(pageOf(QStringLiteral("p1"), 100, 6), QStringLiteral("c2"));
    QCOMPARE(model.rowCount(), 5);
    QVERIFY(model.isFull());
    // The first page lost a row: paging starts again from the top, and the rows still shown
    // are merged when they come back.
    QVERIFY(model.hasMore());
    QCOMPARE(model.moreCursor(), QString());

    model.setMaxRows(8);
    QVERIFY(!model.isFull());
    QVERIFY(model.append(QString(), pageOf(QStringLiteral("p1"), 100, 6), QStringLiteral("c2")));
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.moreCursor(), QStringLiteral("c2"));
    QVERIFY(model.append(QStringLiteral("c2"), pageOf(QStringLiteral("p2"), 94, 4),
                         QStringLiteral("c3")));
    QCOMPARE(model.rowCount(), 8);  // a page the operator asked for is capped too
    QCOMPARE(idsOf(model).last(), QStringLiteral("p2-1"));
    QVERIFY(model.isFull());

    QVERIFY(model.upsert(pageOf(QStringLiteral("pushed"), 200, 1).first()));
    QCOMPARE(model.rowCount(), 8);
    QCOMPARE(model.rowOf(QStringLiteral("pushed-0")), 0);
    QCOMPARE(idsOf(model).last(), QStringLiteral("p2-0"));
}

void tst_Models::orderModelPagesOnFromWhereRowsWereDropped() {
    // Pages of three: p1 (cursor ""), p2 ("c2"), p3 ("c3"), nine rows, the most kept.
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(9);
    model.reset(pageOf(QStringLiteral("p1"), 100, 3), QStringLiteral("c2"));
    QVERIFY(model.append(QStringLiteral("c2"), pageOf(QStringLiteral("p2"), 97, 3),
                         QStringLiteral("c3")));
    QVERIFY(model.append(QStringLiteral("c3"), pageOf(QStringLiteral("p3"), 94, 3),
                         QStringLiteral("c4")));
    QCOMPARE(model.moreCursor(), QStringLiteral("c4"));

    // Two pushes of new orders drop the two oldest rows, p3's: the next page is p3 again, not
    // the one after the rows that are gone.
    QVERIFY(model.upsert(pageOf(QStringLiteral("new"), 200, 2).at(0)));
    QVERIFY(model.upsert(pageOf(QStringLiteral("new"), 199, 2).at(1)));
    QCOMPARE(model.rowCount(), 9);
    QVERIFY(model.rowOf(QStringLiteral("p3-1")) < 0);
    QVERIFY(model.rowOf(QStringLiteral("p3-2")) < 0);
    QVERIFY(model.hasMore());
    QCOMPARE(model.moreCursor(), QStringLiteral("c3"));
    QVERIFY(model.isFull());

    // A row leaving the query (a status filter) makes room without moving the cursor.
    QVERIFY(model.remove(QStringLiteral("p1-0")));
    QCOMPARE(model.moreCursor(), QStringLiteral("c3"));
    QVERIFY(!model.isFull());
    // p3 comes again: p3-0, still shown, is merged; p3-1 fits, p3-2 does not, so p3 is still
    // where paging goes on.
    QVERIFY(model.append(QStringLiteral("c3"), pageOf(QStringLiteral("p3"), 94, 3),
                         QStringLiteral("c4")));
    QCOMPARE(model.rowCount(), 9);
    QCOMPARE(idsOf(model).mid(7), (QStringList{"p3-0", "p3-1"}));
    QCOMPARE(model.moreCursor(), QStringLiteral("c3"));

    // Rows a push brought (older than every page, here) go first without moving the cursor.
    model.setMaxRows(20);
    QVERIFY(model.append(QStringLiteral("c3"), pageOf(QStringLiteral("p3"), 94, 3),
                         QStringLiteral("c4")));
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.moreCursor(), QStringLiteral("c4"));
    QVERIFY(model.upsert(pageOf(QStringLiteral("old"), 1, 1).first()));
    model.setMaxRows(10);
    QVERIFY(model.rowOf(QStringLiteral("old-0")) < 0);
    QCOMPARE(model.moreCursor(), QStringLiteral("c4"));

    // Every paged row pushed out: paging starts from the first page again.
    model.setMaxRows(2);
    QCOMPARE(idsOf(model), (QStringList{"new-0", "new-1"}));
    QVERIFY(model.hasMore());
    QCOMPARE(model.moreCursor(), QString());
}

void tst_Models::orderModelIgnoresAPageThatNoLongerFollows() {
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(4);
    model.reset(pageOf(QStringLiteral("p1"), 100, 2), QStringLiteral("c2"));
    QVERIFY(model.append(QStringLiteral("c2"), pageOf(QStringLiteral("p2"), 98, 2),
                         QStringLiteral("c3")));
    // "Load more" asked for c3; meanwhile a push dropped a row of p2.
    QVERIFY(model.upsert(pageOf(QStringLiteral("new"), 200, 1).first()));
    QCOMPARE(model.moreCursor(), QStringLiteral("c2"));
    model.remove(QStringLiteral("new-0"));
    // The c3 page would leave p2-1 missing for good: it changes nothing.
    QVERIFY(!model.append(QStringLiteral("c3"), pageOf(QStringLiteral("p3"), 96, 2),
                          QStringLiteral("c4")));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.moreCursor(), QStringLiteral("c2"));
    // Nor does any page after the last one.
    model.reset(pageOf(QStringLiteral("p1"), 100, 2));
    QVERIFY(!model.hasMore());
    QVERIFY(!model.append(QString(), pageOf(QStringLiteral("p1"), 100, 2), QString()));
}

void tst_Models::orderModelDefaultCap() {
    // 50 pages of 100 fill the default cap; a push then drops the oldest row, of the 50th page,
    // which is where paging goes on.
    OrderModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset(pageOf(QStringLiteral("p0"), 100000, 100), QStringLiteral("c1"));
    for (int page = 1; page < 50; ++page) {
        QVERIFY(model.append(QStringLiteral("c%1").arg(page),
                             pageOf(QStringLiteral("p%1").arg(page), 100000 - 100 * page, 100),
                             QStringLiteral("c%1").arg(page + 1)));
    }
    QCOMPARE(model.rowCount(), OrderModel::kMaxRows);
    QVERIFY(model.isFull());
    QCOMPARE(model.moreCursor(), QStringLiteral("c50"));
    QVERIFY(model.upsert(pageOf(QStringLiteral("new"), 200000, 1).first()));
    QCOMPARE(model.rowCount(), OrderModel::kMaxRows);
    QCOMPARE(model.moreCursor(), QStringLiteral("c49"));
    // A further page is capped as well.
    model.remove(QStringLiteral("new-0"));
    QVERIFY(model.append(QStringLiteral("c49"), pageOf(QStringLiteral("p49"), 95100, 100),
                         QStringLiteral("c50")));
    QVERIFY(model.append(QStringLiteral("c50"), pageOf(QStringLiteral("p50"), 95000, 100),
                         QStringLiteral("c51")));
    QCOMPARE(model.rowCount(), OrderModel::kMaxRows);
    QCOMPARE(model.moreCursor(), QStringLiteral("c50"));
}

void tst_Models::accountModelPagesAndUpserts() {
    AccountModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset({account(QStringLiteral("u-1"), QStringLiteral("1.00"), 1),
                 account(QStringLiteral("u-2"), QStringLiteral("2.00"), 1)});
    model.append({account(QStringLiteral("u-2"), QStringLiteral("2.00"), 1),
                  account(QStringLiteral("u-3"), QStringLiteral("3.00"), 1)});
    QCOMPARE(model.rowCount(), 3);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.upsert(account(QStringLiteral("u-2"), QStringLiteral("52.00"), 5)));
    QCOMPARE(model.rowOf(QStringLiteral("u-2")), 1);
    QCOMPARE(model.data(model.index(1, AccountModel::BalanceColumn)).toString(),
             QStringLiteral("52.00"));
    QCOMPARE(changed.count(), 1);
    // An older answer (a slow refresh) does not overwrite a newer balance.
    QVERIFY(!model.upsert(account(QStringLiteral("u-2"), QStringLiteral("2.00"), 1)));
    QCOMPARE(model.accountAt(1)->balance, QStringLiteral("52.00"));
    // A new account appears at the top.
    QVERIFY(model.upsert(account(QStringLiteral("u-9"), QStringLiteral("0.00"), 6)));
    QCOMPARE(model.rowOf(QStringLiteral("u-9")), 0);
    QCOMPARE(model.rowCount(), 4);
    QVERIFY(!model.accountAt(4).has_value());
}

void tst_Models::apiKeyModelListsAndRevokesInPlace() {
    ApiKeyModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ApiKey older{QStringLiteral("k-1"), QStringLiteral("u-1"), at(1), at(5), QString()};
    ApiKey newer{QStringLiteral("k-2"), QStringLiteral("u-1"), at(2), QDateTime(), QString()};
    model.reset({newer, older});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(ApiKeyModel::ColumnCount));
    QCOMPARE(model.rowOf(QStringLiteral("k-2")), 0);
    QCOMPARE(model.activeCount(), 1);
    QCOMPARE(model.data(model.index(0, ApiKeyModel::StateColumn)).toString(),
             QStringLiteral("Active"));
    QCOMPARE(model.data(model.index(1, ApiKeyModel::StateColumn)).toString(),
             QStringLiteral("Revoked"));
    QVERIFY(model.data(model.index(0, ApiKeyModel::RevokedColumn)).toString().isEmpty());
    QVERIFY(!model.data(model.index(1, ApiKeyModel::RevokedColumn)).toString().isEmpty());
    QCOMPARE(model.data(model.index(1, 0), ApiKeyModel::RevokedRole).toBool(), true);

    // A new key goes first, without its secret.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    ApiKey created{QStringLiteral("k-3"), QStringLiteral("u-1"), at(3), QDateTime(),
                   QStringLiteral("shop_k3_secret")};
    model.upsert(created);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.rowOf(QStringLiteral("k-3")), 0);
    QVERIFY(model.keyAt(0)->apiKey.isEmpty());
    for (int column = 0; column < model.columnCount(); ++column) {
        QVERIFY(
            !model.data(model.index(0, column)).toString().contains(QLatin1StringView("secret")));
    }

    // Revoking changes the row in place.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    ApiKey revoked = newer;
    revoked.revokedAt = at(9);
    model.upsert(revoked);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(model.keyAt(1)->isRevoked());
    QCOMPARE(model.activeCount(), 1);
    QVERIFY(!model.keyAt(7).has_value());
}

void tst_Models::timelineKeepsNewestWithinCapacity() {
    TimelineModel model(3);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 1; i <= 5; ++i) {
        model.add(pushed(QStringLiteral("o-%1").arg(i), QStringLiteral("FINISHED"), 2), at(i));
    }
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.data(model.index(0, 0), TimelineModel::OrderIdRole).toString(),
             QStringLiteral("o-5"));
    QCOMPARE(model.data(model.index(2, 0), TimelineModel::OrderIdRole).toString(),
             QStringLiteral("o-3"));
    QCOMPARE(model.data(model.index(0, TimelineModel::StatusColumn)).toString(),
             QStringLiteral("FINISHED"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void tst_Models::rateCounterWindow() {
    RateCounter counter(5);
    counter.record(QStringLiteral("FINISHED"), 100);
    counter.record(QStringLiteral("FINISHED"), 100);
    counter.record(QStringLiteral("CANCELLED"), 102);
    counter.record(QStringLiteral("NEW"), 102);      // not a final status: not counted
    counter.record(QStringLiteral("FINISHED"), 90);  // outside the window
    const auto window = counter.window(103);
    QCOMPARE(window.size(), 5);
    QCOMPARE(window.first().second, 99);
    QCOMPARE(window.last().second, 103);
    QCOMPARE(window.at(1).finished, 2);
    QCOMPARE(window.at(3).cancelled, 1);
    QCOMPARE(window.at(3).finished, 0);
    int total = 0;
    for (const auto& bucket : window) {
        total += bucket.finished + bucket.cancelled;
    }
    QCOMPARE(total, 3);
    // Later, the old seconds are forgotten.
    const auto later = counter.window(200);
    for (const auto& bucket : later) {
        QCOMPARE(bucket.finished + bucket.cancelled, 0);
    }
}

QTEST_GUILESS_MAIN(tst_Models)
#include "tst_models.moc"
