#pragma once

#include <QWidget>

#include "core/input_validation.hpp"

class QLineEdit;

namespace shop::client::ui {

class FieldMessage;

/// A money input that accepts exactly what the API accepts (whitespace around the amount
/// trimmed) and says right under the field, while typing, what is wrong or still missing, so
/// nothing invalid is ever sent and a disabled OK is never unexplained.
class AmountField final : public QWidget {
    Q_OBJECT

  public:
    /// `positive`: zero is refused; `optional`: empty is fine; `field` names it in messages.
    AmountField(const QString& field, bool positive, bool optional, QWidget* parent = nullptr);

    /// The verdict on the current text; when ok(), value() is the normalized amount (empty for
    /// an optional field left empty).
    FieldCheck check() const;
    bool isValid() const { return check().ok(); }
    /// The largest amount accepted (normalized money text; empty for no limit beyond the
    /// API's); `what` says what the limit is ("still refundable") in the message. Revalidates.
    void setMaximum(const QString& maximum, const QString& what = {});
    QString maximum() const { return m_maximum; }
    /// Above `limit` (normalized money text) an amount is still accepted, but `warning` shows
    /// under the field; an empty `warning` removes it. Revalidates.
    void setWarningAbove(const QString& limit, const QString& warning);
    QLineEdit* lineEdit() const { return m_edit; }

  signals:
    void validityChanged(bool valid);

  private:
    void revalidate();
    bool isOverWarningLimit(const FieldCheck& verdict) const;

    QString m_field;
    bool m_positive;
    bool m_optional;
    QString m_maximum;
    QString m_maximumWhat;
    QString m_warningLimit;
    QString m_warning;
    QLineEdit* m_edit;
    FieldMessage* m_message;
    bool m_valid = false;
};

}  // namespace shop::client::ui
