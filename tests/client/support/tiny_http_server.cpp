#include "support/tiny_http_server.hpp"

#include <QTcpSocket>

namespace shop::client::testing {

TinyHttpServer::TinyHttpServer(QObject* parent) : QTcpServer(parent) {
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = nextPendingConnection()) {
            serve(socket);
        }
    });
}

bool TinyHttpServer::start() {
    return listen(QHostAddress::LocalHost, 0);
}

void TinyHttpServer::setResponse(int status, const QByteArray& reason, const QByteArray& body,
                                 const QList<QPair<QByteArray, QByteArray>>& headers) {
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
    for (const auto& [name, value] : headers) {
        response += name + ": " + value + "\r\n";
    }
    response += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    response += "Connection: close\r\n\r\n";
    response += body;
    m_response = response;
}

void TinyHttpServer::serve(QTcpSocket* socket) {
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_buffers.remove(socket);
        socket->deleteLater();
    });
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        QByteArray* buffer = &m_buffers[socket];
        buffer->append(socket->readAll());
        const qsizetype headEnd = buffer->indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return;
        }
        qsizetype contentLength = 0;
        for (const QByteArray& line : buffer->left(headEnd).split('\n')) {
            if (line.toLower().startsWith("content-length:")) {
                contentLength = line.mid(15).trimmed().toLongLong();
            }
        }
        if (buffer->size() < headEnd + 4 + contentLength) {
            return;
        }
        m_requests.append(buffer->left(headEnd + 4 + contentLength));
        buffer->clear();
        socket->write(m_response);
        socket->disconnectFromHost();
    });
}

}  // namespace shop::client::testing
