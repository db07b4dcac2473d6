#include "ui/amount_field.hpp"

#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace shop::client::ui {

AmountField::AmountField(const QString& field, bool positive, bool optional, QWidget* parent)
    : QWidget(parent),
      m_field(field),
      m_positive(positive),
      m_optional(optional),
      m_edit(new QLineEdit(this)),
      m_error(new QLabel(this)) {
    m_edit->setObjectName(QStringLiteral("amountEdit"));
    m_edit->setPlaceholderText(optional ? tr("optional, e.g. 100.00") : tr("e.g. 19.99"));
    m_edit->setAlignment(Qt::AlignRight);
    m_error->setObjectName(QStringLiteral("amountError"));
    m_error->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    // One line, so the dialog widens to show all of it: a wrapping label's extra lines are not
    // part of a top-level layout's minimum size, and the dialog clipped them.
    m_error->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
    setFocusProxy(m_edit);
    connect(m_edit, &QLineEdit::textChanged, this, &AmountField::revalidate);
    m_valid = check().ok();
}

FieldCheck AmountField::check() const {
    const QString text = m_edit->text();
    if (text.isEmpty()) {
        return m_optional ? FieldCheck{} : FieldCheck{QString(), tr("%1 is required").arg(m_field)};
    }
    FieldCheck verdict = checkAmount(text, m_positive, m_field);
    if (verdict.ok() && !m_maximum.isEmpty()) {
        const auto value = moneyMinor(verdict.value);
        const auto maximum = moneyMinor(m_maximum);
        if (value && maximum && *value > *maximum) {
            verdict.error =
                m_maximumWhat.isEmpty()
                    ? tr("%1 must be at most %2").arg(m_field, m_maximum)
                    : tr("%1 must be at most %2 (%3)").arg(m_field, m_maximum, m_maximumWhat);
            verdict.value.clear();
        }
    }
    return verdict;
}

void AmountField::setMaximum(const QString& maximum, const QString& what) {
    m_maximum = maximum;
    m_maximumWhat = what;
    revalidate();
}

void AmountField::revalidate() {
    const FieldCheck verdict = check();
    // An empty required field is not an error to shout about while the person is still typing.
    const bool show = !verdict.ok() && !m_edit->text().isEmpty();
    m_error->setText(show ? verdict.error : QString());
    m_error->setVisible(show);
    m_edit->setStyleSheet(show ? QStringLiteral("border: 1px solid #b71c1c;") : QString());
    if (verdict.ok() != m_valid) {
        m_valid = verdict.ok();
        emit validityChanged(m_valid);
    }
}

}  // namespace shop::client::ui
