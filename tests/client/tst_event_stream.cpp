// The live stream against an in-process QWebSocketServer: frames, stale versions, error
// frames, reconnecting with capped backoff after the server drops, and the resync signal.
#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtTest>

#include "core/event_stream.hpp"

using namespace shop::client;

namespace {

QString frame(const QString& orderId, const QString& status, qint64 version) {
    return QStringLiteral(R"({"type":"order.status","order_id":"%1","user_id":"u-1",)"
                          R"("status":"%2","failure_reason":%3,"version":%4,"amount":"9.99",)"
                          R"("updated_at":"2025-11-22T10:00:0%4Z"})")
        .arg(orderId, status,
             status == QLatin1StringView("CANCELLED") ? QStringLiteral("\"INSUFFICIENT_FUNDS\"")
                                                      : QStringLiteral("null"))
        .arg(version);
}

}  // namespace

/// A QWebSocketServer on a free port that keeps its clients.
class Server final : public QObject {
  public:
    Server() : m_server(QStringLiteral("test"), QWebSocketServer::NonSecureMode) {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket* socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                m_clients.append(socket);
                m_requests.append(socket->request());
            }
        });
    }
    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void close() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/orders").arg(port())); }
    /// Clients still connected.
    QList<QWebSocket*> clients() const {
        QList<QWebSocket*> open;
        for (QWebSocket* socket : m_clients) {
            if (socket->state() == QAbstractSocket::ConnectedState) {
                open.append(socket);
            }
        }
        return open;
    }
    int accepted() const { return static_cast<int>(m_clients.size()); }
    const QList<QNetworkRequest>& requests() const { return m_requests; }
    void sendToAll(const QString& text) {
        for (QWebSocket* socket : clients()) {
            socket->sendTextMessage(text);
        }
    }
    void dropAll() {
        for (QWebSocket* socket : clients()) {
            socket->abort();
        }
    }

  private:
    QWebSocketServer m_server;
    QList<QWebSocket*> m_clients;
    QList<QNetworkRequest> m_requests;
};

class tst_EventStream : public QObject {
    Q_OBJECT

  private slots:
    void urlForGateway_data();
    void urlForGateway();
    void receivesFrames();
    void ignoresStaleVersions();
    void ignoresMalformedFrames();
    void errorFrame();
    void sendsBearerToken();
    void reconnectsAfterDropAndSignalsResync();
    void backoffGrowsAndIsCapped();
    void backoffSchedule();
    void silentConnectionIsDropped();
    void stalledHandshakeIsGivenUp();
    void stopEndsReconnecting();

  private:
    static void connectTo(EventStream& stream, const Server& server);
};

void tst_EventStream::connectTo(EventStream& stream, const Server& server) {
    stream.setUrl(server.url());
    stream.setBackoff({std::chrono::milliseconds(50), std::chrono::milliseconds(200), 0.0});
    stream.start();
    QTRY_COMPARE(stream.state(), EventStream::State::Connected);
    QTRY_COMPARE(server.clients().size(), 1);
}

void tst_EventStream::urlForGateway_data() {
    QTest::addColumn<QString>("gateway");
    QTest::addColumn<QString>("stream");
    QTest::newRow("http") << "http://127.0.0.1:8080"
                          << "ws://127.0.0.1:8080/ws/orders";
    QTest::newRow("trailing slash") << "http://shop.test/"
                                    << "ws://shop.test/ws/orders";
    QTest::newRow("https and a prefix") << "https://shop.test/api"
                                        << "wss://shop.test/api/ws/orders";
}

void tst_EventStream::urlForGateway() {
    QFETCH(QString, gateway);
    QFETCH(QString, stream);
    QCOMPARE(EventStream::urlFor(QUrl(gateway)).toString(), stream);
}

void tst_EventStream::receivesFrames() {
    Server server;
    QVERIFY(server.listen());
    EventStream stream;
    QSignalSpy events(&stream, &EventStream::orderEvent);
    QSignalSpy resync(&stream, &EventStream::resyncRequired);
    connectTo(stream, server);

    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("NEW"), 1));
    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("CANCELLED"), 2));
    QTRY_COMPARE(events.count(), 2);
    const auto last = events.at(1).first().value<OrderEvent>();
    QCOMPARE(last.orderId, QStringLiteral("o-1"));
    QCOMPARE(last.userId, QStringLiteral("u-1"));
    QCOMPARE(last.status, QStringLiteral("CANCELLED"));
    QCOMPARE(last.failureReason, QStringLiteral("INSUFFICIENT_FUNDS"));
    QCOMPARE(last.version, 2);
    QCOMPARE(last.amount, QStringLiteral("9.99"));
    QVERIFY(last.updatedAt.isValid());
    QCOMPARE(stream.knownVersion(QStringLiteral("o-1")), 2);
    QCOMPARE(resync.count(), 0);  // the first connection needs no resync
}

