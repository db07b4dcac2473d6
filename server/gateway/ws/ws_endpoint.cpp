#include "ws/ws_endpoint.hpp"

#include <Poco/Net/StreamSocket.h>

#include "shop/core/errors.hpp"
#include "shop/core/log.hpp"
#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/websocket/frame.hpp"
#include "ws/frames.hpp"

namespace shop::gateway {

using core::ApiError;
using core::ErrorCode;

std::optional<Subscription> subscriptionFor(const http::Request& request, std::string& error) {
    if (request.route == kWsOrderRoute) {
        auto id = domain::normalizeUuid(request.param("order_id"));
        if (!id) {
            error = "order_id must be a UUID";
            return std::nullopt;
        }
        return Subscription{Subscription::Kind::Order, std::move(*id)};
    }
    if (auto user = request.queryParam("user_id")) {
        auto id = domain::normalizeUuid(*user);
        if (!id) {
            error = "user_id must be a UUID";
            return std::nullopt;
        }
        return Subscription{Subscription::Kind::User, std::move(*id)};
    }
    return Subscription{Subscription::Kind::All, {}};
}

namespace {

/// The upgrade's target without its access token, for logs.
std::string loggedTarget(const http::Request& request) {
    std::string target = request.path;
    if (auto user = request.queryParam("user_id")) {
        target += "?user_id=" + *user;
    }
    return target;
}

http::Request orderRequest(const std::string& orderId, const http::Request& upgrade) {
    http::Request get;
    get.method = "GET";
    get.path = "/orders/" + orderId;
    get.target = get.path;
    get.requestId = upgrade.requestId;
    get.clientAddress = upgrade.clientAddress;
    return get;
}

}  // namespace

WsEndpoint::WsEndpoint(websocket::Hub& hub, OrderStreams& streams, Upstream& orders,
                       Authenticator& auth)
    : m_hub(hub), m_streams(streams), m_orders(orders), m_auth(auth) {}

void WsEndpoint::authorize(const auth::Principal& principal,
                           const std::optional<Subscription>& wanted,
                           const http::Request& request) {
    if (principal.role == auth::Role::Operator || !wanted) {
        return;  // a malformed id gets its BAD_REQUEST frame
    }
    switch (wanted->kind) {
        case Subscription::Kind::All:
            throw ApiError(ErrorCode::Forbidden,
                           "an account token may follow only its own orders: add ?user_id=");
        case Subscription::Kind::User:
            if (wanted->id != principal.userId) {
                throw ApiError(ErrorCode::Forbidden,
                               "an account token may follow only its own orders");
            }
            return;
        case Subscription::Kind::Order: {
            // An unknown order is refused as another user's is (the operator gets its NOT_FOUND
            // frame). Any other failure is refused here: the snapshot is read again after
            // subscribing, and that read must not be the first to show whose order it is.
            const http::Response answer = m_orders.forward(orderRequest(wanted->id, request));
            if (answer.status != 200 && answer.status != 404) {
                throw ApiError(ErrorCode::UpstreamUnavailable,
                               "the order could not be read; reconnect later");
            }
            if (!allowsResponse(Access::OwnOrderInResponse, principal, answer)) {
                throw ApiError(ErrorCode::Forbidden,
                               "an account token may follow only its own orders");
            }
            return;
        }
    }
}

void WsEndpoint::addRoutes(http::Router& router) {
    auto needsUpgrade = [](const http::Request&) -> http::Response {
        throw ApiError(ErrorCode::BadRequest,
                       "this endpoint is a WebSocket: connect with Upgrade: websocket");
    };
    router.add("GET", kWsAllRoute, needsUpgrade);
    router.add("GET", kWsOrderRoute, needsUpgrade);
}

void WsEndpoint::handle(const http::Request& request, const http::AcceptWebSocket& accept) {
    if (request.route != kWsAllRoute && request.route != kWsOrderRoute) {
        throw ApiError(ErrorCode::BadRequest, "this endpoint does not accept WebSocket upgrades");
    }
    if (m_hub.connections() >= m_hub.options().maxConnections) {
        throw ApiError(ErrorCode::UpstreamUnavailable,
                       "too many WebSocket connections, try again later");
    }
    const auth::Principal principal = m_auth.authenticate(request, true);
    if (const auto wait = m_auth.admit(principal); wait.count() > 0) {
        throw ApiError(ErrorCode::RateLimited, "too many requests for this token, slow down", wait);
    }
    std::string error;
    const auto subscription = subscriptionFor(request, error);
    authorize(principal, subscription, request);

    // Subscribe before the handshake goes out: whatever happens once the client sees 101 is
    // held for it until the hub has the socket.
    const websocket::Hub::ConnectionId id = m_hub.reserveId();
    if (subscription) {
        m_streams.subscribe(id, *subscription);
    }
    std::optional<Poco::Net::StreamSocket> socket;
    try {
        socket.emplace(accept());
    } catch (...) {
        m_streams.unsubscribe(id);
        throw;
    }
    const auto adopted = m_hub.adopt(
        *socket, {loggedTarget(request), request.requestId, request.clientAddress},
        [this](websocket::Hub::ConnectionId closed) { m_streams.unsubscribe(closed); }, id);
    if (!adopted) {
        m_streams.unsubscribe(id);  // the hub filled up meanwhile; it closed the socket with 1013
        return;
    }
    if (!subscription) {
        refuse(id, "BAD_REQUEST", error, websocket::kClosePolicyViolation);
    } else if (subscription->kind == Subscription::Kind::Order) {
        sendSnapshot(id, subscription->id, request);
    } else {
        m_streams.start(id);
    }
}

void WsEndpoint::sendSnapshot(websocket::Hub::ConnectionId id, const std::string& orderId,
                              const http::Request& upgrade) {
    const http::Response response = m_orders.forward(orderRequest(orderId, upgrade));
    if (response.status == 200) {
        std::string parseError;
        const auto json = domain::parseJson(response.body, parseError);
        const domain::Json* data = json ? json->find("data") : nullptr;
        if (auto frame = data != nullptr ? frameFromOrder(*data) : std::nullopt) {
            m_streams.sendSnapshot(id, *frame);
            return;
        }
        core::logError("orders answered an unreadable order",
                       {{"request_id", upgrade.requestId}, {"order_id", orderId}});
    }
    m_streams.unsubscribe(id);
    if (response.status == 404) {
        refuse(id, "NOT_FOUND", "order not found", websocket::kClosePolicyViolation);
    } else {
        refuse(id, "UPSTREAM_UNAVAILABLE", "the order could not be read; reconnect later",
               websocket::kCloseTryAgainLater);
    }
}

void WsEndpoint::refuse(websocket::Hub::ConnectionId id, std::string_view code,
                        std::string_view message, std::uint16_t closeCode) {
    m_hub.sendText(id, errorFrameJson(code, message));
    m_hub.close(id, closeCode, code);
}

}  // namespace shop::gateway
