#include "auth/access_policy.hpp"

#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"

namespace shop::gateway {
namespace {

/// True when `text` is a UUID of another user than the caller's; false when it is the
/// caller's or not a UUID at all (the service answers that with 400).
bool isSomeoneElse(std::string_view text, const auth::Principal& principal) {
    const auto id = domain::normalizeUuid(text);
    return id && *id != principal.userId;
}

}  // namespace

std::optional<std::string> denialOf(Access access, const auth::Principal& principal,
                                    const http::Request& request) {
    if (principal.role == auth::Role::Operator) {
        return std::nullopt;
    }
    switch (access) {
        case Access::Operator:
            return "only the operator may do this";
        case Access::OwnUserInPath:
            if (isSomeoneElse(request.param("user_id"), principal)) {
                return "an account token reaches only its own account";
            }
            return std::nullopt;
        case Access::OwnUserInQuery: {
            // An empty user_id means "no filter" to the orders service: everyone's orders.
            const auto user = request.queryParam("user_id");
            if (!user || user->empty()) {
                return "an account token must ask for its own user_id";
            }
            if (isSomeoneElse(*user, principal)) {
                return "an account token reaches only its own orders";
            }
            return std::nullopt;
        }
        case Access::OwnUserInBody: {
            std::string error;
            const auto body = domain::parseJson(request.body, error);
            const domain::Json* user = body ? body->find("user_id") : nullptr;
            if (user != nullptr && user->isString() && isSomeoneElse(user->asString(), principal)) {
                return "an account token acts only for its own user_id";
            }
            return std::nullopt;
        }
        case Access::OwnOrderInResponse:
            return std::nullopt;
    }
    return "not allowed";
}

bool allowsResponse(Access access, const auth::Principal& principal,
                    const http::Response& response) {
    if (principal.role == auth::Role::Operator || access != Access::OwnOrderInResponse) {
        return true;
    }
    // An unknown order is answered as another user's is, or 403 against 404 would tell an
    // account which order ids exist.
    if (response.status == 404) {
        return false;
    }
    if (response.status >= 300) {
        return true;  // any other error answer holds no order
    }
    std::string error;
    const auto body = domain::parseJson(response.body, error);
    const domain::Json* data = body ? body->find("data") : nullptr;
    const domain::Json* user = data != nullptr ? data->find("user_id") : nullptr;
    return user != nullptr && user->isString() && user->asString() == principal.userId;
}

}  // namespace shop::gateway
