#include "support/fake_network.hpp"

#include <QBuffer>
#include <QTimer>
#include <algorithm>
#include <cstring>

namespace shop::client::testing {

FakeResponse FakeResponse::json(int status, const QByteArray& body) {
    FakeResponse response;
    response.status = status;
    response.body = body;
    response.headers.append(
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    return response;
}

FakeResponse FakeResponse::silent() {
    FakeResponse response;
    response.kind = Kind::Silent;
    return response;
}

FakeResponse FakeResponse::refused() {
    FakeResponse response;
    response.kind = Kind::Refused;
    return response;
}

FakeResponse FakeResponse::heldBack(FakeResponse answer) {
    answer.held = true;
    return answer;
}

FakeNetwork::FakeNetwork(QObject* parent) : QNetworkAccessManager(parent) {}

int FakeNetwork::heldCount() const {
    return static_cast<int>(std::count_if(m_held.begin(), m_held.end(), [](const auto& reply) {
        return reply && reply->isWaiting();
    }));
}

bool FakeNetwork::releaseHeld(const QString& path) {
    for (const QPointer<FakeReply>& reply : std::as_const(m_held)) {
        if (reply && reply->isWaiting() && (path.isEmpty() || reply->url().path() == path)) {
            reply->release();
            return true;
        }
    }
    return false;
}

QNetworkReply* FakeNetwork::createRequest(Operation operation, const QNetworkRequest& request,
                                          QIODevice* outgoingData) {
    SentRequest sent;
    switch (operation) {
        case GetOperation:
            sent.method = "GET";
            break;
        case PostOperation:
            sent.method = "POST";
            break;
        case PutOperation:
            sent.method = "PUT";
            break;
        case DeleteOperation:
            sent.method = "DELETE";
            break;
        case HeadOperation:
            sent.method = "HEAD";
            break;
        default:
            sent.method = request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
    }
    sent.url = request.url();
    sent.request = request;
    if (outgoingData != nullptr) {
        sent.body = outgoingData->readAll();
    }
    m_sent.append(sent);
    const FakeResponse response =
        m_handler ? m_handler(sent) : FakeResponse::json(404, QByteArrayLiteral("{}"));
    auto* reply = new FakeReply(sent, operation, response, this);
    if (response.held) {
        m_held.removeIf([](const QPointer<FakeReply>& held) { return held.isNull(); });
        m_held.append(reply);
    }
    return reply;
}

FakeReply::FakeReply(const SentRequest& sent, QNetworkAccessManager::Operation operation,
                     const FakeResponse& response, QObject* parent)
    : QNetworkReply(parent), m_response(response) {
    setRequest(sent.request);
    setUrl(sent.url);
    setOperation(operation);
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    if (m_response.kind != FakeResponse::Kind::Silent && !m_response.held) {
        QTimer::singleShot(0, this, &FakeReply::respond);
    }
}

void FakeReply::release() {
    if (m_released || m_finished) {
        return;
    }
    m_released = true;
    if (m_response.kind != FakeResponse::Kind::Silent) {
        QTimer::singleShot(0, this, &FakeReply::respond);
    }
}

void FakeReply::respond() {
    if (m_finished) {
        return;
    }
    if (m_response.kind == FakeResponse::Kind::Refused) {
        finishWithError(ConnectionRefusedError, QStringLiteral("Connection refused"));
        return;
    }
    setAttribute(QNetworkRequest::HttpStatusCodeAttribute, m_response.status);
    for (const auto& [name, value] : m_response.headers) {
        setRawHeader(name, value);
    }
    m_buffer = m_response.body;
    if (m_response.status >= 400) {
        setError(m_response.status == 404 ? ContentNotFoundError : UnknownContentError,
                 QStringLiteral("HTTP %1").arg(m_response.status));
        emit errorOccurred(error());
    }
    emit metaDataChanged();
    emit readyRead();
    m_finished = true;
    setFinished(true);
    emit finished();
}

void FakeReply::finishWithError(NetworkError code, const QString& text) {
    setError(code, text);
    emit errorOccurred(code);
    m_finished = true;
    setFinished(true);
    emit finished();
}

void FakeReply::abort() {
    if (m_finished) {
        return;
    }
    finishWithError(OperationCanceledError, QStringLiteral("Operation canceled"));
}

qint64 FakeReply::bytesAvailable() const {
    return m_buffer.size() + QIODevice::bytesAvailable();
}

qint64 FakeReply::readData(char* data, qint64 maxSize) {
    const qint64 count = std::min<qint64>(maxSize, m_buffer.size());
    if (count <= 0) {
        return m_finished ? -1 : 0;
    }
    std::memcpy(data, m_buffer.constData(), static_cast<size_t>(count));
    m_buffer.remove(0, count);
    return count;
}

}  // namespace shop::client::testing
