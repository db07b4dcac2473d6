#include "ui/new_account_dialog.hpp"

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

NewAccountDialog::NewAccountDialog(QWidget* parent)
    : QDialog(parent),
      m_userId(new QLineEdit(this)),
      m_userIdError(new FieldMessage(this)),
      m_balance(new AmountField(QStringLiteral("balance"), false, true, this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("newAccountDialog"));
    setWindowTitle(tr("New account"));
    m_userId->setObjectName(QStringLiteral("userIdEdit"));
    m_userId->setPlaceholderText(tr("blank: a new random id"));
    // Room for a whole UUID, the id this field takes.
    reserveTextRoom(m_userId, QStringLiteral("3f2b6c1e-8a4d-4e8f-9b1a-2c3d4e5f6a7b"));
    reserveTextRoom(m_userId);
    m_userIdError->setObjectName(QStringLiteral("userIdError"));
    m_balance->lineEdit()->setObjectName(QStringLiteral("balanceEdit"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));

    auto* form = new QFormLayout;
    addRowWithMessage(form, tr("&User id"), m_userId, m_userIdError);
    form->addRow(tr("Opening &balance"), m_balance);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    connect(m_userId, &QLineEdit::textChanged, this, &NewAccountDialog::revalidate);
    connect(m_balance, &AmountField::validityChanged, this, &NewAccountDialog::revalidate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    revalidate();
    m_balance->setFocus();
}

NewAccountRequest NewAccountDialog::request() const {
    return NewAccountRequest::make(checkUserId(m_userId->text(), true).value,
                                   m_balance->check().value);
}

void NewAccountDialog::revalidate() {
    const FieldCheck userId = checkUserId(m_userId->text(), true);
    m_userIdError->setMessage(FieldMessage::Kind::Error, userId.error);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(userId.ok() && m_balance->isValid());
}

}  // namespace shop::client::ui
