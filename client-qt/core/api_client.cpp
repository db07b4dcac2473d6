#include "core/api_client.hpp"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUuid>
#include <algorithm>

#include "core/wire.hpp"

namespace shop::client {
namespace {

constexpr const char* kTimedOutProperty = "shop_timed_out";

// The contract's code for a status, for error answers that come without an envelope (e.g. from
// a proxy in front of the gateway).
QString codeForStatus(int status) {
    switch (status) {
        case 400:
            return QStringLiteral("BAD_REQUEST");
        case 401:
            return QStringLiteral("UNAUTHORIZED");
        case 403:
            return QStringLiteral("FORBIDDEN");
        case 404:
            return QStringLiteral("NOT_FOUND");
        case 409:
            return QStringLiteral("CONFLICT");
        case 413:
            return QStringLiteral("PAYLOAD_TOO_LARGE");
        case 415:
            return QStringLiteral("UNSUPPORTED_MEDIA_TYPE");
        case 422:
            return QStringLiteral("IDEMPOTENCY_KEY_REUSED");
        case 429:
            return QStringLiteral("RATE_LIMITED");
        case 500:
            return QStringLiteral("INTERNAL");
        case 503:
            return QStringLiteral("UPSTREAM_UNAVAILABLE");
        case 504:
            return QStringLiteral("UPSTREAM_TIMEOUT");
        default:
            return QStringLiteral("HTTP_%1").arg(status);
    }
}

ApiError makeError(ApiError::Kind kind, int status, QString code, QString message,
                   QString requestId) {
    ApiError error;
    error.kind = kind;
    error.httpStatus = status;
    error.code = std::move(code);
    error.message = std::move(message);
    error.requestId = std::move(requestId);
    return error;
}

QJsonObject envelopeOf(const QByteArray& body, bool& isObject) {
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    isObject = parseError.error == QJsonParseError::NoError && document.isObject();
    return isObject ? document.object() : QJsonObject();
}

}  // namespace

ApiClient::ApiClient(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent), m_network(network) {}

void ApiClient::setBaseUrl(const QUrl& url) {
    m_baseUrl = url;
}

void ApiClient::setAccessToken(const QString& token) {
    m_accessToken = token;
}

void ApiClient::setTimeout(std::chrono::milliseconds timeout) {
    m_timeout = timeout;
}

QUrl ApiClient::urlFor(const Request& request) const {
    QUrl url = m_baseUrl;
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    for (const QString& segment : request.path) {
        path += u'/';
        path += QString::fromLatin1(QUrl::toPercentEncoding(segment));
    }
    url.setPath(path, QUrl::TolerantMode);
    url.setQuery(request.query);
    return url;
}

void ApiClient::send(const Request& request, QObject* context, RawCallback done) {
    QNetworkRequest networkRequest(urlFor(request));
    const QString requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    networkRequest.setRawHeader("Accept", "application/json");
    networkRequest.setRawHeader("X-Request-Id", requestId.toLatin1());
    if (request.authenticated && !m_accessToken.isEmpty()) {
        networkRequest.setRawHeader("Authorization", "Bearer " + m_accessToken.toUtf8());
    }
    if (!request.idempotencyKey.isEmpty()) {
        networkRequest.setRawHeader("Idempotency-Key", request.idempotencyKey.toUtf8());
    }

    QNetworkReply* reply = nullptr;
    if (request.body) {
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader,
                                 QByteArrayLiteral("application/json"));
        const QByteArray body = QJsonDocument(*request.body).toJson(QJsonDocument::Compact);
        reply = request.method == "POST"
                    ? m_network->post(networkRequest, body)
                    : m_network->sendCustomRequest(networkRequest, request.method, body);
    } else if (request.method == "GET") {
        reply = m_network->get(networkRequest);
    } else if (request.method == "DELETE") {
        reply = m_network->deleteResource(networkRequest);
    } else {
        reply = m_network->sendCustomRequest(networkRequest, request.method);
    }

