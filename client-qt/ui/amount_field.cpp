#include "ui/amount_field.hpp"

#include <QLineEdit>
#include <QVBoxLayout>

#include "ui/form_field.hpp"

namespace shop::client::ui {

AmountField::AmountField(const QString& field, bool positive, bool optional, QWidget* parent)
    : QWidget(parent),
      m_field(field),
      m_positive(positive),
      m_optional(optional),
      m_edit(new QLineEdit(this)),
      m_message(new FieldMessage(this)) {
    m_edit->setObjectName(QStringLiteral("amountEdit"));
    m_edit->setPlaceholderText(optional ? tr("optional, e.g. 100.00") : tr("e.g. 19.99"));
    m_edit->setAlignment(Qt::AlignRight);
    reserveTextRoom(m_edit);
    m_message->setObjectName(QStringLiteral("amountError"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_edit);
    layout->addWidget(m_message);
    setFocusProxy(m_edit);
    connect(m_edit, &QLineEdit::textChanged, this, &AmountField::revalidate);
    m_valid = check().ok();
    revalidate();
}

FieldCheck AmountField::check() const {
    const QString text = m_edit->text().trimmed();
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

void AmountField::setWarningAbove(const QString& limit, const QString& warning) {
    m_warningLimit = limit;
    m_warning = warning;
    revalidate();
}

bool AmountField::isOverWarningLimit(const FieldCheck& verdict) const {
    if (!verdict.ok() || m_warning.isEmpty()) {
        return false;
    }
    const auto value = moneyMinor(verdict.value);
    const auto limit = moneyMinor(m_warningLimit);
    return value && limit && *value > *limit;
}

void AmountField::revalidate() {
    const FieldCheck verdict = check();
    const bool typed = !m_edit->text().isEmpty();
    if (!verdict.ok()) {
        // Nothing typed yet is no mistake, but the field still says what it needs.
        m_message->setMessage(typed ? FieldMessage::Kind::Error : FieldMessage::Kind::Hint,
                              verdict.error);
    } else if (isOverWarningLimit(verdict)) {
        m_message->setMessage(FieldMessage::Kind::Warning, m_warning);
    } else {
        m_message->clearMessage();
    }
    if (verdict.ok() != m_valid) {
        m_valid = verdict.ok();
        emit validityChanged(m_valid);
    }
}

}  // namespace shop::client::ui
