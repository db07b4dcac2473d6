// The refund dialog, the refunds view and an account's history over a fake network layer: the
// refundable remainder prefilled (from the order, then from its refunds), amounts and reasons
// checked as they are typed, a 409 shown in the dialog, a retry after a failure resending the
// same Idempotency-Key while a changed or new refund gets a new one, and the history paged with
// its running balance and exported as CSV after reading every page.
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>

#include "core/api_client.hpp"
#include "core/ledger_model.hpp"
#include "core/refund_model.hpp"
#include "support/fake_network.hpp"
#include "ui/ledger_dialog.hpp"
#include "ui/refund_dialog.hpp"
#include "ui/refunds_view.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

const QString kOrderId = QStringLiteral("9a1b2c3d-0000-4000-8000-000000000001");
const QString kUser = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");

Order finishedOrder() {
    Order order;
    order.orderId = kOrderId;
    order.userId = kUser;
    order.amount = QStringLiteral("30.00");
    order.description = QStringLiteral("a book");
    order.status = QStringLiteral("FINISHED");
    order.refundedAmount = QStringLiteral("5.00");
    order.version = 3;
    order.createdAt = QDateTime(QDate(2025, 11, 22), QTime(10, 0), Qt::UTC);
    order.updatedAt = order.createdAt;
    return order;
}

QByteArray refundJson(const QByteArray& id, const QByteArray& amount, const QByteArray& status) {
    return R"({"refund_id":")" + id + R"(","order_id":")" + kOrderId.toUtf8() + R"(","user_id":")" +
           kUser.toUtf8() + R"(","amount":")" + amount + R"(","reason":null,"status":")" + status +
           R"(","created_at":"2025-11-22T10:05:00Z","updated_at":"2025-11-22T10:05:00Z"})";
}

FakeResponse refundsOf(const QList<QByteArray>& refunds) {
    return FakeResponse::json(200, R"({"data":{"order_id":")" + kOrderId.toUtf8() +
                                       R"(","user_id":")" + kUser.toUtf8() + R"(","items":[)" +
                                       refunds.join(',') + "]}}");
}

QByteArray ledgerEntryJson(int id, const QByteArray& kind, const QByteArray& amount, int minute) {
    const QByteArray orderId =
        kind == "DEBIT" || kind == "REFUND" ? '"' + kOrderId.toUtf8() + '"' : QByteArray("null");
    const QByteArray refundId = kind == "REFUND" ? QByteArray(R"("r-1")") : QByteArray("null");
    return R"({"entry_id":")" + QByteArray::number(id) + R"(","kind":")" + kind +
           R"(","amount":")" + amount + R"(","order_id":)" + orderId + R"(,"refund_id":)" +
           refundId + R"(,"created_at":"2025-11-22T10:)" +
           QByteArray::number(minute).rightJustified(2, '0') + R"(:00Z"})";
}

QPushButton* okButton(QDialog* dialog) {
    return dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

void retype(QLineEdit* edit, const QString& text) {
    edit->clear();
    QTest::keyClicks(edit, text);
}

}  // namespace

class tst_Refunds : public QObject {
    Q_OBJECT

  private slots:
    void init();
    void prefillsTheRemainder();
    void checksAmountAndReasonAsTyped();
    void showsAConflict();
    void retryResendsTheSameKey();
    void changedRefundGetsANewKey();
    void refundsViewOnItsOwn();
    void historyPagesWithRunningBalance();
    void historyExportsEveryPage();

  private:
    QList<SentRequest> posts() const;

    std::unique_ptr<FakeNetwork> m_network;
    std::unique_ptr<ApiClient> m_api;
    QList<FakeResponse> m_postAnswers;  ///< answers to POST .../refunds, in turn
    QList<QByteArray> m_refunds;        ///< what GET .../refunds lists
    bool m_holdRefunds = false;
};

