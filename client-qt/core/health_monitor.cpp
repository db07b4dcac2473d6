#include "core/health_monitor.hpp"

#include "core/api_client.hpp"

namespace shop::client {

HealthMonitor::HealthMonitor(ApiClient* api, QObject* parent) : QObject(parent), m_api(api) {
    m_timer.setInterval(std::chrono::milliseconds(10000));
    connect(&m_timer, &QTimer::timeout, this, &HealthMonitor::checkNow);
    connect(m_api, &ApiClient::gatewayReached, this, [this](bool reachable) {
        if (!reachable) {
            setState(State::Unreachable, {});
        } else if (m_state == State::Unreachable || m_state == State::Unknown) {
            checkNow();
        }
    });
}

void HealthMonitor::setInterval(std::chrono::milliseconds interval) {
    m_timer.setInterval(interval);
}

void HealthMonitor::start() {
    checkNow();
    m_timer.start();
}

void HealthMonitor::stop() {
    m_timer.stop();
}

void HealthMonitor::checkNow() {
    if (m_inFlight) {
        return;
    }
    m_inFlight = true;
    m_api->checkReadiness(std::chrono::milliseconds(3000), this, [this](const auto& result) {
        m_inFlight = false;
        if (result.ok()) {
            setState(result.value().ready ? State::Ready : State::Degraded, result.value().failing);
        } else if (result.error().kind == ApiError::Kind::Http ||
                   result.error().kind == ApiError::Kind::InvalidResponse) {
            setState(State::Degraded, {result.error().code});
        } else {
            setState(State::Unreachable, {});
        }
    });
}

void HealthMonitor::setState(State state, const QStringList& failing) {
    const bool changed = state != m_state || failing != m_failing;
    m_state = state;
    m_failing = failing;
    if (changed) {
        emit stateChanged(state);
    }
}

}  // namespace shop::client
