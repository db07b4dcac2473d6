#pragma once

#include <optional>
#include <string>

#include "shop/auth/tokens.hpp"
#include "shop/http/message.hpp"

namespace shop::gateway {

/// Who may call a route (CONTRACT section 2, "Authentication and roles"). The operator may call
/// every route; an account token only what concerns its own user, as each rule says.
enum class Access {
    Operator,            ///< the operator only
    OwnUserInPath,       ///< `{user_id}` in the path is the caller's
    OwnUserInQuery,      ///< `?user_id=` is present and is the caller's
    OwnUserInBody,       ///< the JSON body's `user_id` is the caller's
    OwnOrderInResponse,  ///< the answer's `data.user_id` is the caller's (an order, or the
                         ///< refund list of one, which names the order's user for this)
};

/// Why `principal` may not make `request`, or nullopt when it may (as far as the request shows;
/// OwnOrderInResponse is decided by allowsResponse). An id or body the service will reject
/// as malformed is let through, so the caller gets the service's 400 rather than a 403.
std::optional<std::string> denialOf(Access access, const auth::Principal& principal,
                                    const http::Request& request);

/// For OwnOrderInResponse: false for an account when a successful answer holds another user's
/// order (or no readable order at all), and when the order is unknown (404), so that the two
/// cannot be told apart; any other error answer is allowed, since it shows no order.
bool allowsResponse(Access access, const auth::Principal& principal,
                    const http::Response& response);

}  // namespace shop::gateway
