// libFuzzer target: the router's path matching with the gateway's real route shapes. The first
// byte picks the method, the rest is the path. A match must name a registered pattern and its
// captures must be non-empty segments of the path.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shop/http/router.hpp"

namespace {

const shop::http::Router& router() {
    static const shop::http::Router instance = [] {
        shop::http::Router r;
        auto ok = [](const shop::http::Request&) { return shop::http::Response{}; };
        for (const char* pattern :
             {"/accounts", "/accounts/topup", "/accounts/{user_id}", "/accounts/{user_id}/api-keys",
              "/accounts/{user_id}/api-keys/{key_id}", "/orders", "/orders/{order_id}", "/health",
              "/health/live", "/health/ready", "/metrics", "/"}) {
            r.add("GET", pattern, ok);
            r.add("POST", pattern, ok);
        }
        r.add("DELETE", "/accounts/{user_id}/api-keys/{key_id}", ok);
        return r;
    }();
    return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    static const char* const kMethods[] = {"GET", "POST", "DELETE", "PUT", ""};
    const std::string_view method = kMethods[data[0] % 5];
    const std::string_view path(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto match = router().match(method, path);
    (void)shop::http::splitPath(path);
    if (match.handler != nullptr) {
        if (match.pattern.empty() || match.pattern[0] != '/') {
            std::abort();
        }
        for (const auto& [name, value] : match.params) {
            if (name.empty() || value.empty() || value.find('/') != std::string::npos ||
                path.find(value) == std::string_view::npos) {
                std::abort();
            }
        }
    }
    return 0;
}
