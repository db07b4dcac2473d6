#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace shop::client {
class AuthSession;
}

namespace shop::client::ui {

/// Asks for the operator's username and password and signs in through the AuthSession; stays
/// open with the reason when that fails (wrong credentials, too many attempts, gateway down).
/// Accepted once signed in. The password only lives in the field and in the session's memory.
class SignInDialog final : public QDialog {
    Q_OBJECT

  public:
    SignInDialog(AuthSession* session, const QString& username, const QString& reason,
                 QWidget* parent = nullptr);

    QString username() const;
    /// Fills in both fields and signs in at once (credentials given at start).
    void submitWith(const QString& username, const QString& password);

  private:
    void submit();
    void setBusy(bool busy);

    AuthSession* m_session;
    QLabel* m_reason;
    QLineEdit* m_username;
    QLineEdit* m_password;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
};

}  // namespace shop::client::ui
