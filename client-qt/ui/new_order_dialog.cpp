#include "ui/new_order_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/input_validation.hpp"
#include "core/money_text.hpp"
#include "ui/amount_field.hpp"

namespace shop::client::ui {

NewOrderDialog::NewOrderDialog(const QString& userId, const QString& balance, QWidget* parent)
    : QDialog(parent),
      m_userId(userId),
      m_amount(new AmountField(QStringLiteral("amount"), true, false, this)),
      m_description(new QLineEdit(this)),
      m_descriptionError(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("newOrderDialog"));
    setWindowTitle(tr("New order"));
    setMinimumWidth(420);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Place order"));
    m_description->setObjectName(QStringLiteral("descriptionEdit"));
    m_description->setPlaceholderText(tr("what is bought, e.g. a book"));
    m_descriptionError->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_descriptionError->hide();
    auto* account = new QLabel(userId, this);
    account->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QFormLayout;
    form->addRow(tr("Account"), account);
    form->addRow(tr("Balance"), new QLabel(moneyDisplayText(balance), this));
    form->addRow(tr("&Amount"), m_amount);
    form->addRow(tr("&Description"), m_description);
    form->addRow(QString(), m_descriptionError);
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
    return NewOrderRequest::make(m_userId, m_amount->check().value, m_description->text());
}

void NewOrderDialog::revalidate() {
    const FieldCheck description = checkDescription(m_description->text());
    const bool show = !description.ok() && !m_description->text().isEmpty();
    m_descriptionError->setText(show ? description.error : QString());
    m_descriptionError->setVisible(show);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(description.ok() && m_amount->isValid());
}

}  // namespace shop::client::ui