void tst_Refunds::init() {
    m_network = std::make_unique<FakeNetwork>();
    m_api = std::make_unique<ApiClient>(m_network.get());
    m_api->setBaseUrl(QUrl(QStringLiteral("http://gateway.test")));
    m_postAnswers.clear();
    // The 5.00 that finishedOrder() says was refunded.
    m_refunds = {refundJson("r-1", "5.00", "COMPLETED")};
    m_holdRefunds = false;
    m_network->setHandler([this](const SentRequest& sent) {
        const QString path = sent.url.path();
        const QString refunds = QStringLiteral("/orders/%1/refunds").arg(kOrderId);
        if (path == refunds && sent.method == "GET") {
            return m_holdRefunds ? FakeResponse::heldBack(refundsOf(m_refunds))
                                 : refundsOf(m_refunds);
        }
        if (path == refunds && sent.method == "POST" && !m_postAnswers.isEmpty()) {
            return m_postAnswers.takeFirst();
        }
        if (path == QStringLiteral("/accounts/%1").arg(kUser)) {
            return FakeResponse::json(200, R"({"data":{"user_id":")" + kUser.toUtf8() +
                                               R"(","balance":"129.50",)"
                                               R"("created_at":"2025-11-22T10:00:00Z",)"
                                               R"("updated_at":"2025-11-22T10:04:00Z"}})");
        }
        if (path == QStringLiteral("/accounts/%1/ledger").arg(kUser)) {
            // Three pages, newest first: a refund of 10, a debit of 30.50, a top-up of 100,
            // a top-up of 0.50 and the opening 49.50.
            const QString cursor = QUrlQuery(sent.url).queryItemValue(QStringLiteral("cursor"));
            QList<QByteArray> items;
            QByteArray next = "null";
            if (cursor.isEmpty()) {
                items = {ledgerEntryJson(5, "REFUND", "10.00", 4),
                         ledgerEntryJson(4, "DEBIT", "30.50", 3)};
                next = R"("c-2")";
            } else if (cursor == QLatin1StringView("c-2")) {
                items = {ledgerEntryJson(3, "TOPUP", "100.00", 2),
                         ledgerEntryJson(2, "TOPUP", "0.50", 1)};
                next = R"("c-3")";
            } else {
                items = {ledgerEntryJson(1, "OPENING", "49.50", 0)};
            }
            return FakeResponse::json(200, R"({"data":{"items":[)" + items.join(',') +
                                               R"(],"next_cursor":)" + next + "}}");
        }
        return FakeResponse::json(404, R"({"error":{"code":"NOT_FOUND","message":"no",)"
                                       R"("request_id":"r404"}})");
    });
}

QList<SentRequest> tst_Refunds::posts() const {
    QList<SentRequest> result;
    for (const SentRequest& sent : m_network->sent()) {
        if (sent.method == "POST") {
            result << sent;
        }
    }
    return result;
}

void tst_Refunds::prefillsTheRemainder() {
    // 30.00, 5.00 refunded, and a refund of 10.00 still pending that the order does not show.
    m_refunds = {refundJson("r-1", "5.00", "COMPLETED"), refundJson("r-2", "10.00", "PENDING")};
    m_holdRefunds = true;
    ui::RefundDialog dialog(m_api.get(), finishedOrder());
    dialog.show();
    auto* amount = dialog.findChild<QLineEdit*>(QStringLiteral("amountEdit"));
    auto* refundable = dialog.findChild<QLabel*>(QStringLiteral("refundableLabel"));
    // Until the refunds are in: the amount less what the order says was refunded.
    QCOMPARE(amount->text(), QStringLiteral("25.00"));
    QCOMPARE(refundable->text(), QStringLiteral("25.00"));
    QVERIFY(okButton(&dialog)->isEnabled());
    QSignalSpy loaded(dialog.refundsView(), &ui::RefundsView::loaded);
    QVERIFY(m_network->releaseHeld());
    QVERIFY(loaded.wait(5000));
    // Then less every refund, pending ones included, as the server counts.
    QCOMPARE(amount->text(), QStringLiteral("15.00"));
    QCOMPARE(refundable->text(), QStringLiteral("15.00"));
    QCOMPARE(dialog.refundsView()->model()->rowCount(), 2);
    auto* summary = dialog.findChild<QLabel*>(QStringLiteral("refundsSummary"));
    QCOMPARE(summary->text(), QStringLiteral("2 refund(s): 5.00 completed, 10.00 pending"));
}