void tst_EventStream::ignoresStaleVersions() {
    Server server;
    QVERIFY(server.listen());
    EventStream stream;
    QSignalSpy events(&stream, &EventStream::orderEvent);
    connectTo(stream, server);

    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("FINISHED"), 2));
    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("NEW"), 1));       // older
    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("FINISHED"), 2));  // repeat
    server.sendToAll(frame(QStringLiteral("o-2"), QStringLiteral("NEW"), 1));       // other order
    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("FINISHED"), 3));
    QTRY_COMPARE(events.count(), 3);
    QCOMPARE(events.at(0).first().value<OrderEvent>().version, 2);
    QCOMPARE(events.at(1).first().value<OrderEvent>().orderId, QStringLiteral("o-2"));
    QCOMPARE(events.at(2).first().value<OrderEvent>().version, 3);
    // Nothing else arrives later either.
    server.sendToAll(frame(QStringLiteral("o-3"), QStringLiteral("NEW"), 1));
    QTRY_COMPARE(events.count(), 4);
    QCOMPARE(events.at(3).first().value<OrderEvent>().orderId, QStringLiteral("o-3"));
}

void tst_EventStream::ignoresMalformedFrames() {
    Server server;
    QVERIFY(server.listen());
    EventStream stream;
    QSignalSpy events(&stream, &EventStream::orderEvent);
    QSignalSpy errors(&stream, &EventStream::serverError);
    connectTo(stream, server);

    server.sendToAll(QStringLiteral("not json"));
    server.sendToAll(QStringLiteral("[1,2,3]"));
    server.sendToAll(QStringLiteral(R"({"type":"something.else","order_id":"o-1","version":5})"));
    server.sendToAll(QStringLiteral(R"({"type":"order.status","order_id":"o-1","status":"NEW"})"));
    server.sendToAll(
        QStringLiteral(R"({"type":"order.status","order_id":"o-1","status":"NEW","version":"1"})"));
    server.sendToAll(frame(QStringLiteral("o-9"), QStringLiteral("NEW"), 1));
    QTRY_COMPARE(events.count(), 1);
    QCOMPARE(events.first().first().value<OrderEvent>().orderId, QStringLiteral("o-9"));
    QCOMPARE(errors.count(), 0);
    QCOMPARE(stream.state(), EventStream::State::Connected);
}

void tst_EventStream::errorFrame() {
    Server server;
    QVERIFY(server.listen());
    EventStream stream;
    QSignalSpy errors(&stream, &EventStream::serverError);
    connectTo(stream, server);
    server.sendToAll(QStringLiteral(R"({"type":"error","code":"BAD_REQUEST","message":"bad id"})"));
    QTRY_COMPARE(errors.count(), 1);
    QCOMPARE(errors.first().at(0).toString(), QStringLiteral("BAD_REQUEST"));
    QCOMPARE(errors.first().at(1).toString(), QStringLiteral("bad id"));
}

void tst_EventStream::sendsBearerToken() {
    Server server;
    QVERIFY(server.listen());
    EventStream stream;
    stream.setAccessToken(QStringLiteral("tok-9"));
    connectTo(stream, server);
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests().first().rawHeader("Authorization"), QByteArray("Bearer tok-9"));
}

void tst_EventStream::reconnectsAfterDropAndSignalsResync() {
    Server server;
    QVERIFY(server.listen());
    EventStream stream;
    QSignalSpy resync(&stream, &EventStream::resyncRequired);
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    QSignalSpy states(&stream, &EventStream::stateChanged);
    QSignalSpy events(&stream, &EventStream::orderEvent);
    connectTo(stream, server);
    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("NEW"), 1));
    QTRY_COMPARE(events.count(), 1);

    server.dropAll();
    QTRY_COMPARE(scheduled.count(), 1);
    QCOMPARE(scheduled.first().at(0).toInt(), 1);
    QCOMPARE(scheduled.first().at(1).toLongLong(), 50);
    QTRY_COMPARE(server.accepted(), 2);
    QTRY_COMPARE(stream.state(), EventStream::State::Connected);
    QTRY_COMPARE(resync.count(), 1);
    QCOMPARE(stream.failedAttempts(), 0);
    QVERIFY(states.contains({QVariant::fromValue(EventStream::State::Reconnecting)}));

    // Versions seen before the gap still count after it.
    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("NEW"), 1));
    server.sendToAll(frame(QStringLiteral("o-1"), QStringLiteral("FINISHED"), 2));
    QTRY_COMPARE(events.count(), 2);
    QCOMPARE(events.last().first().value<OrderEvent>().version, 2);
}

