// The input dialogs as an operator meets them: amounts and ids typed with space around them
// accepted, a blank description refused with "a description is required", every disabled OK
// explained under the field at fault, an order above the balance allowed with a warning, and
// dialogs that neither change size when a message comes or goes nor cut a message or a
// placeholder.
#include <QDialogButtonBox>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleOptionFrame>
#include <QtTest>
#include <functional>

#include "core/api_client.hpp"
#include "core/money_text.hpp"
#include "support/fake_network.hpp"
#include "ui/new_account_dialog.hpp"
#include "ui/new_order_dialog.hpp"
#include "ui/refund_dialog.hpp"
#include "ui/refunds_view.hpp"
#include "ui/top_up_dialog.hpp"

using namespace shop::client;
using shop::client::testing::FakeNetwork;
using shop::client::testing::FakeResponse;
using shop::client::testing::SentRequest;

namespace {

const QString kUser = QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b");
const QString kOrderId = QStringLiteral("9a1b2c3d-0000-4000-8000-000000000001");

QPushButton* okButton(QDialog* dialog) {
    return dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

QLineEdit* edit(QDialog* dialog, const char* name) {
    auto* found = dialog->findChild<QLineEdit*>(QLatin1StringView(name));
    if (found == nullptr) {
        qFatal("no QLineEdit named %s", name);
    }
    return found;
}

QLabel* label(QDialog* dialog, const char* name) {
    auto* found = dialog->findChild<QLabel*>(QLatin1StringView(name));
    if (found == nullptr) {
        qFatal("no QLabel named %s", name);
    }
    return found;
}

void retype(QLineEdit* field, const QString& text) {
    field->clear();
    QTest::keyClicks(field, text);
}

// Lets the layouts do what a message coming or going makes them do.
void settle(QDialog* dialog) {
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    dialog->layout()->activate();
    QCoreApplication::processEvents();
}

// The width a line edit's text gets: its contents rectangle in its style, less the text margins
// and the two pixels QLineEdit keeps on each side.
int textRoom(const QLineEdit* field) {
    QStyleOptionFrame option;
    option.initFrom(field);
    option.rect = field->rect();
    option.lineWidth = field->hasFrame() ? field->style()->pixelMetric(QStyle::PM_DefaultFrameWidth,
                                                                       &option, field)
                                         : 0;
    const QRect contents =
        field->style()->subElementRect(QStyle::SE_LineEditContents, &option, field);
    const QMargins margins = field->textMargins();
    return contents.width() - margins.left() - margins.right() - 4;
}

// Every placeholder of the dialog is shown whole.
bool placeholdersFit(QDialog* dialog, QString& why) {
    for (QLineEdit* field : dialog->findChildren<QLineEdit*>()) {
        if (field->placeholderText().isEmpty() || !field->isVisible()) {
            continue;
        }
        const int advance = field->fontMetrics().horizontalAdvance(field->placeholderText());
        if (advance > textRoom(field)) {
            why = QStringLiteral("%1: placeholder \"%2\" takes %3 px of %4")
                      .arg(field->objectName(), field->placeholderText())
                      .arg(advance)
                      .arg(textRoom(field));
            return false;
        }
    }
    return true;
}

// Every message shown is there whole: its wrapped lines fit the label's room.
bool messagesFit(QDialog* dialog, QString& why) {
    for (QLabel* message : dialog->findChildren<QLabel*>()) {
        if (!message->isVisible() || message->text().isEmpty() || !message->wordWrap()) {
            continue;
        }
        const QRect room = message->contentsRect();
        const QRect needed = message->fontMetrics().boundingRect(
            QRect(0, 0, room.width(), 10000), Qt::TextWordWrap | Qt::AlignLeft, message->text());
        if (needed.width() > room.width() || needed.height() > room.height()) {
            why = QStringLiteral("%1: \"%2\" needs %3 x %4 px, has %5 x %6")
                      .arg(message->objectName(), message->text())
                      .arg(needed.width())
                      .arg(needed.height())
                      .arg(room.width())
                      .arg(room.height());
            return false;
        }
    }
    return true;
}

}  // namespace

class tst_Dialogs : public QObject {
    Q_OBJECT

  private slots:
    void init();
    void newOrderSaysADescriptionIsRequired();
    void newOrderAboveTheBalanceWarns();
    void disabledOkSaysWhy();
    void amountsAndIdsAreTrimmed();
    void refundOnItsWaySaysSo();
    void sizeStaysWhenMessagesComeAndGo_data();
    void sizeStaysWhenMessagesComeAndGo();

