#include "core/event_stream.hpp"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QWebSocket>
#include <algorithm>

#include "core/wire.hpp"

namespace shop::client {

EventStream::EventStream(QObject* parent) : QObject(parent) {
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &EventStream::openSocket);
    connect(&m_pingTimer, &QTimer::timeout, this, &EventStream::checkAlive);
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_socket != nullptr && m_state != State::Connected) {
            dropSocket(m_socket);
        }
    });
}

EventStream::~EventStream() {
    const QSignalBlocker blocker(this);
    stop();
}

QUrl EventStream::urlFor(const QUrl& gatewayUrl) {
    QUrl url = gatewayUrl;
    url.setScheme(gatewayUrl.scheme() == QLatin1StringView("https") ? QStringLiteral("wss")
                                                                    : QStringLiteral("ws"));
    QString path = url.path();
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    url.setPath(path + QStringLiteral("/ws/orders"));
    url.setQuery(QString());
    return url;
}

void EventStream::setUrl(const QUrl& url) {
    m_url = url;
}

void EventStream::setAccessToken(const QString& token) {
    m_accessToken = token;
}

void EventStream::setBackoff(const Backoff& backoff) {
    m_backoff = backoff;
}

void EventStream::setPingInterval(std::chrono::milliseconds interval) {
    m_pingInterval = interval;
    if (m_pingInterval.count() <= 0) {
        m_pingTimer.stop();
    } else if (m_state == State::Connected) {
        m_pingTimer.start(m_pingInterval);
    }
}

void EventStream::setConnectTimeout(std::chrono::milliseconds timeout) {
    m_connectTimeout = std::max(timeout, std::chrono::milliseconds(1));
}

void EventStream::start() {
    if (m_state != State::Stopped) {
        return;
    }
    m_attempt = 0;
    m_connectedBefore = false;
    openSocket();
}

void EventStream::stop() {
    m_reconnectTimer.stop();
    m_connectTimer.stop();
    m_pingTimer.stop();
    retireSocket();
    setState(State::Stopped);
}

void EventStream::reconnectNow() {
    if (m_state == State::Stopped) {
        return;
    }
    m_reconnectTimer.stop();
    openSocket();
}

std::chrono::milliseconds EventStream::backoffFor(int attempt) const {
    auto delay = std::max(m_backoff.initial, std::chrono::milliseconds(1));
    for (int i = 1; i < attempt && delay < m_backoff.maximum; ++i) {
        delay *= 2;
    }
    return std::min(delay, m_backoff.maximum);
}

void EventStream::openSocket() {
    retireSocket();
    setState(m_connectedBefore || m_attempt > 0 ? State::Reconnecting : State::Connecting);
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket* socket = m_socket;
    connect(socket, &QWebSocket::connected, this, [this, socket] {
        if (socket != m_socket) {
            return;
        }
        m_connectTimer.stop();
        m_attempt = 0;
        m_sinceHeard.start();
        if (m_pingInterval.count() > 0) {
            m_pingTimer.start(m_pingInterval);
        }
        setState(State::Connected);
        if (m_connectedBefore) {
            emit resyncRequired();
        }
        m_connectedBefore = true;
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { dropSocket(socket); });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket] { dropSocket(socket); });
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString& text) {
        if (socket == m_socket) {
            m_sinceHeard.start();
            handleText(text);
        }
    });
    connect(socket, &QWebSocket::pong, this, [this, socket] {
        if (socket == m_socket) {
            m_sinceHeard.start();
        }
    });

    QNetworkRequest request(m_url);
    if (!m_accessToken.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + m_accessToken.toUtf8());
    }
    m_connectTimer.start(m_connectTimeout);
    socket->open(request);
}

void EventStream::dropSocket(QWebSocket* socket) {
    if (socket != m_socket || m_state == State::Stopped) {
        return;
    }
    retireSocket();
    m_pingTimer.stop();
    m_connectTimer.stop();
    ++m_attempt;
    auto delay = backoffFor(m_attempt);
    if (m_backoff.jitter > 0) {
        const double factor = 1.0 - m_backoff.jitter * QRandomGenerator::global()->generateDouble();
        delay = std::chrono::milliseconds(
            static_cast<qint64>(static_cast<double>(delay.count()) * factor));
    }
    setState(State::Reconnecting);
    emit reconnectScheduled(m_attempt, static_cast<qint64>(delay.count()));
    m_reconnectTimer.start(delay);
}

void EventStream::retireSocket() {
    if (m_socket == nullptr) {
        return;
    }
    QWebSocket* socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void EventStream::checkAlive() {
    if (m_socket == nullptr || m_state != State::Connected) {
        return;
    }
    if (m_sinceHeard.isValid() && m_sinceHeard.elapsed() > 3 * m_pingInterval.count()) {
        dropSocket(m_socket);
        return;
    }
    m_socket->ping();
}

void EventStream::handleText(const QString& text) {
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return;  // not the contract's frame; nothing to act on
    }
    const QJsonObject frame = document.object();
    const QString type = frame.value(QLatin1StringView("type")).toString();
    if (type == QLatin1StringView("error")) {
        emit serverError(frame.value(QLatin1StringView("code")).toString(),
                         frame.value(QLatin1StringView("message")).toString());
        return;
    }
    const auto event = wire::orderEvent(frame);
    if (!event || event->orderId.isEmpty()) {
        return;
    }
    if (event->version <= knownVersion(event->orderId)) {
        return;
    }
    remember(event->orderId, event->version);
    emit orderEvent(*event);
}

void EventStream::remember(const QString& orderId, qint64 version) {
    if (!m_versions.contains(orderId)) {
        m_versionOrder.enqueue(orderId);
        // Bounded memory for a client left open for days: forget the oldest orders first (a
        // late frame for one of them is then judged by the model's own version instead).
        while (m_versionOrder.size() > kMaxTrackedOrders) {
            m_versions.remove(m_versionOrder.dequeue());
        }
    }
    m_versions.insert(orderId, version);
}

void EventStream::setState(State state) {
    if (m_state == state) {
        return;
    }
    m_state = state;
    emit stateChanged(state);
}

}  // namespace shop::client