void tst_Refunds::checksAmountAndReasonAsTyped() {
    m_refunds = {refundJson("r-1", "5.00", "COMPLETED"), refundJson("r-2", "10.00", "PENDING")};
    ui::RefundDialog dialog(m_api.get(), finishedOrder());
    dialog.show();
    QSignalSpy loaded(dialog.refundsView(), &ui::RefundsView::loaded);
    QVERIFY(loaded.wait(5000));
    auto* amount = dialog.findChild<QLineEdit*>(QStringLiteral("amountEdit"));
    auto* amountError = dialog.findChild<QLabel*>(QStringLiteral("amountError"));
    retype(amount, QStringLiteral("15.01"));
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY(amountError->isVisible());
    QCOMPARE(amountError->text(),
             QStringLiteral("amount must be at most 15.00 (still refundable)"));
    retype(amount, QStringLiteral("1.999"));
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY2(amountError->text().contains(QLatin1StringView("decimal")),
             qPrintable(amountError->text()));
    retype(amount, QStringLiteral("0"));
    QVERIFY(!okButton(&dialog)->isEnabled());
    retype(amount, QStringLiteral("7.5"));
    QVERIFY(okButton(&dialog)->isEnabled());
    QVERIFY(!amountError->isVisible());
    QCOMPARE(dialog.pendingRequest().amount, QStringLiteral("7.50"));

    auto* reason = dialog.findChild<QLineEdit*>(QStringLiteral("reasonEdit"));
    auto* reasonError = dialog.findChild<QLabel*>(QStringLiteral("reasonError"));
    reason->setText(QString(201, u'x'));
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY(reasonError->isVisible());
    QCOMPARE(reasonError->text(), QStringLiteral("reason must be at most 200 characters"));
    reason->setText(QString(200, u'\u00e9'));  // 200 characters, 400 bytes: fine
    QVERIFY(okButton(&dialog)->isEnabled());
    QVERIFY(!reasonError->isVisible());
    // A typed-in amount stays when the refunds are read again.
    dialog.refundsView()->reload();
    QVERIFY(loaded.wait(5000));
    QCOMPARE(amount->text(), QStringLiteral("7.5"));
}

void tst_Refunds::showsAConflict() {
    m_postAnswers = {FakeResponse::json(
        409, R"({"error":{"code":"CONFLICT","message":"amount exceeds what is still refundable: )"
             R"(0.00","request_id":"r409"}})")};
    ui::RefundDialog dialog(m_api.get(), finishedOrder());
    dialog.show();
    QSignalSpy loaded(dialog.refundsView(), &ui::RefundsView::loaded);
    QVERIFY(loaded.wait(5000));
    QSignalSpy requested(&dialog, &ui::RefundDialog::refundRequested);
    okButton(&dialog)->click();
    auto* error = dialog.findChild<QLabel*>(QStringLiteral("refundError"));
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1StringView("still refundable: 0.00")) &&
                 error->text().contains(QLatin1StringView("CONFLICT")),
             qPrintable(error->text()));
    QVERIFY(dialog.isVisible());
    QCOMPARE(requested.count(), 0);
    // What is refundable changed under the dialog: the refunds are read again.
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(posts().size(), 1);
    QCOMPARE(QJsonDocument::fromJson(posts().first().body).object(),
             (QJsonObject{{QStringLiteral("amount"), QStringLiteral("25.00")}}));
}

