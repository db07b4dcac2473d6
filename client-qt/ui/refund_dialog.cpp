#include "ui/refund_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

#include "core/api_client.hpp"
#include "core/input_validation.hpp"
#include "core/money_text.hpp"
#include "core/refund_model.hpp"
#include "ui/amount_field.hpp"
#include "ui/form_field.hpp"
#include "ui/refunds_view.hpp"

namespace shop::client::ui {

RefundDialog::RefundDialog(ApiClient* api, const Order& order, QWidget* parent)
    : QDialog(parent),
      m_api(api),
      m_order(order),
      m_amount(new AmountField(QStringLiteral("amount"), true, false, this)),
      m_reason(new QLineEdit(this)),
      m_reasonError(new FieldMessage(this)),
      m_refundable(new QLabel(this)),
      m_error(new QLabel(this)),
      m_refunds(new RefundsView(api, order.orderId, this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("refundDialog"));
    setWindowTitle(tr("Refund order %1").arg(order.orderId.left(8)));
    setMinimumWidth(620);
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("optional, at most 200 characters"));
    reserveTextRoom(m_reason);
    m_reasonError->setObjectName(QStringLiteral("reasonError"));
    m_refundable->setObjectName(QStringLiteral("refundableLabel"));
    m_error->setObjectName(QStringLiteral("refundError"));
    m_error->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto* orderId = new QLabel(order.orderId, this);
    orderId->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* account = new QLabel(order.userId, this);
    account->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* form = new QFormLayout;
    form->addRow(tr("Order"), orderId);
    form->addRow(tr("Account"), account);
    form->addRow(tr("Order amount"), new QLabel(moneyDisplayText(order.amount), this));
    form->addRow(tr("Still refundable"), m_refundable);
    form->addRow(tr("&Amount"), m_amount);
    addRowWithMessage(form, tr("R&eason"), m_reason, m_reasonError);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(new QLabel(tr("Refunds of this order"), this));
    layout->addWidget(m_refunds, 1);
    layout->addWidget(m_buttons);

    // Until the refunds are read: what the order says is not refunded yet (pending refunds
    // are not in it; the server judges in the end).
    const qint64 amount = moneyMinor(order.amount).value_or(0);
    const qint64 refunded = moneyMinor(order.refundedAmount).value_or(0);
    applyRemainder(moneyText(std::max<qint64>(0, amount - refunded)));

    connect(m_amount->lineEdit(), &QLineEdit::textEdited, this, [this] { m_amountEdited = true; });
    connect(m_amount, &AmountField::validityChanged, this, &RefundDialog::updateButtons);
    connect(m_reason, &QLineEdit::textChanged, this, [this] {
        const FieldCheck verdict = checkRefundReason(m_reason->text());
        m_reasonError->setMessage(FieldMessage::Kind::Error, verdict.error);
        updateButtons();
    });
    connect(m_refunds, &RefundsView::loaded, this, [this](bool ok) {
        if (ok) {
            applyRemainder(m_refunds->model()->refundableOf(m_order.amount));
        }
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RefundDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateButtons();
    m_amount->setFocus();
}

void RefundDialog::applyRemainder(const QString& remainder) {
    m_refundable->setText(moneyDisplayText(remainder));
    m_amount->setMaximum(remainder, tr("still refundable"));
    if (!m_amountEdited) {
        m_amount->lineEdit()->setText(remainder);
    }
}

RefundRequest RefundDialog::pendingRequest() const {
    RefundRequest request = RefundRequest::make(m_order.orderId, m_amount->check().value,
                                                checkRefundReason(m_reason->text()).value);
    if (m_retryable && m_retryable->sameRefundAs(request)) {
        return *m_retryable;
    }
    return request;
}

void RefundDialog::submit() {
    if (m_busy || !m_amount->isValid() || !checkRefundReason(m_reason->text()).ok()) {
        return;
    }
    const RefundRequest request = pendingRequest();
    m_busy = true;
    m_error->hide();
    updateButtons();
    m_api->requestRefund(request, this, [this, request](const ApiResult<Refund>& result) {
        m_busy = false;
        if (result.ok()) {
            m_retryable.reset();
            m_refunds->addRefund(result.value());
            emit refundRequested(result.value());
            accept();
            return;
        }
        // Only a failure that may not have reached the server keeps the key for a retry; after
        // any other the next send is a new refund.
        if (result.error().isRetryable()) {
            m_retryable = request;
        } else {
            m_retryable.reset();
        }
        showFailure(result.error());
        updateButtons();
    });
}

void RefundDialog::showFailure(const ApiError& error) {
    QString text = tr("The refund failed: %1").arg(error.describe());
    if (error.isRetryable()) {
        text += u'\n' + tr("Refund again to retry: the same request is sent, refunded once.");
    }
    m_error->setText(text);
    m_error->show();
    if (error.httpStatus == 409 || error.httpStatus == 404) {
        // What is refundable changed (or the order did): read it again.
        m_refunds->reload();
    }
}

void RefundDialog::updateButtons() {
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(!m_busy && m_amount->isValid() && checkRefundReason(m_reason->text()).ok());
    // Invalid input says why under its field; a refund on its way says so on the button.
    ok->setText(m_busy ? tr("Sending…") : tr("&Refund"));
}

}  // namespace shop::client::ui
