#pragma once

#include <QDialog>
#include <QUrl>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace shop::client {
class AuthSession;
}

namespace shop::client::ui {

/// Asks for the operator's username and password and signs in through the AuthSession; stays
/// open with the reason when that fails (wrong credentials, too many attempts, gateway down).
/// Accepted once signed in. The password only lives in the field and in the session's memory.
/// It names the gateway it signs in to, and when that gateway cannot be reached it says so and
/// offers Settings (settingsRequested()) to change it.
class SignInDialog final : public QDialog {
    Q_OBJECT

  public:
    SignInDialog(AuthSession* session, const QUrl& gatewayUrl, const QString& username,
                 const QString& reason, QWidget* parent = nullptr);

    QString username() const;
    /// Fills in both fields and signs in at once (credentials given at start).
    void submitWith(const QString& username, const QString& password);
    /// The gateway shown (after Settings switched to another).
    void setGatewayUrl(const QUrl& url);
    /// Why the sign-in is asked for; empty hides it.
    void setReason(const QString& reason);
    /// Shows or hides the note that the gateway cannot be reached (e.g. from the health checks,
    /// before any attempt to sign in).
    void setGatewayUnreachable(bool unreachable);

  signals:
    /// The operator asked for Settings (to change the gateway URL).
    void settingsRequested();

  private:
    void submit();
    void setBusy(bool busy);
    QString unreachableText() const;

    AuthSession* m_session;
    QUrl m_gatewayUrl;
    QLabel* m_reason;
    QLabel* m_gateway;
    QPushButton* m_settings;
    QLabel* m_unreachable;
    QLineEdit* m_username;
    QLineEdit* m_password;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
};

}  // namespace shop::client::ui
