#pragma once

#include <QDialog>

#include "core/requests.hpp"

class QDialogButtonBox;
class QLineEdit;

namespace shop::client::ui {

class AmountField;
class FieldMessage;

/// Collects an order for one account: an amount > 0 and a description of 1..500 characters
/// (trimmed; a blank one is "required"), both checked inline. An amount above the account's
/// `balance` (money text) is accepted with a warning: the payment will be refused unless the
/// account is topped up first.
class NewOrderDialog final : public QDialog {
    Q_OBJECT

  public:
    NewOrderDialog(const QString& userId, const QString& balance, QWidget* parent = nullptr);

    /// The request to send, with a new Idempotency-Key; only meaningful once accepted.
    NewOrderRequest request() const;

  private:
    void revalidate();

    QString m_userId;
    AmountField* m_amount;
    QLineEdit* m_description;
    FieldMessage* m_descriptionError;
    QDialogButtonBox* m_buttons;
};

}  // namespace shop::client::ui
