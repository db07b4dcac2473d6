// POST /auth/token spends one slow hash whatever was wrong with the credentials, so the time an
// answer takes does not tell a malformed API key from a wrong password (or, at payments, an
// unknown key from a known one with a wrong secret).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "auth/authenticator.hpp"
#include "shop/auth/secret_hash.hpp"
#include "shop/core/errors.hpp"

namespace shop::gateway {
namespace {

using Clock = std::chrono::steady_clock;

/// The shortest of `runs` failed sign-ins with `body` (the minimum: load on the machine only
/// ever makes a run longer).
Clock::duration fastestRefusal(Authenticator& auth, const std::string& body, int runs) {
    Clock::duration fastest = Clock::duration::max();
    for (int i = 0; i < runs; ++i) {
        http::Request request;
        request.method = "POST";
        request.path = request.target = "/auth/token";
        request.requestId = "sign-in-test";
        request.clientAddress = "192.0.2.1";
        request.body = body;
        const auto started = Clock::now();
        try {
            (void)auth.signIn(request);
            ADD_FAILURE() << "signed in with " << body;
        } catch (const core::ApiError& error) {
            EXPECT_EQ(error.code(), core::ErrorCode::Unauthorized) << body;
        }
        fastest = std::min(fastest, Clock::now() - started);
    }
    return fastest;
}

TEST(SignIn, AMalformedApiKeyTakesAsLongAsAWrongPassword) {
    AuthConfig config;
    config.tokenSecret = std::string(40, 't');
    config.adminUser = "admin";
    config.adminPasswordHash = auth::hashSecret("the-right-password");
    config.loginFailuresPerAddress = 1000;
    config.loginFailuresPerUser = 1000;
    // Malformed keys never reach payments: nothing listens here.
    Upstream payments(upstreamFromUrl("payments", "http://127.0.0.1:1"));
    Authenticator auth(config, payments);

    const auto wrongPassword =
        fastestRefusal(auth, R"({"username":"admin","password":"not-the-password"})", 3);
    const auto malformedKey = fastestRefusal(auth, R"({"api_key":"let-me-in"})", 3);
    // One PBKDF2 hash each (about 0.2 s here); without the decoy hash a malformed key is
    // refused in microseconds. Half leaves room for noise, none for a skipped hash.
    EXPECT_GE(malformedKey, wrongPassword / 2)
        << "wrong password " << std::chrono::duration<double, std::milli>(wrongPassword).count()
        << " ms, malformed key " << std::chrono::duration<double, std::milli>(malformedKey).count()
        << " ms";
}

}  // namespace
}  // namespace shop::gateway
