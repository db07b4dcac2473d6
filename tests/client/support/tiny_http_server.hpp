#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QTcpServer>

namespace shop::client::testing {

/// An in-process HTTP/1.1 server on 127.0.0.1 and a free port: answers every request with the
/// same canned response and records the raw requests, so tests see exactly what went over the
/// wire through a real QNetworkAccessManager.
class TinyHttpServer final : public QTcpServer {
    Q_OBJECT

  public:
    explicit TinyHttpServer(QObject* parent = nullptr);

    /// Starts listening on a free port; false when that fails.
    bool start();
    /// The answer to every request: status line, headers, body (Content-Length is added).
    void setResponse(int status, const QByteArray& reason, const QByteArray& body,
                     const QList<QPair<QByteArray, QByteArray>>& headers = {});
    /// The raw requests received (head and body), oldest first.
    const QList<QByteArray>& requests() const { return m_requests; }

  private:
    void serve(QTcpSocket* socket);

    QByteArray m_response;
    QList<QByteArray> m_requests;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

}  // namespace shop::client::testing
