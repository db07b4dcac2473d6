#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <chrono>

#include "core/api_types.hpp"

class QWebSocket;

namespace shop::client {

/// The live stream of order status changes (CONTRACT section 3) over one QWebSocket.
///
/// After start() it keeps itself connected: when the connection cannot be made or drops, it
/// waits and tries again, the wait doubling from Backoff::initial up to Backoff::maximum (with
/// some jitter, never above the maximum) and starting over once connected. After every
/// connection but the first since start() it emits resyncRequired(), because changes made while
/// it was away were not pushed: the receiver re-reads state over REST. A frame whose `version`
/// is not newer than the last one delivered for the same order is dropped. It pings the server
/// and treats a connection that stays silent for three ping intervals as dropped.
class EventStream final : public QObject {
    Q_OBJECT

  public:
    enum class State { Stopped, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    /// How long to wait before reconnecting.
    struct Backoff {
        std::chrono::milliseconds initial{500};
        std::chrono::milliseconds maximum{15000};
        double jitter = 0.2;  ///< each wait is scaled by a random factor in [1 - jitter, 1]
    };

    explicit EventStream(QObject* parent = nullptr);
    ~EventStream() override;

    /// ws(s)://HOST/ws/orders for a gateway at http(s)://HOST.
    static QUrl urlFor(const QUrl& gatewayUrl);

    /// The stream to connect to; takes effect on the next connection.
    void setUrl(const QUrl& url);
    QUrl url() const { return m_url; }
    /// The Bearer token sent on the upgrade request; takes effect on the next connection.
    void setAccessToken(const QString& token);
    void setBackoff(const Backoff& backoff);
    /// How often to ping; zero turns pings (and the silence check) off.
    void setPingInterval(std::chrono::milliseconds interval);
    /// How long a connection attempt (TCP connect and the upgrade) may take before it is given
    /// up and retried with backoff; takes effect on the next attempt.
    void setConnectTimeout(std::chrono::milliseconds timeout);

    /// Connects, and keeps reconnecting until stop().
    void start();
    /// Closes the connection and stops reconnecting; the versions seen are kept.
    void stop();
    /// Closes the current connection now and reconnects at once (e.g. after a new token).
    void reconnectNow();

    State state() const { return m_state; }
    /// Failed attempts since the last successful connection.
    int failedAttempts() const { return m_attempt; }
    /// The wait before reconnect attempt `attempt` (1-based), without jitter.
    std::chrono::milliseconds backoffFor(int attempt) const;
    /// The last version delivered for an order, 0 when none.
    qint64 knownVersion(const QString& orderId) const { return m_versions.value(orderId, 0); }

  signals:
    void stateChanged(shop::client::EventStream::State state);
    /// A status change newer than any delivered before for its order.
    void orderEvent(const shop::client::OrderEvent& event);
    /// Connected again after a gap: state must be re-read over REST.
    void resyncRequired();
    /// The next connection attempt is in `delayMs` milliseconds.
    void reconnectScheduled(int attempt, qint64 delayMs);
    /// The server sent an error frame (it closes the socket next).
    void serverError(const QString& code, const QString& message);

  private:
    void openSocket();
    void dropSocket(QWebSocket* socket);
    void retireSocket();
    void handleText(const QString& text);
    void checkAlive();
    void setState(State state);
    void remember(const QString& orderId, qint64 version);

    static constexpr int kMaxTrackedOrders = 20000;

    QUrl m_url;
    QString m_accessToken;
    Backoff m_backoff;
    std::chrono::milliseconds m_pingInterval{20000};
    std::chrono::milliseconds m_connectTimeout{10000};
    State m_state = State::Stopped;
    QWebSocket* m_socket = nullptr;
    QTimer m_reconnectTimer;
    QTimer m_pingTimer;
    QTimer m_connectTimer;
    QElapsedTimer m_sinceHeard;
    int m_attempt = 0;
    bool m_connectedBefore = false;
    QHash<QString, qint64> m_versions;
    QQueue<QString> m_versionOrder;
};

}  // namespace shop::client
