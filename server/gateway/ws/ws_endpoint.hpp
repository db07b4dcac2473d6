#pragma once

#include <optional>
#include <string>

#include "auth/authenticator.hpp"
#include "proxy/upstream.hpp"
#include "shop/http/router.hpp"
#include "shop/http/server.hpp"
#include "shop/websocket/hub.hpp"
#include "ws/order_streams.hpp"

namespace shop::gateway {

inline constexpr std::string_view kWsAllRoute = "/ws/orders";
inline constexpr std::string_view kWsOrderRoute = "/ws/orders/{order_id}";

/// What a WebSocket request on one of the routes above asks for: one order (the path
/// parameter), one user (`?user_id=`) or everything. nullopt with `error` set when an id is
/// not a UUID.
std::optional<Subscription> subscriptionFor(const http::Request& request, std::string& error);

/// The gateway's WebSocket endpoints (CONTRACT section 3), as the HTTP server's upgrade
/// handler. The upgrade must carry an access token (Authorization header or `access_token`
/// query parameter): without one it is refused with 401; an account token may follow only its
/// own user's orders (403 otherwise, before the handshake).
/// It registers the subscription (held), completes the handshake on the HTTP worker
/// thread and hands the socket to the hub, so the worker is free again at once. For a single
/// order it then reads the order from the orders service (after subscribing, so no change is
/// missed) and sends it first. A malformed id gets a BAD_REQUEST error frame and an unknown
/// order NOT_FOUND, each followed by a close.
class WsEndpoint final {
  public:
    /// All four must outlive this object.
    WsEndpoint(websocket::Hub& hub, OrderStreams& streams, Upstream& orders, Authenticator& auth);

    /// GET routes for both paths; a GET without an upgrade answers 400.
    static void addRoutes(http::Router& router);

    /// The http::UpgradeHandler.
    void handle(const http::Request& request, const http::AcceptWebSocket& accept);

  private:
    /// Throws ApiError 403 when an account token asks for another user's orders.
    void authorize(const auth::Principal& principal, const std::optional<Subscription>& wanted,
                   const http::Request& request);
    void sendSnapshot(websocket::Hub::ConnectionId id, const std::string& orderId,
                      const http::Request& upgrade);
    void refuse(websocket::Hub::ConnectionId id, std::string_view code, std::string_view message,
                std::uint16_t closeCode);

    websocket::Hub& m_hub;
    OrderStreams& m_streams;
    Upstream& m_orders;
    Authenticator& m_auth;
};

}  // namespace shop::gateway