  private:
    std::unique_ptr<FakeNetwork> m_network;
    std::unique_ptr<ApiClient> m_api;
};

void tst_Dialogs::init() {
    m_network = std::make_unique<FakeNetwork>();
    m_api = std::make_unique<ApiClient>(m_network.get());
    m_api->setBaseUrl(QUrl(QStringLiteral("http://gateway.test")));
    m_network->setHandler([](const SentRequest&) {
        return FakeResponse::json(200, R"({"data":{"order_id":")" + kOrderId.toUtf8() +
                                           R"(","user_id":")" + kUser.toUtf8() +
                                           R"(","items":[]}})");
    });
}

void tst_Dialogs::newOrderSaysADescriptionIsRequired() {
    ui::NewOrderDialog dialog(kUser, QStringLiteral("50.00"));
    dialog.show();
    QLineEdit* description = edit(&dialog, "descriptionEdit");
    QLabel* message = label(&dialog, "descriptionError");
    QTest::keyClicks(edit(&dialog, "amountEdit"), QStringLiteral("10"));

    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), QStringLiteral("a description is required"));
    // Blank is empty: the same refusal, the same words.
    QTest::keyClicks(description, QStringLiteral("   "));
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), QStringLiteral("a description is required"));

    retype(description, QStringLiteral("  a book "));
    QVERIFY(okButton(&dialog)->isEnabled());
    QVERIFY(!message->isVisible());
    const NewOrderRequest request = dialog.request();
    QCOMPARE(request.description, QStringLiteral("a book"));
    QCOMPARE(request.amount, QStringLiteral("10.00"));
    QCOMPARE(request.userId, kUser);

    description->setText(QStringLiteral("two\tparts"));  // pasted: a typed Tab moves the focus
    QVERIFY(!okButton(&dialog)->isEnabled());
    QCOMPARE(message->text(), QStringLiteral("description must not contain control characters"));
}

void tst_Dialogs::newOrderAboveTheBalanceWarns() {
    ui::NewOrderDialog dialog(kUser, QStringLiteral("12.5"));
    dialog.show();
    QLabel* message = label(&dialog, "amountError");
    QLineEdit* amount = edit(&dialog, "amountEdit");
    QTest::keyClicks(edit(&dialog, "descriptionEdit"), QStringLiteral("a book"));

    QTest::keyClicks(amount, QStringLiteral("12.51"));
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), QStringLiteral("More than the balance (12.50): the payment will be "
                                             "refused unless the account is topped up first"));
    // Allowed: the account may be topped up before the payment is taken.
    QVERIFY(okButton(&dialog)->isEnabled());
    QCOMPARE(dialog.request().amount, QStringLiteral("12.51"));
    QString why;
    QVERIFY2(messagesFit(&dialog, why), qPrintable(why));

    retype(amount, QStringLiteral("12.50"));  // all of it: no warning
    QVERIFY(!message->isVisible());
    QVERIFY(okButton(&dialog)->isEnabled());
    retype(amount, QStringLiteral("12.501"));  // an error comes before the warning
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY2(message->text().contains(QLatin1StringView("decimal")), qPrintable(message->text()));

    // The longest warning there can be is on screen whole, in the dialog's first size.
    ui::NewOrderDialog largest(kUser, QStringLiteral("999999999.99"));
    largest.show();
    QVERIFY(QTest::qWaitForWindowExposed(&largest));
    const QSize size = largest.size();
    QTest::keyClicks(edit(&largest, "amountEdit"), QStringLiteral("1000000000"));
    settle(&largest);
    QVERIFY(label(&largest, "amountError")->isVisible());
    const QString shown = QLatin1Char('(') + moneyDisplayText(QStringLiteral("999999999.99")) + ')';
    QVERIFY2(label(&largest, "amountError")->text().contains(shown),
             qPrintable(label(&largest, "amountError")->text()));
    QVERIFY2(messagesFit(&largest, why), qPrintable(why));
    QCOMPARE(largest.size(), size);
}

