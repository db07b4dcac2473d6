#pragma once

#include <QWidget>

#include "core/input_validation.hpp"

class QLabel;
class QLineEdit;

namespace shop::client::ui {

/// A money input that accepts exactly what the API accepts and says what is wrong right under
/// the field while typing, so nothing invalid is ever sent.
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
    QLineEdit* lineEdit() const { return m_edit; }

  signals:
    void validityChanged(bool valid);

  private:
    void revalidate();

    QString m_field;
    bool m_positive;
    bool m_optional;
    QString m_maximum;
    QString m_maximumWhat;
    QLineEdit* m_edit;
    QLabel* m_error;
    bool m_valid = false;
};

}  // namespace shop::client::ui
