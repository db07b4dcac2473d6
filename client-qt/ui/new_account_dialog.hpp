#pragma once

#include <QDialog>

#include "core/requests.hpp"

class QDialogButtonBox;
class QLineEdit;

namespace shop::client::ui {

class AmountField;
class FieldMessage;

/// Collects a new account: an optional user id (a random one when blank; whitespace around it
/// trimmed) and an optional opening balance, both checked inline. OK is enabled only for valid
/// input, and the field at fault says why it is not.
class NewAccountDialog final : public QDialog {
    Q_OBJECT

  public:
    explicit NewAccountDialog(QWidget* parent = nullptr);

    /// The request to send; only meaningful after the dialog was accepted.
    NewAccountRequest request() const;

  private:
    void revalidate();

    QLineEdit* m_userId;
    FieldMessage* m_userIdError;
    AmountField* m_balance;
    QDialogButtonBox* m_buttons;
};

}  // namespace shop::client::ui