void tst_EventStream::backoffGrowsAndIsCapped() {
    Server server;
    QVERIFY(server.listen());
    const quint16 port = server.port();
    EventStream stream;
    QSignalSpy resync(&stream, &EventStream::resyncRequired);
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    connectTo(stream, server);

    // The server goes away entirely: every attempt is refused, and the waits grow to the cap.
    server.close();
    server.dropAll();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.count() >= 5, 10000);
    QList<qint64> delays;
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(scheduled.at(i).at(0).toInt(), i + 1);
        delays << scheduled.at(i).at(1).toLongLong();
    }
    QCOMPARE(delays, (QList<qint64>{50, 100, 200, 200, 200}));
    QCOMPARE(resync.count(), 0);

    // It comes back on the same port: the stream reconnects by itself and asks for a resync.
    QVERIFY(server.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), EventStream::State::Connected, 10000);
    QTRY_COMPARE(resync.count(), 1);
}

void tst_EventStream::backoffSchedule() {
    EventStream stream;
    stream.setBackoff({std::chrono::milliseconds(500), std::chrono::milliseconds(15000), 0.2});
    QList<qint64> delays;
    for (int attempt = 1; attempt <= 8; ++attempt) {
        delays << stream.backoffFor(attempt).count();
    }
    QCOMPARE(delays, (QList<qint64>{500, 1000, 2000, 4000, 8000, 15000, 15000, 15000}));
    QCOMPARE(stream.backoffFor(1000).count(), 15000);  // no overflow however long it is down
}

void tst_EventStream::silentConnectionIsDropped() {
    // A server that completes the WebSocket handshake and then never says anything again, not
    // even a pong: a half-open connection the stream must notice by itself.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    int handshakes = 0;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* socket = silent.nextPendingConnection()) {
            socket->setParent(&silent);
            connect(socket, &QTcpSocket::readyRead, socket, [socket, &handshakes] {
                const QByteArray request = socket->readAll();
                const qsizetype at = request.indexOf("Sec-WebSocket-Key:");
                if (at < 0 || socket->property("upgraded").toBool()) {
                    return;  // frames (pings) after the handshake are ignored
                }
                const QByteArray key =
                    request.mid(at + 18, request.indexOf('\r', at) - at - 18).trimmed();
                const QByteArray accept =
                    QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                             QCryptographicHash::Sha1)
                        .toBase64();
                socket->write(
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                    accept + "\r\n\r\n");
                socket->setProperty("upgraded", true);
                ++handshakes;
            });
        }
    });
    EventStream stream;
    stream.setUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/orders").arg(silent.serverPort())));
    stream.setBackoff({std::chrono::milliseconds(50), std::chrono::milliseconds(200), 0.0});
    stream.setPingInterval(std::chrono::milliseconds(100));
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    stream.start();
    QTRY_COMPARE(stream.state(), EventStream::State::Connected);
    QCOMPARE(scheduled.count(), 0);
    // Silent for three ping intervals: dropped, and a new connection is made.
    QTRY_COMPARE_WITH_TIMEOUT(scheduled.count(), 1, 5000);
    QTRY_COMPARE(handshakes, 2);
}

void tst_EventStream::stalledHandshakeIsGivenUp() {
    // A server that accepts the TCP connection and never answers the upgrade: without a connect
    // timeout the stream would say "connecting" for as long as the OS keeps the socket.
    QTcpServer mute;
    QVERIFY(mute.listen(QHostAddress::LocalHost, 0));
    int connections = 0;
    connect(&mute, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* socket = mute.nextPendingConnection()) {
            socket->setParent(&mute);
            ++connections;
        }
    });
    EventStream stream;
    stream.setUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/orders").arg(mute.serverPort())));
    stream.setBackoff({std::chrono::milliseconds(50), std::chrono::milliseconds(50), 0.0});
    stream.setConnectTimeout(std::chrono::milliseconds(200));
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(scheduled.count(), 1, 5000);
    QCOMPARE(stream.state(), EventStream::State::Reconnecting);
    QTRY_VERIFY_WITH_TIMEOUT(connections >= 2, 5000);  // and it tries again
    stream.stop();
}

void tst_EventStream::stopEndsReconnecting() {
    Server server;
    QVERIFY(server.listen());
    EventStream stream;
    stream.setBackoff({std::chrono::milliseconds(20), std::chrono::milliseconds(20), 0.0});
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    connectTo(stream, server);
    stream.stop();
    QCOMPARE(stream.state(), EventStream::State::Stopped);
    QTRY_COMPARE(server.clients().size(), 0);
    // Far longer than the backoff: a reconnect after stop() would have been made by now.
    QTest::qWait(300);
    QCOMPARE(scheduled.count(), 0);
    QCOMPARE(server.accepted(), 1);
    QCOMPARE(stream.state(), EventStream::State::Stopped);
}

QTEST_GUILESS_MAIN(tst_EventStream)
#include "tst_event_stream.moc"
