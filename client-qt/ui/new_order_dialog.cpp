#include "ui/new_order_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/input_validation.hpp"
#include "ui/amount_field.hpp"
#include "ui/form_field.hpp"

namespace shop::client::ui {

NewOrderDialog::NewOrderDialog(const QString& userId, const QString& balance, QWidget* parent)
    : QDialog(parent),
      m_userId(userId),
      m_amount(new AmountField(QStringLiteral("amount"), true, false, this)),
      m_description(new QLineEdit(this)),
      m_descriptionError(new FieldMessage(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("newOrderDialog"));
    setWindowTitle(tr("New order"));
    setMinimumWidth(520);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Place order"));
    m_description->setObjectName(QStringLiteral("descriptionEdit"));
    m_description->setPlaceholderText(tr("what is bought, e.g. a book"));
    reserveTextRoom(m_description);
    m_descriptionError->setObjectName(QStringLiteral("descriptionError"));
    auto* account = new QLabel(userId, this);
    account->setTextInteractionFlags(Qt::TextSelectableByMouse);
    const QString balanceShown = moneyShown(balance);
    // An order above the balance is allowed (the account may be topped up before the payment
    // is taken), but not without saying how it will end otherwise.
    m_amount->setWarningAbove(
        balance, tr("More than the balance (%1): the payment will be refused unless the account "
                    "is topped up first")
                     .arg(balanceShown));

    auto* form = new QFormLayout;
    form->addRow(tr("Account"), account);
    form->addRow(tr("Balance"), new QLabel(balanceShown, this));
    form->addRow(tr("&Amount"), m_amount);
    addRowWithMessage(form, tr("&Description"), m_description, m_descriptionError);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    connect(m_amount, &AmountField::validityChanged, this, &NewOrderDialog::revalidate);
    connect(m_description, &QLineEdit::textChanged, this, &NewOrderDialog::revalidate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    revalidate();
    m_amount->setFocus();
}

NewOrderRequest NewOrderDialog::request() const {
    return NewOrderRequest::make(m_userId, m_amount->check().value,
                                 checkDescription(m_description->text()).value);
}

void NewOrderDialog::revalidate() {
    const FieldCheck description = checkDescription(m_description->text());
    if (description.ok()) {
        m_descriptionError->clearMessage();
    } else {
        // Nothing typed yet is no mistake, but the field still says what it needs.
        m_descriptionError->setMessage(
            m_description->text().isEmpty() ? FieldMessage::Kind::Hint : FieldMessage::Kind::Error,
            description.error);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(description.ok() && m_amount->isValid());
}

}  // namespace shop::client::ui
