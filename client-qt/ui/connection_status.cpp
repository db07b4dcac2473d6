#include "ui/connection_status.hpp"

#include <QDateTime>
#include <QLabel>
#include <QStatusBar>

namespace shop::client::ui {
namespace {

void paint(QLabel* label, const QString& text, const QString& colour, const QString& tooltip) {
    label->setText(QStringLiteral("<span style='color:%1'>\u25cf</span> %2")
                       .arg(colour, text.toHtmlEscaped()));
    label->setToolTip(tooltip);
}

const QString kGreen = QStringLiteral("#2e7d32");
const QString kAmber = QStringLiteral("#ef8f00");
const QString kRed = QStringLiteral("#c62828");
const QString kGrey = QStringLiteral("#757575");

}  // namespace

ConnectionStatus::ConnectionStatus(QStatusBar* bar, HealthMonitor* health, EventStream* stream,
                                   AuthSession* auth, QObject* parent)
    : QObject(parent),
      m_health(health),
      m_stream(stream),
      m_auth(auth),
      m_gatewayLabel(new QLabel(bar)),
      m_streamLabel(new QLabel(bar)),
      m_authLabel(new QLabel(bar)) {
    m_gatewayLabel->setObjectName(QStringLiteral("gatewayStatus"));
    m_streamLabel->setObjectName(QStringLiteral("streamStatus"));
    m_authLabel->setObjectName(QStringLiteral("authStatus"));
    for (QLabel* label : {m_authLabel, m_gatewayLabel, m_streamLabel}) {
        label->setTextFormat(Qt::RichText);
        label->setContentsMargins(6, 0, 6, 0);
        bar->addPermanentWidget(label);
    }
    connect(health, &HealthMonitor::stateChanged, this, &ConnectionStatus::updateGateway);
    connect(stream, &EventStream::stateChanged, this, &ConnectionStatus::updateStream);
    connect(stream, &EventStream::reconnectScheduled, this, [this](int attempt, qint64 delayMs) {
        m_attempt = attempt;
        m_nextAttemptAt = QDateTime::currentMSecsSinceEpoch() + delayMs;
        m_countdown.start(500);
        updateStream();
    });
    connect(&m_countdown, &QTimer::timeout, this, &ConnectionStatus::updateStream);
    connect(auth, &AuthSession::stateChanged, this, &ConnectionStatus::updateAuth);
    connect(auth, &AuthSession::tokenChanged, this, &ConnectionStatus::updateAuth);
    updateGateway();
    updateStream();
    updateAuth();
}

void ConnectionStatus::setGatewayUrl(const QString& url) {
    m_gatewayUrl = url;
    updateGateway();
}

void ConnectionStatus::updateGateway() {
    const QString where = tr("Gateway %1").arg(m_gatewayUrl);
    switch (m_health->state()) {
        case HealthMonitor::State::Unknown:
            paint(m_gatewayLabel, tr("Gateway: checking…"), kGrey, where);
            break;
        case HealthMonitor::State::Ready:
            paint(m_gatewayLabel, tr("Gateway: ready"), kGreen, where);
            break;
        case HealthMonitor::State::Degraded:
            paint(m_gatewayLabel, tr("Gateway: degraded"), kAmber,
                  where + u'\n' + tr("Not ready: %1").arg(m_health->failing().join(u", ")));
            break;
        case HealthMonitor::State::Unreachable:
            paint(m_gatewayLabel, tr("Gateway: unreachable"), kRed, where);
            break;
    }
}

void ConnectionStatus::updateStream() {
    const QString tooltip = m_stream->url().toString();
    switch (m_stream->state()) {
        case EventStream::State::Stopped:
            m_countdown.stop();
            paint(m_streamLabel, tr("Live: off"), kGrey, tooltip);
            break;
        case EventStream::State::Connecting:
            paint(m_streamLabel, tr("Live: connecting…"), kAmber, tooltip);
            break;
        case EventStream::State::Connected:
            m_countdown.stop();
            paint(m_streamLabel, tr("Live: connected"), kGreen, tooltip);
            break;
        case EventStream::State::Reconnecting: {
            const qint64 left = m_nextAttemptAt - QDateTime::currentMSecsSinceEpoch();
            if (left > 0) {
                paint(m_streamLabel,
                      tr("Live: reconnecting in %1 s (attempt %2)")
                          .arg((left + 999) / 1000)
                          .arg(m_attempt + 1),
                      kRed, tooltip);
            } else {
                m_countdown.stop();
                paint(m_streamLabel, tr("Live: reconnecting…"), kAmber, tooltip);
            }
            break;
        }
    }
}

void ConnectionStatus::updateAuth() {
    switch (m_auth->state()) {
        case AuthSession::State::SignedOut:
            paint(m_authLabel, tr("Signed out"), kRed, QString());
            break;
        case AuthSession::State::SigningIn:
            paint(m_authLabel, tr("Signing in…"), kAmber, QString());
            break;
        case AuthSession::State::SignedIn:
            paint(m_authLabel, tr("Signed in as %1 (%2)").arg(m_auth->username(), m_auth->role()),
                  kGreen,
                  tr("Token renews itself; expires %1")
                      .arg(m_auth->expiresAt().toLocalTime().toString(Qt::ISODate)));
            break;
    }
}

}  // namespace shop::client::ui
