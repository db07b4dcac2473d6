#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <functional>

namespace shop::client::testing {

/// What a FakeNetwork answers to one request.
struct FakeResponse {
    enum class Kind {
        Http,     ///< an HTTP answer with status, headers and body
        Silent,   ///< never answers (the client's timeout has to end it)
        Refused,  ///< the connection is refused
    };
    Kind kind = Kind::Http;
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    /// Held back: the answer comes only when the test releases it (FakeNetwork::releaseHeld),
    /// so a test decides what happens before a reply arrives.
    bool held = false;

    /// An HTTP answer with a JSON body (Content-Type application/json).
    static FakeResponse json(int status, const QByteArray& body);
    static FakeResponse silent();
    static FakeResponse refused();
    /// `answer`, held back until the test releases it.
    static FakeResponse heldBack(FakeResponse answer);
};

/// One request the client sent.
struct SentRequest {
    QByteArray method;
    QUrl url;
    QNetworkRequest request;
    QByteArray body;

    QByteArray header(const QByteArray& name) const { return request.rawHeader(name); }
};

class FakeReply;

/// A QNetworkAccessManager that never touches the network: each request is recorded and
/// answered by the handler (after returning to the event loop, like a real reply), or, for a
/// held response, when the test releases it.
class FakeNetwork final : public QNetworkAccessManager {
    Q_OBJECT

  public:
    using Handler = std::function<FakeResponse(const SentRequest&)>;

    explicit FakeNetwork(QObject* parent = nullptr);

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    /// Every request sent so far, oldest first.
    const QList<SentRequest>& sent() const { return m_sent; }
    /// How many held replies wait to be released (aborted ones, e.g. timed out, not counted).
    int heldCount() const;
    /// Releases the oldest held reply still waiting, or with `path` the oldest whose URL has that
    /// path: it is answered after returning to the event loop. False when none waits.
    bool releaseHeld(const QString& path = {});

  protected:
    QNetworkReply* createRequest(Operation operation, const QNetworkRequest& request,
                                 QIODevice* outgoingData) override;

  private:
    Handler m_handler;
    QList<SentRequest> m_sent;
    QList<QPointer<FakeReply>> m_held;
};

/// The reply a FakeNetwork hands out.
class FakeReply final : public QNetworkReply {
    Q_OBJECT

  public:
    FakeReply(const SentRequest& sent, QNetworkAccessManager::Operation operation,
              const FakeResponse& response, QObject* parent);

    void abort() override;
    qint64 bytesAvailable() const override;
    /// Whether the reply is held back and has neither been released nor finished.
    bool isWaiting() const { return m_response.held && !m_released && !m_finished; }
    /// Answers a held reply (after returning to the event loop).
    void release();
    bool isSequential() const override { return true; }

  protected:
    qint64 readData(char* data, qint64 maxSize) override;

  private:
    void respond();
    void finishWithError(NetworkError code, const QString& text);

    FakeResponse m_response;
    QByteArray m_buffer;
    bool m_released = false;
    bool m_finished = false;
};

}  // namespace shop::client::testing