void tst_Dialogs::disabledOkSaysWhy() {
    // Whenever OK is disabled, some message of the dialog is on screen.
    auto explained = [](QDialog* dialog) {
        if (okButton(dialog)->isEnabled()) {
            return true;
        }
        for (QLabel* message : dialog->findChildren<QLabel*>()) {
            if (message->isVisible() &&
                message->objectName().endsWith(QLatin1StringView("Error")) &&
                !message->text().isEmpty()) {
                return true;
            }
        }
        return false;
    };
    ui::TopUpDialog topUp(kUser, QStringLiteral("1.00"));
    topUp.show();
    QVERIFY(!okButton(&topUp)->isEnabled());
    QVERIFY(explained(&topUp));
    QCOMPARE(label(&topUp, "amountError")->text(), QStringLiteral("amount is required"));
    QTest::keyClicks(edit(&topUp, "amountEdit"), QStringLiteral("   "));
    QVERIFY(explained(&topUp));
    QCOMPARE(label(&topUp, "amountError")->text(), QStringLiteral("amount is required"));

    ui::NewOrderDialog order(kUser, QStringLiteral("1.00"));
    order.show();
    QVERIFY(!okButton(&order)->isEnabled());
    QVERIFY(explained(&order));
    QCOMPARE(label(&order, "amountError")->text(), QStringLiteral("amount is required"));
    QCOMPARE(label(&order, "descriptionError")->text(),
             QStringLiteral("a description is required"));

    ui::NewAccountDialog account;
    account.show();
    QVERIFY(okButton(&account)->isEnabled());  // blank id and no balance: fine
    QTest::keyClicks(edit(&account, "userIdEdit"), QStringLiteral("alice"));
    QVERIFY(!okButton(&account)->isEnabled());
    QVERIFY(explained(&account));
}

void tst_Dialogs::amountsAndIdsAreTrimmed() {
    ui::TopUpDialog topUp(kUser, QStringLiteral("1.00"));
    topUp.show();
    QLineEdit* amount = edit(&topUp, "amountEdit");
    QLabel* message = label(&topUp, "amountError");
    QTest::keyClicks(amount, QStringLiteral(" 10"));
    QVERIFY(okButton(&topUp)->isEnabled());
    QVERIFY(!message->isVisible());
    QCOMPARE(topUp.request().amount, QStringLiteral("10.00"));
    retype(amount, QStringLiteral("1 0"));
    QVERIFY(!okButton(&topUp)->isEnabled());
    QCOMPARE(message->text(), QStringLiteral("amount must not contain whitespace"));

    ui::NewAccountDialog account;
    account.show();
    QTest::keyClicks(edit(&account, "userIdEdit"), u' ' + kUser.toUpper() + u' ');
    QTest::keyClicks(edit(&account, "balanceEdit"), QStringLiteral("5 "));
    QVERIFY(okButton(&account)->isEnabled());
    QCOMPARE(account.request().userId, kUser);
    QCOMPARE(account.request().openingBalance, QStringLiteral("5.00"));
}

void tst_Dialogs::refundOnItsWaySaysSo() {
    Order order;
    order.orderId = kOrderId;
    order.userId = kUser;
    order.amount = QStringLiteral("25.00");
    order.status = QStringLiteral("FINISHED");
    order.refundedAmount = QStringLiteral("0.00");
    m_network->setHandler([](const SentRequest& sent) {
        if (sent.method == "POST") {
            return FakeResponse::heldBack(FakeResponse::json(
                202,
                R"({"data":{"refund_id":"r-1","order_id":")" + kOrderId.toUtf8() +
                    R"(","user_id":")" + kUser.toUtf8() +
                    R"(","amount":"25.00","reason":"damaged","status":"PENDING",)"
                    R"("created_at":"2025-11-22T10:05:00Z","updated_at":"2025-11-22T10:05:00Z"}})"));
        }
        return FakeResponse::json(200, R"({"data":{"order_id":")" + kOrderId.toUtf8() +
                                           R"(","user_id":")" + kUser.toUtf8() +
                                           R"(","items":[]}})");
    });
    ui::RefundDialog dialog(m_api.get(), order);
    dialog.show();
    QTest::keyClicks(edit(&dialog, "reasonEdit"), QStringLiteral(" damaged  "));
    QCOMPARE(dialog.pendingRequest().reason, QStringLiteral("damaged"));
    QSignalSpy requested(&dialog, &ui::RefundDialog::refundRequested);
    okButton(&dialog)->click();
    // Disabled while the refund is on its way, and the button says so.
    QVERIFY(!okButton(&dialog)->isEnabled());
    QCOMPARE(okButton(&dialog)->text(), QStringLiteral("Sending…"));
    QTRY_COMPARE(m_network->heldCount(), 1);
    QVERIFY(m_network->releaseHeld());
    QTRY_COMPARE(requested.count(), 1);
    QVERIFY(!dialog.isVisible());  // accepted: closed
}

