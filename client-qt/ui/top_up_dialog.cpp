#include "ui/top_up_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/amount_field.hpp"
#include "ui/form_field.hpp"

namespace shop::client::ui {

TopUpDialog::TopUpDialog(const QString& userId, const QString& balance, QWidget* parent)
    : QDialog(parent),
      m_userId(userId),
      m_amount(new AmountField(QStringLiteral("amount"), true, false, this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName(QStringLiteral("topUpDialog"));
    setWindowTitle(tr("Top up"));
    setMinimumWidth(460);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Top up"));
    auto* account = new QLabel(userId, this);
    account->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* form = new QFormLayout;
    form->addRow(tr("Account"), account);
    form->addRow(tr("Balance"), new QLabel(moneyShown(balance), this));
    form->addRow(tr("&Amount"), m_amount);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    auto update = [this] {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_amount->isValid());
    };
    connect(m_amount, &AmountField::validityChanged, this, update);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    update();
    m_amount->setFocus();
}

TopUpRequest TopUpDialog::request() const {
    return TopUpRequest::make(m_userId, m_amount->check().value);
}

}  // namespace shop::client::ui
