#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>
#include <chrono>

namespace shop::client {

class ApiClient;

/// Whether the gateway is reachable and ready, for the status bar: polls GET /health/ready, and
/// hears at once from the ApiClient when any request could not reach the gateway.
class HealthMonitor final : public QObject {
    Q_OBJECT

  public:
    enum class State { Unknown, Ready, Degraded, Unreachable };
    Q_ENUM(State)

    /// Works on `api` (not owned; it must outlive this object).
    explicit HealthMonitor(ApiClient* api, QObject* parent = nullptr);

    /// Time between polls (default 10 s).
    void setInterval(std::chrono::milliseconds interval);
    /// Polls now and then every interval.
    void start();
    void stop();
    /// One poll now.
    void checkNow();

    State state() const { return m_state; }
    /// What is not ready (e.g. "orders.broker"), when Degraded.
    QStringList failing() const { return m_failing; }

  signals:
    void stateChanged(shop::client::HealthMonitor::State state);

  private:
    void setState(State state, const QStringList& failing);

    ApiClient* m_api;
    QTimer m_timer;
    State m_state = State::Unknown;
    QStringList m_failing;
    bool m_inFlight = false;
};

}  // namespace shop::client