    // Our own timer (not QNetworkRequest's transfer timeout) so a timeout is told apart from
    // other aborts and covers the whole exchange, connection set-up included.
    const auto timeout = request.timeout.value_or(m_timeout);
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply] {
        reply->setProperty(kTimedOutProperty, true);
        reply->abort();
    });
    timer->start(timeout);

    const bool hasContext = context != nullptr;
    QPointer<QObject> guard(context);
    const QString sentToken = m_accessToken;
    connect(
        reply, &QNetworkReply::finished, this,
        [this, reply, timer, request, requestId, timeout, hasContext, guard, sentToken,
         done = std::move(done)] {
            timer->stop();
            reply->deleteLater();
            const bool timedOut = reply->property(kTimedOutProperty).toBool();
            const QVariant statusAttribute =
                reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
            QString answeredId = QString::fromLatin1(reply->rawHeader("X-Request-Id"));
            if (answeredId.isEmpty()) {
                answeredId = requestId;
            }

            auto finish = [&](const ApiResult<Answer>& result) {
                // Only a 401 to the token in use ends the session: one to a request sent
                // before a sign-in (with no token, or the previous one) says nothing of it.
                if (!result.ok() && result.error().httpStatus == 401 && request.authenticated &&
                    sentToken == m_accessToken) {
                    emit unauthorized(result.error());
                }
                if (hasContext && guard.isNull()) {
                    return;
                }
                done(result);
            };

            if (timedOut) {
                // A slow answer says nothing of whether the gateway can be reached, unless it
                // had begun to answer.
                if (status != 0) {
                    emit gatewayReached(true);
                }
                finish(makeError(ApiError::Kind::Timeout, 0, QStringLiteral("TIMEOUT"),
                                 tr("The gateway did not answer within %1 s")
                                     .arg(static_cast<double>(timeout.count()) / 1000.0, 0, 'g', 3),
                                 answeredId));
                return;
            }
            if (status == 0) {
                emit gatewayReached(false);
                finish(makeError(ApiError::Kind::Network, 0, QStringLiteral("NETWORK_ERROR"),
                                 reply->errorString(), answeredId));
                return;
            }
            emit gatewayReached(true);

            const QByteArray body = reply->readAll();
            const bool success = status >= 200 && status < 300;
            if (success && body.trimmed().isEmpty()) {
                finish(Answer{status, QJsonValue(), answeredId});
                return;
            }
            bool isObject = false;
            const QJsonObject envelope = envelopeOf(body, isObject);
            if ((success || request.dataOnAnyStatus) && isObject &&
                envelope.contains(QLatin1StringView("data"))) {
                finish(Answer{status, envelope.value(QLatin1StringView("data")), answeredId});
                return;
            }
            if (success) {
                finish(makeError(ApiError::Kind::InvalidResponse, status,
                                 QStringLiteral("INVALID_RESPONSE"),
                                 tr("The gateway's answer is not the expected JSON"), answeredId));
                return;
            }
            const QJsonObject error = envelope.value(QLatin1StringView("error")).toObject();
            const QJsonValue code = error.value(QLatin1StringView("code"));
            const QJsonValue message = error.value(QLatin1StringView("message"));
            ApiError failure;
            if (code.isString() && message.isString()) {
                const QString envelopeId = error.value(QLatin1StringView("request_id")).toString();
                failure =
                    makeError(ApiError::Kind::Http, status, code.toString(), message.toString(),
                              envelopeId.isEmpty() ? answeredId : envelopeId);
            } else {
                const QString reason =
                    reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
                failure = makeError(ApiError::Kind::Http, status, codeForStatus(status),
                                    reason.isEmpty() ? tr("HTTP status %1").arg(status) : reason,
                                    answeredId);
            }
            // Delta-seconds only; an HTTP date there is rare enough to ignore.
            failure.retryAfterSeconds = std::max(0, reply->rawHeader("Retry-After").toInt());
            finish(failure);
        });
}

template <typename T, typename Parser>
void ApiClient::call(const Request& request, QObject* context, ApiCallback<T> done, Parser parse) {
    send(request, context, [done = std::move(done), parse](const ApiResult<Answer>& raw) {
        if (!raw.ok()) {
            done(raw.error());
            return;
        }
        std::optional<T> value = parse(raw.value());
        if (!value) {
            done(makeError(ApiError::Kind::InvalidResponse, raw.value().status,
                           QStringLiteral("INVALID_RESPONSE"),
                           tr("The gateway's answer does not have the expected fields"),
                           raw.value().requestId));
            return;
        }
        done(ApiResult<T>(std::move(*value), raw.value().requestId));
    });
}

void ApiClient::requestToken(const QString& username, const QString& password, QObject* context,
                             ApiCallback<TokenGrant> done) {
    Request request;
    request.method = "POST";
    request.path = {QStringLiteral("auth"), QStringLiteral("token")};
    request.body =
        QJsonObject{{QStringLiteral("username"), username}, {QStringLiteral("password"), password}};
    request.authenticated = false;
    call<TokenGrant>(request, context, std::move(done),
                     [](const Answer& answer) { return wire::tokenGrant(answer.data); });
}

