#include "ui/new_account_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/input_validation.hpp"
#include "ui/amount_field.hpp"

namespace shop::client::ui {

NewAccountDialog::NewAccountDialog(QWidget* parent)
    : QDialog(parent),
      m_userId(new QLineEdit(this)),
      m_userIdError(new QLabel(this)),
      m_balance(new AmountField(QStringLiteral("balance"), false, true, this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("newAccountDialog"));
    setWindowTitle(tr("New account"));
    m_userId->setObjectName(QStringLiteral("userIdEdit"));
    m_userId->setPlaceholderText(tr("blank: a new random id"));
    m_userIdError->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_userIdError->hide();
    m_balance->lineEdit()->setObjectName(QStringLiteral("balanceEdit"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));

    auto* form = new QFormLayout;
    form->addRow(tr("&User id"), m_userId);
    form->addRow(QString(), m_userIdError);
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
    m_userIdError->setText(userId.error);
    m_userIdError->setVisible(!userId.ok());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(userId.ok() && m_balance->isValid());
}

}  // namespace shop::client::ui
