#include "shop/service/internal_access.hpp"

#include "shop/auth/secret_hash.hpp"
#include "shop/core/errors.hpp"

namespace shop::service {

http::RequestGuard internalOnly(std::string secret) {
    return [secret = std::move(secret)](const http::Request& request) {
        // Checked on the path, before routing: without the secret every other path, known or
        // not, and every method get the same 401.
        if (request.path == "/health" || request.path.starts_with("/health/") ||
            request.path == "/metrics") {
            return;
        }
        const auto presented = request.header(auth::kInternalSecretHeader);
        if (!presented || !auth::constantTimeEquals(*presented, secret)) {
            throw core::ApiError(core::ErrorCode::Unauthorized,
                                 "this service is internal: call it through the gateway");
        }
    };
}

}  // namespace shop::service