void tst_Refunds::retryResendsTheSameKey() {
    m_postAnswers = {
        FakeResponse::json(503, R"({"error":{"code":"UPSTREAM_UNAVAILABLE",)"
                                R"("message":"orders is down","request_id":"r5"}})"),
        FakeResponse::refused(),
        FakeResponse::json(202, "{\"data\":" + refundJson("r-3", "25.00", "PENDING") + "}")};
    ui::RefundDialog dialog(m_api.get(), finishedOrder());
    dialog.show();
    QSignalSpy loaded(dialog.refundsView(), &ui::RefundsView::loaded);
    QVERIFY(loaded.wait(5000));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("reasonEdit")),
                     QStringLiteral("damaged"));
    QSignalSpy requested(&dialog, &ui::RefundDialog::refundRequested);
    auto* error = dialog.findChild<QLabel*>(QStringLiteral("refundError"));

    okButton(&dialog)->click();
    QVERIFY(!okButton(&dialog)->isEnabled());  // one request at a time
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1StringView("UPSTREAM_UNAVAILABLE")) &&
                 error->text().contains(QLatin1StringView("the same request")),
             qPrintable(error->text()));
    QTRY_VERIFY(okButton(&dialog)->isEnabled());
    okButton(&dialog)->click();  // refused: no answer at all
    QTRY_COMPARE(posts().size(), 2);
    QTRY_VERIFY(okButton(&dialog)->isEnabled());
    QVERIFY(error->text().contains(QLatin1StringView("NETWORK_ERROR")));
    okButton(&dialog)->click();
    QTRY_COMPARE(requested.count(), 1);
    QCOMPARE(requested.first().first().value<Refund>().refundId, QStringLiteral("r-3"));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(!dialog.isVisible());

    const QList<SentRequest> sent = posts();
    QCOMPARE(sent.size(), 3);
    const QByteArray key = sent.first().header("Idempotency-Key");
    QVERIFY(key.startsWith("qt-"));
    for (const SentRequest& post : sent) {
        QCOMPARE(post.header("Idempotency-Key"), key);
        QCOMPARE(post.body, sent.first().body);
    }
    QCOMPARE(QJsonDocument::fromJson(sent.first().body).object(),
             (QJsonObject{{QStringLiteral("amount"), QStringLiteral("25.00")},
                          {QStringLiteral("reason"), QStringLiteral("damaged")}}));

    // Another refund of the same order, even of the same amount, is a new one: a new key.
    ui::RefundDialog next(m_api.get(), finishedOrder());
    QVERIFY(next.pendingRequest().idempotencyKey.toUtf8() != key);
}

void tst_Refunds::changedRefundGetsANewKey() {
    m_postAnswers = {FakeResponse::json(500, R"({"error":{"code":"INTERNAL","message":"oops",)"
                                             R"("request_id":"r5"}})"),
                     FakeResponse::json(400, R"({"error":{"code":"BAD_REQUEST","message":"no",)"
                                             R"("request_id":"r6"}})"),
                     FakeResponse::json(500, R"({"error":{"code":"INTERNAL","message":"oops",)"
                                             R"("request_id":"r7"}})")};
    ui::RefundDialog dialog(m_api.get(), finishedOrder());
    dialog.show();
    QSignalSpy loaded(dialog.refundsView(), &ui::RefundsView::loaded);
    QVERIFY(loaded.wait(5000));
    auto* amount = dialog.findChild<QLineEdit*>(QStringLiteral("amountEdit"));
    okButton(&dialog)->click();
    QTRY_COMPARE(posts().size(), 1);
    QTRY_VERIFY(okButton(&dialog)->isEnabled());
    // Another amount after the failure is another refund: a key of its own (the same key
    // with another body would be refused with 422).
    retype(amount, QStringLiteral("10"));
    okButton(&dialog)->click();
    QTRY_COMPARE(posts().size(), 2);
    QVERIFY(posts().at(1).header("Idempotency-Key") != posts().at(0).header("Idempotency-Key"));
    QTRY_VERIFY(okButton(&dialog)->isEnabled());
    // After a refusal that no retry can change (400), sending again is a new request too.
    okButton(&dialog)->click();
    QTRY_COMPARE(posts().size(), 3);
    QVERIFY(posts().at(2).header("Idempotency-Key") != posts().at(1).header("Idempotency-Key"));
    QVERIFY(dialog.isVisible());
}

void tst_Refunds::refundsViewOnItsOwn() {
    m_refunds = {refundJson("r-1", "5.00", "COMPLETED")};
    ui::RefundsDialog dialog(m_api.get(), finishedOrder());
    dialog.show();
    QSignalSpy loaded(dialog.refundsView(), &ui::RefundsView::loaded);
    QVERIFY(loaded.wait(5000));
    QCOMPARE(loaded.first().first().toBool(), true);
    QTableView* table = dialog.refundsView()->view();
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, RefundModel::AmountColumn).data().toString(),
             QStringLiteral("5.00"));
    // A failed read says so, and keeps what was shown.
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(503, R"({"error":{"code":"UPSTREAM_UNAVAILABLE",)"
                                       R"("message":"orders is down","request_id":"r5"}})");
    });
    dialog.findChild<QPushButton*>(QStringLiteral("reloadRefunds"))->click();
    QVERIFY(loaded.wait(5000));
    QCOMPARE(loaded.last().first().toBool(), false);
    auto* status = dialog.findChild<QLabel*>(QStringLiteral("refundsStatus"));
    QVERIFY2(status->text().contains(QLatin1StringView("UPSTREAM_UNAVAILABLE")),
             qPrintable(status->text()));
    QCOMPARE(table->model()->rowCount(), 1);
}