void ApiClient::listAccounts(int limit, const QString& cursor, QObject* context,
                             ApiCallback<Page<Account>> done) {
    AccountsQuery query;
    query.limit = limit;
    query.cursor = cursor;
    listAccounts(query, context, std::move(done));
}

void ApiClient::listAccounts(const AccountsQuery& query, QObject* context,
                             ApiCallback<Page<Account>> done) {
    Request request;
    request.path = {QStringLiteral("accounts")};
    if (!query.idPrefix.isEmpty()) {
        request.query.addQueryItem(QStringLiteral("id_prefix"), query.idPrefix);
    }
    request.query.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    if (!query.cursor.isEmpty()) {
        request.query.addQueryItem(QStringLiteral("cursor"), query.cursor);
    }
    call<Page<Account>>(request, context, std::move(done),
                        [](const Answer& answer) { return wire::accountPage(answer.data); });
}

void ApiClient::getAccount(const QString& userId, QObject* context, ApiCallback<Account> done) {
    Request request;
    request.path = {QStringLiteral("accounts"), userId};
    call<Account>(request, context, std::move(done),
                  [](const Answer& answer) { return wire::account(answer.data); });
}

void ApiClient::createAccount(const NewAccountRequest& newAccount, QObject* context,
                              ApiCallback<Account> done) {
    Request request;
    request.method = "POST";
    request.path = {QStringLiteral("accounts")};
    QJsonObject body{{QStringLiteral("user_id"), newAccount.userId}};
    if (!newAccount.openingBalance.isEmpty()) {
        body.insert(QStringLiteral("balance"), newAccount.openingBalance);
    }
    request.body = body;
    call<Account>(request, context, std::move(done),
                  [](const Answer& answer) { return wire::account(answer.data); });
}

void ApiClient::topUp(const TopUpRequest& topUp, QObject* context, ApiCallback<Account> done) {
    Request request;
    request.method = "POST";
    request.path = {QStringLiteral("accounts"), QStringLiteral("topup")};
    request.body = QJsonObject{{QStringLiteral("user_id"), topUp.userId},
                               {QStringLiteral("amount"), topUp.amount}};
    request.idempotencyKey = topUp.idempotencyKey;
    call<Account>(request, context, std::move(done),
                  [](const Answer& answer) { return wire::account(answer.data); });
}

void ApiClient::createOrder(const NewOrderRequest& newOrder, QObject* context,
                            ApiCallback<Order> done) {
    Request request;
    request.method = "POST";
    request.path = {QStringLiteral("orders")};
    request.body = QJsonObject{{QStringLiteral("user_id"), newOrder.userId},
                               {QStringLiteral("amount"), newOrder.amount},
                               {QStringLiteral("description"), newOrder.description}};
    request.idempotencyKey = newOrder.idempotencyKey;
    call<Order>(request, context, std::move(done),
                [](const Answer& answer) { return wire::order(answer.data); });
}

void ApiClient::listOrders(const OrdersQuery& query, QObject* context,
                           ApiCallback<Page<Order>> done) {
    Request request;
    request.path = {QStringLiteral("orders")};
    if (!query.userId.isEmpty()) {
        request.query.addQueryItem(QStringLiteral("user_id"), query.userId);
    }
    if (!query.status.isEmpty()) {
        request.query.addQueryItem(QStringLiteral("status"), query.status);
    }
    if (!query.idPrefix.isEmpty()) {
        request.query.addQueryItem(QStringLiteral("id_prefix"), query.idPrefix);
    }
    request.query.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    if (!query.cursor.isEmpty()) {
        request.query.addQueryItem(QStringLiteral("cursor"), query.cursor);
    }
    call<Page<Order>>(request, context, std::move(done),
                      [](const Answer& answer) { return wire::orderPage(answer.data); });
}

void ApiClient::getOrder(const QString& orderId, QObject* context, ApiCallback<Order> done) {
    Request request;
    request.path = {QStringLiteral("orders"), orderId};
    call<Order>(request, context, std::move(done),
                [](const Answer& answer) { return wire::order(answer.data); });
}

