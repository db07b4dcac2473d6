#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <QUrlQuery>
#include <chrono>
#include <functional>
#include <optional>

#include "core/api_result.hpp"
#include "core/api_types.hpp"
#include "core/requests.hpp"

class QNetworkAccessManager;
class QNetworkReply;

namespace shop::client {

/// What GET /health/ready said: ready or not, and which checks failed.
struct Readiness {
    bool ready = false;
    QStringList failing;  ///< names of the checks that are not "ok" (e.g. "orders.database")
};

/// The gateway's REST API (CONTRACT section 2) over a QNetworkAccessManager.
///
/// Every call is asynchronous and finishes exactly once, through its callback, with a value or
/// an ApiError (the envelope's code, message and request_id, or TIMEOUT / NETWORK_ERROR /
/// INVALID_RESPONSE). Nothing is thrown. Each request carries a fresh X-Request-Id, the Bearer
/// token when one is set, and its Idempotency-Key when it has one; a request with no complete
/// answer within timeout() is aborted and reported as TIMEOUT. When `context` is given and is
/// destroyed before the answer arrives, the callback is not called. A value comes with the
/// answer's X-Request-Id (ApiResult::requestId()).
class ApiClient final : public QObject {
    Q_OBJECT

  public:
    /// Uses `network` (not owned; it must outlive this object) for every request.
    explicit ApiClient(QNetworkAccessManager* network, QObject* parent = nullptr);

    /// The gateway, e.g. http://127.0.0.1:8080 (a path prefix is kept).
    void setBaseUrl(const QUrl& url);
    QUrl baseUrl() const { return m_baseUrl; }

    /// The Bearer token sent from now on; empty sends no Authorization header.
    void setAccessToken(const QString& token);
    QString accessToken() const { return m_accessToken; }

    /// How long a request may take before it is aborted (default 10 s).
    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_timeout; }

    /// POST /auth/token with an operator's credentials (never sends the current token).
    void requestToken(const QString& username, const QString& password, QObject* context,
                      ApiCallback<TokenGrant> done);

    /// GET /accounts?limit=&cursor= (cursor empty for the first page), newest first.
    void listAccounts(int limit, const QString& cursor, QObject* context,
                      ApiCallback<Page<Account>> done);
    /// GET /accounts with the query's filters (an id prefix), newest first.
    void listAccounts(const AccountsQuery& query, QObject* context,
                      ApiCallback<Page<Account>> done);
    /// GET /accounts/{userId}.
    void getAccount(const QString& userId, QObject* context, ApiCallback<Account> done);
    /// POST /accounts with the request's user id and optional opening balance.
    void createAccount(const NewAccountRequest& request, QObject* context,
                       ApiCallback<Account> done);
    /// POST /accounts/topup with the request's Idempotency-Key.
    void topUp(const TopUpRequest& request, QObject* context, ApiCallback<Account> done);

    /// POST /orders with the request's Idempotency-Key.
    void createOrder(const NewOrderRequest& request, QObject* context, ApiCallback<Order> done);
    /// GET /orders with the query's filters, newest first.
    void listOrders(const OrdersQuery& query, QObject* context, ApiCallback<Page<Order>> done);
    /// GET /orders/{orderId}.
    void getOrder(const QString& orderId, QObject* context, ApiCallback<Order> done);

    /// POST /orders/{orderId}/refunds (operator only) with the request's Idempotency-Key: the
    /// refund, PENDING until payments has credited it. 409 CONFLICT when the order is not
    /// FINISHED or the amount exceeds what is still refundable.
    void requestRefund(const RefundRequest& request, QObject* context, ApiCallback<Refund> done);
    /// GET /orders/{orderId}/refunds: the order's refunds, oldest first.
    void listRefunds(const QString& orderId, QObject* context, ApiCallback<QList<Refund>> done);
    /// GET /accounts/{userId}/ledger?limit=&cursor= (cursor empty for the first page), newest
    /// first.
    void listLedger(const QString& userId, int limit, const QString& cursor, QObject* context,
                    ApiCallback<Page<LedgerEntry>> done);

    /// GET /accounts/{userId}/api-keys (operator only): every key of the account, revoked ones
    /// included, newest first; never the secrets.
    void listApiKeys(const QString& userId, QObject* context, ApiCallback<QList<ApiKey>> done);
    /// POST /accounts/{userId}/api-keys (operator only): a new key, its secret in `apiKey` (the
    /// only time it is ever sent; an answer without it is INVALID_RESPONSE).
    void createApiKey(const QString& userId, QObject* context, ApiCallback<ApiKey> done);
    /// DELETE /accounts/{userId}/api-keys/{keyId} (operator only): the key, now with revokedAt.
    void revokeApiKey(const QString& userId, const QString& keyId, QObject* context,
                      ApiCallback<ApiKey> done);

    /// GET /health/ready: a value for 200 and for 503 (not ready), an error otherwise.
    void checkReadiness(std::chrono::milliseconds timeout, QObject* context,
                        ApiCallback<Readiness> done);

  signals:
    /// A request that needs authentication was answered 401: the token is missing, expired or
    /// revoked. Not emitted when the token changed since the request was sent (its answer says
    /// nothing of the new one). The request's own callback gets the error as well.
    void unauthorized(const shop::client::ApiError& error);
    /// After every request: true when the gateway answered at all, false when it could not be
    /// reached (a timeout says neither).
    void gatewayReached(bool reachable);

  private:
    struct Request {
        QByteArray method = "GET";
        QStringList path;  ///< segments, encoded here
        QUrlQuery query;
        std::optional<QJsonObject> body;
        QString idempotencyKey;
        bool authenticated = true;
        bool dataOnAnyStatus = false;  ///< a data envelope with an error status is a value
        std::optional<std::chrono::milliseconds> timeout;
    };
    struct Answer {
        int status = 0;
        QJsonValue data;
        QString requestId;
    };
    using RawCallback = std::function<void(const ApiResult<Answer>&)>;

    template <typename T, typename Parser>
    void call(const Request& request, QObject* context, ApiCallback<T> done, Parser parse);
    void send(const Request& request, QObject* context, RawCallback done);
    QUrl urlFor(const Request& request) const;

    QNetworkAccessManager* m_network;
    QUrl m_baseUrl;
    QString m_accessToken;
    std::chrono::milliseconds m_timeout{10000};
};

}  // namespace shop::client
