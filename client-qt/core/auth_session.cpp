#include "core/auth_session.hpp"

#include <algorithm>

#include "core/api_client.hpp"

namespace shop::client {
namespace {

constexpr std::chrono::milliseconds kRenewRetry{5000};

}  // namespace

AuthSession::AuthSession(ApiClient* api, QObject* parent) : QObject(parent), m_api(api) {
    m_renewTimer.setSingleShot(true);
    connect(&m_renewTimer, &QTimer::timeout, this, [this] { requestToken(true); });
    connect(m_api, &ApiClient::unauthorized, this, [this](const ApiError& error) {
        if (m_state == State::SigningIn) {
            return;
        }
        dropToken(
            tr("The gateway refused the session (%1). Please sign in again.").arg(error.message));
    });
}

std::chrono::milliseconds AuthSession::renewalDelay(std::chrono::seconds lifetime) {
    using namespace std::chrono;
    if (lifetime > seconds(120)) {
        return duration_cast<milliseconds>(lifetime - seconds(60));
    }
    return std::max(milliseconds(500), duration_cast<milliseconds>(lifetime) * 3 / 4);
}

void AuthSession::signIn(const QString& username, const QString& password) {
    m_username = username;
    m_password = password;
    ++m_attempt;
    m_renewTimer.stop();
    setState(State::SigningIn);
    requestToken(false);
}

void AuthSession::signOut() {
    ++m_attempt;
    m_renewTimer.stop();
    m_password.clear();
    m_role.clear();
    m_expiresAt = QDateTime();
    m_api->setAccessToken(QString());
    emit tokenChanged(QString());
    setState(State::SignedOut);
}

void AuthSession::requestToken(bool renewal) {
    const quint64 attempt = m_attempt;
    m_api->requestToken(m_username, m_password, this, [this, renewal, attempt](const auto& result) {
        if (attempt != m_attempt) {
            return;  // signed out, or signed in anew, since this was asked for
        }
        if (result.ok()) {
            const TokenGrant& grant = result.value();
            m_role = grant.role;
            const auto lifetime = std::chrono::seconds(grant.expiresIn);
            m_expiresAt = QDateTime::currentDateTimeUtc().addSecs(grant.expiresIn);
            m_api->setAccessToken(grant.accessToken);
            m_renewTimer.start(renewalDelay(lifetime));
            setState(State::SignedIn);
            emit tokenChanged(grant.accessToken);
            if (renewal) {
                emit renewed();
            } else {
                emit signedIn();
            }
            return;
        }
        const ApiError& error = result.error();
        if (!renewal) {
            m_password.clear();
            setState(State::SignedOut);
            emit signInFailed(error);
            return;
        }
        // A renewal that failed for a passing reason is tried again while the token lives.
        const auto left =
            std::chrono::milliseconds(QDateTime::currentDateTimeUtc().msecsTo(m_expiresAt));
        if (error.isRetryable() && left > kRenewRetry) {
            m_renewTimer.start(kRenewRetry);
            return;
        }
        dropToken(
            tr("The session could not be renewed (%1). Please sign in again.").arg(error.message));
    });
}

void AuthSession::dropToken(const QString& reason) {
    ++m_attempt;
    m_renewTimer.stop();
    m_password.clear();
    m_role.clear();
    m_expiresAt = QDateTime();
    m_api->setAccessToken(QString());
    setState(State::SignedOut);
    emit tokenChanged(QString());
    emit signInRequired(reason);
}

void AuthSession::setState(State state) {
    if (m_state == state) {
        return;
    }
    m_state = state;
    emit stateChanged(state);
}

}  // namespace shop::client