void ApiClient::requestRefund(const RefundRequest& refund, QObject* context,
                              ApiCallback<Refund> done) {
    Request request;
    request.method = "POST";
    request.path = {QStringLiteral("orders"), refund.orderId, QStringLiteral("refunds")};
    QJsonObject body;
    if (!refund.amount.isEmpty()) {
        body.insert(QStringLiteral("amount"), refund.amount);
    }
    if (!refund.reason.isEmpty()) {
        body.insert(QStringLiteral("reason"), refund.reason);
    }
    request.body = body;
    request.idempotencyKey = refund.idempotencyKey;
    call<Refund>(request, context, std::move(done),
                 [](const Answer& answer) { return wire::refund(answer.data); });
}

void ApiClient::listRefunds(const QString& orderId, QObject* context,
                            ApiCallback<QList<Refund>> done) {
    Request request;
    request.path = {QStringLiteral("orders"), orderId, QStringLiteral("refunds")};
    call<QList<Refund>>(request, context, std::move(done),
                        [](const Answer& answer) { return wire::refundList(answer.data); });
}

void ApiClient::listLedger(const QString& userId, int limit, const QString& cursor,
                           QObject* context, ApiCallback<Page<LedgerEntry>> done) {
    Request request;
    request.path = {QStringLiteral("accounts"), userId, QStringLiteral("ledger")};
    request.query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!cursor.isEmpty()) {
        request.query.addQueryItem(QStringLiteral("cursor"), cursor);
    }
    call<Page<LedgerEntry>>(request, context, std::move(done),
                            [](const Answer& answer) { return wire::ledgerPage(answer.data); });
}

void ApiClient::listApiKeys(const QString& userId, QObject* context,
                            ApiCallback<QList<ApiKey>> done) {
    Request request;
    request.path = {QStringLiteral("accounts"), userId, QStringLiteral("api-keys")};
    call<QList<ApiKey>>(request, context, std::move(done),
                        [](const Answer& answer) { return wire::apiKeyList(answer.data); });
}

void ApiClient::createApiKey(const QString& userId, QObject* context, ApiCallback<ApiKey> done) {
    Request request;
    request.method = "POST";
    request.path = {QStringLiteral("accounts"), userId, QStringLiteral("api-keys")};
    request.body = QJsonObject();
    call<ApiKey>(request, context, std::move(done), [](const Answer& answer) {
        auto key = wire::apiKey(answer.data);
        // The secret is in this answer or nowhere: without it the key is of no use.
        if (key && key->apiKey.isEmpty()) {
            key.reset();
        }
        return key;
    });
}

void ApiClient::revokeApiKey(const QString& userId, const QString& keyId, QObject* context,
                             ApiCallback<ApiKey> done) {
    Request request;
    request.method = "DELETE";
    request.path = {QStringLiteral("accounts"), userId, QStringLiteral("api-keys"), keyId};
    call<ApiKey>(request, context, std::move(done),
                 [](const Answer& answer) { return wire::apiKey(answer.data); });
}

void ApiClient::checkReadiness(std::chrono::milliseconds timeout, QObject* context,
                               ApiCallback<Readiness> done) {
    Request request;
    request.path = {QStringLiteral("health"), QStringLiteral("ready")};
    request.authenticated = false;
    request.dataOnAnyStatus = true;
    request.timeout = timeout;
    call<Readiness>(request, context, std::move(done), [](const Answer& answer) {
        if (answer.status != 200 && answer.status != 503) {
            return std::optional<Readiness>();
        }
        Readiness readiness;
        readiness.ready = answer.status == 200;
        // {"checks": {"orders": {"status": "ok", "checks": {"database": "ok", ...}}, ...}}
        const QJsonObject checks =
            answer.data.toObject().value(QLatin1StringView("checks")).toObject();
        for (auto it = checks.begin(); it != checks.end(); ++it) {
            const QJsonObject check = it.value().toObject();
            if (check.value(QLatin1StringView("status")).toString() != QLatin1StringView("ok")) {
                readiness.failing << it.key();
            }
            const QJsonObject inner = check.value(QLatin1StringView("checks")).toObject();
            for (auto innerIt = inner.begin(); innerIt != inner.end(); ++innerIt) {
                // {"database": "ok"} or {"database": {"status": "ok", ...}}
                const QJsonValue value = innerIt.value();
                const QString innerStatus =
                    value.isString()
                        ? value.toString()
                        : value.toObject().value(QLatin1StringView("status")).toString();
                if (innerStatus != QLatin1StringView("ok")) {
                    readiness.failing << it.key() + u'.' + innerIt.key();
                }
            }
        }
        return std::optional<Readiness>(readiness);
    });
}

}  // namespace shop::client
