#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>
#include <chrono>

#include "core/api_error.hpp"

namespace shop::client {

class ApiClient;

/// The operator's session: signs in with POST /auth/token, hands the token to the ApiClient,
/// renews it before it expires, and asks for a new sign-in when the gateway answers 401.
///
/// The password is kept in memory only (renewal signs in again with it; the contract has no
/// refresh token) and is never written anywhere. Every answer of POST /auth/token other than a
/// token (401 for bad credentials, 429 after too many failures, 404, 5xx, a timeout) ends the
/// sign-in with signInFailed().
class AuthSession final : public QObject {
    Q_OBJECT

  public:
    enum class State { SignedOut, SigningIn, SignedIn };
    Q_ENUM(State)

    /// Works on `api` (not owned; it must outlive this object).
    explicit AuthSession(ApiClient* api, QObject* parent = nullptr);

    /// Asks for a token; ends in signedIn() or signInFailed().
    void signIn(const QString& username, const QString& password);
    /// Forgets the token and the password.
    void signOut();

    State state() const { return m_state; }
    QString username() const { return m_username; }
    /// The role of the token ("operator"); empty unless signed in.
    QString role() const { return m_role; }
    /// When the current token expires; invalid unless signed in.
    QDateTime expiresAt() const { return m_expiresAt; }

    /// When to renew a token that lives `lifetime`: a minute before it expires, or after three
    /// quarters of a lifetime shorter than two minutes.
    static std::chrono::milliseconds renewalDelay(std::chrono::seconds lifetime);

  signals:
    void stateChanged(shop::client::AuthSession::State state);
    void signedIn();
    void signInFailed(const shop::client::ApiError& error);
    /// A new token (empty when it was dropped); also handed to the ApiClient already.
    void tokenChanged(const QString& token);
    /// The token was renewed before it expired.
    void renewed();
    /// The gateway refused the token (401) or it could not be renewed: sign in again.
    void signInRequired(const QString& reason);

  private:
    void requestToken(bool renewal);
    void dropToken(const QString& reason);
    void setState(State state);

    ApiClient* m_api;
    State m_state = State::SignedOut;
    QString m_username;
    QString m_password;
    QString m_role;
    QDateTime m_expiresAt;
    QTimer m_renewTimer;
    quint64 m_attempt = 0;  ///< grows on every sign-in and sign-out; older answers are dropped
};

}  // namespace shop::client