void tst_Dialogs::sizeStaysWhenMessagesComeAndGo_data() {
    // Which dialog, and what is typed where to bring its messages up, one after another.
    using Step = std::pair<const char*, QString>;
    QTest::addColumn<int>("which");
    QTest::addColumn<QList<Step>>("steps");
    const QString longest = QString(501, u'x');
    QTest::newRow("top up") << 0
                            << QList<Step>{{"amountEdit", "1.999"},
                                           {"amountEdit", "1000000000.01"},
                                           {"amountEdit", "ten"},
                                           {"amountEdit", "10"}};
    QTest::newRow("new order")
        << 1 << QList<Step>{{"descriptionEdit", "a book"},  {"amountEdit", "1000000000.01"},
                            {"amountEdit", "999999999.99"}, {"descriptionEdit", longest},
                            {"descriptionEdit", "   "},     {"amountEdit", "1.999"},
                            {"descriptionEdit", "a book"},  {"amountEdit", "1"}};
    QTest::newRow("new account") << 2
                                 << QList<Step>{{"userIdEdit", "alice"},
                                                {"balanceEdit", "-5"},
                                                {"userIdEdit", ""},
                                                {"balanceEdit", ""}};
    QTest::newRow("refund") << 3
                            << QList<Step>{{"amountEdit", "25.01"},
                                           {"reasonEdit", QString(201, u'r')},
                                           {"amountEdit", "1"},
                                           {"reasonEdit", ""}};
}

void tst_Dialogs::sizeStaysWhenMessagesComeAndGo() {
    using Step = std::pair<const char*, QString>;
    QFETCH(int, which);
    QFETCH(QList<Step>, steps);
    std::unique_ptr<QDialog> dialog;
    Order order;
    order.orderId = kOrderId;
    order.userId = kUser;
    order.amount = QStringLiteral("25.00");
    order.status = QStringLiteral("FINISHED");
    order.refundedAmount = QStringLiteral("0.00");
    switch (which) {
        case 0:
            dialog = std::make_unique<ui::TopUpDialog>(kUser, QStringLiteral("100.00"));
            break;
        case 1:
            // The longest warning: the amount above the largest balance there can be.
            dialog = std::make_unique<ui::NewOrderDialog>(kUser, QStringLiteral("999999999.99"));
            break;
        case 2:
            dialog = std::make_unique<ui::NewAccountDialog>();
            break;
        default:
            dialog = std::make_unique<ui::RefundDialog>(m_api.get(), order);
            break;
    }
    std::unique_ptr<QSignalSpy> loaded;
    if (auto* refund = qobject_cast<ui::RefundDialog*>(dialog.get())) {
        loaded = std::make_unique<QSignalSpy>(refund->refundsView(), &ui::RefundsView::loaded);
    }
    dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(dialog.get()));
    if (loaded) {
        QTRY_COMPARE(loaded->count(), 1);
    }
    settle(dialog.get());
    const QSize size = dialog->size();
    const QSize hint = dialog->sizeHint();
    QString why;
    QVERIFY2(placeholdersFit(dialog.get(), why), qPrintable(why));
    // A label's mnemonic reaches its field (and its "&" is not shown).
    for (QLabel* title : dialog->findChildren<QLabel*>()) {
        if (title->text().contains(u'&') && title->textFormat() != Qt::RichText) {
            QVERIFY2(title->buddy() != nullptr, qPrintable(title->text()));
        }
    }
    for (const Step& step : steps) {
        retype(edit(dialog.get(), step.first), step.second);
        settle(dialog.get());
        const QString where =
            QStringLiteral("after \"%1\" in %2").arg(step.second.left(20), step.first);
        QVERIFY2(dialog->size() == size, qPrintable(QStringLiteral("%1: %2 x %3, was %4 x %5")
                                                        .arg(where)
                                                        .arg(dialog->width())
                                                        .arg(dialog->height())
                                                        .arg(size.width())
                                                        .arg(size.height())));
        QVERIFY2(dialog->sizeHint() == hint,
                 qPrintable(QStringLiteral("%1: hint %2 x %3, was %4 x %5")
                                .arg(where)
                                .arg(dialog->sizeHint().width())
                                .arg(dialog->sizeHint().height())
                                .arg(hint.width())
                                .arg(hint.height())));
        QVERIFY2(messagesFit(dialog.get(), why), qPrintable(where + QStringLiteral(": ") + why));
        retype(edit(dialog.get(), step.first), QString());
        settle(dialog.get());
        QVERIFY2(placeholdersFit(dialog.get(), why),
                 qPrintable(where + QStringLiteral(": ") + why));
        retype(edit(dialog.get(), step.first), step.second);
    }
}

QTEST_MAIN(tst_Dialogs)
#include "tst_dialogs.moc"
