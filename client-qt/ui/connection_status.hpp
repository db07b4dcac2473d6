#pragma once

#include <QObject>
#include <QTimer>

#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"

class QLabel;
class QStatusBar;

namespace shop::client::ui {

/// The status bar's permanent part: is the gateway reachable and ready, is the live stream
/// connected (or when it retries), and who is signed in, always visible in words and colour.
class ConnectionStatus final : public QObject {
    Q_OBJECT

  public:
    /// Adds its labels to `bar` and follows the three objects (none owned).
    ConnectionStatus(QStatusBar* bar, HealthMonitor* health, EventStream* stream, AuthSession* auth,
                     QObject* parent = nullptr);

    /// Sets the gateway URL shown in the gateway label's tooltip.
    void setGatewayUrl(const QString& url);

    QLabel* gatewayLabel() const { return m_gatewayLabel; }
    QLabel* streamLabel() const { return m_streamLabel; }
    QLabel* authLabel() const { return m_authLabel; }

  private:
    void updateGateway();
    void updateStream();
    void updateAuth();

    HealthMonitor* m_health;
    EventStream* m_stream;
    AuthSession* m_auth;
    QLabel* m_gatewayLabel;
    QLabel* m_streamLabel;
    QLabel* m_authLabel;
    QString m_gatewayUrl;
    qint64 m_nextAttemptAt = 0;
    int m_attempt = 0;
    QTimer m_countdown;
};

}  // namespace shop::client::ui