void tst_Refunds::historyPagesWithRunningBalance() {
    ui::LedgerDialog dialog(m_api.get(), kUser);
    dialog.show();
    QSignalSpy loaded(&dialog, &ui::LedgerDialog::loaded);
    QVERIFY(loaded.wait(5000));
    LedgerModel* model = dialog.model();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->currentBalance(), QStringLiteral("129.50"));
    QCOMPARE(model->balanceAfter(0), QStringLiteral("129.50"));
    QCOMPARE(model->balanceAfter(1), QStringLiteral("119.50"));
    auto* summary = dialog.findChild<QLabel*>(QStringLiteral("ledgerSummary"));
    QCOMPARE(summary->text(),
             QStringLiteral("2 entry(ies) loaded, more on the server; balance 129.50"));
    auto* more = dialog.findChild<QPushButton*>(QStringLiteral("ledgerLoadMore"));
    QVERIFY(more->isEnabled());
    more->click();
    QVERIFY(loaded.wait(5000));
    QCOMPARE(model->rowCount(), 4);
    QCOMPARE(model->balanceAfter(2), QStringLiteral("150.00"));
    QCOMPARE(model->balanceAfter(3), QStringLiteral("50.00"));
    more->click();
    QVERIFY(loaded.wait(5000));
    QCOMPARE(model->rowCount(), 5);
    QCOMPARE(model->balanceAfter(4), QStringLiteral("49.50"));  // the opening entry
    QVERIFY(!more->isEnabled());
    QCOMPARE(summary->text(), QStringLiteral("5 entry(ies); balance 129.50"));
    // The account was read once, right before the first page; the cursors followed.
    QStringList cursors;
    for (const SentRequest& sent : m_network->sent()) {
        if (sent.url.path().endsWith(QLatin1StringView("/ledger"))) {
            cursors << QUrlQuery(sent.url).queryItemValue(QStringLiteral("cursor"));
        }
    }
    QCOMPARE(cursors, (QStringList{QString(), QStringLiteral("c-2"), QStringLiteral("c-3")}));
}

void tst_Refunds::historyExportsEveryPage() {
    ui::LedgerDialog dialog(m_api.get(), kUser);
    QSignalSpy loaded(&dialog, &ui::LedgerDialog::loaded);
    QVERIFY(loaded.wait(5000));
    QCOMPARE(dialog.model()->rowCount(), 2);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("ledger.csv"));
    QSignalSpy exported(&dialog, &ui::LedgerDialog::exported);
    dialog.exportCsv(path);
    QVERIFY(exported.wait(5000));
    QCOMPARE(exported.first().at(0).toString(), path);
    QCOMPARE(exported.first().at(1).toBool(), true);
    QCOMPARE(dialog.model()->rowCount(), 5);  // every page was read first
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString order = kOrderId;
    QCOMPARE(QString::fromUtf8(file.readAll()),
             QStringLiteral("entry_id,created_at,kind,amount,balance_after,order_id,refund_id\r\n"
                            "5,2025-11-22T10:04:00.000Z,REFUND,10.00,129.50,%1,r-1\r\n"
                            "4,2025-11-22T10:03:00.000Z,DEBIT,-30.50,119.50,%1,\r\n"
                            "3,2025-11-22T10:02:00.000Z,TOPUP,100.00,150.00,,\r\n"
                            "2,2025-11-22T10:01:00.000Z,TOPUP,0.50,50.00,,\r\n"
                            "1,2025-11-22T10:00:00.000Z,OPENING,49.50,49.50,,\r\n")
                 .arg(order));
    auto* status = dialog.findChild<QLabel*>(QStringLiteral("ledgerStatus"));
    QCOMPARE(status->text(), QStringLiteral("Exported 5 entry(ies) to %1").arg(path));

    // A file that cannot be written is reported, not thrown.
    dialog.exportCsv(dir.filePath(QStringLiteral("missing/dir/ledger.csv")));
    QTRY_COMPARE(exported.count(), 2);
    QCOMPARE(exported.last().at(1).toBool(), false);
}

QTEST_MAIN(tst_Refunds)
#include "tst_refunds.moc"
