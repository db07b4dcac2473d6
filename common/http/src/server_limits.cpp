#include "shop/http/server.hpp"

namespace shop::http {
namespace {

// The highest limits start-up accepts: far above what any request of this API needs (the
// longest is a list query of a few hundred bytes), and a head within them is still small.
constexpr std::int64_t kHighestUriLimit = 16384;
constexpr std::int64_t kHighestFieldsLimit = 100;
constexpr std::int64_t kHighestLineLimit = 8192;

}  // namespace

void readServerLimits(core::EnvReader& env, ServerOptions& options) {
    using Millis = std::chrono::milliseconds;
    options.maxConnections = static_cast<int>(
        env.integer("SHOP_HTTP_MAX_CONNECTIONS", kDefaultMaxConnections, 1, 100000));
    options.maxUriBytes = static_cast<std::size_t>(
        env.integer("SHOP_HTTP_MAX_URI_BYTES", 8 * 1024, 256, kHighestUriLimit));
    options.maxHeaderFields = static_cast<std::size_t>(
        env.integer("SHOP_HTTP_MAX_HEADER_FIELDS", 100, 1, kHighestFieldsLimit));
    options.maxHeaderLineBytes = static_cast<std::size_t>(
        env.integer("SHOP_HTTP_MAX_HEADER_LINE_BYTES", 8 * 1024, 256, kHighestLineLimit));
    options.maxHeaderBytes = static_cast<std::size_t>(
        env.integer("SHOP_HTTP_MAX_HEADER_BYTES", 32 * 1024, 1024, 1024 * 1024));
    if (options.maxHeaderBytes < options.maxHeaderLineBytes) {
        env.addProblem(
            "SHOP_HTTP_MAX_HEADER_BYTES must be at least SHOP_HTTP_MAX_HEADER_LINE_BYTES");
    }
    options.headerTimeout = Millis(env.integer("SHOP_HTTP_HEADER_TIMEOUT_MS", 10000, 100, 600000));
    options.bodyTimeout = Millis(env.integer("SHOP_HTTP_BODY_TIMEOUT_MS", 15000, 100, 600000));
    options.writeTimeout = Millis(env.integer("SHOP_HTTP_WRITE_TIMEOUT_MS", 15000, 100, 600000));
    options.keepAlive = Millis(env.integer("SHOP_HTTP_KEEPALIVE_TIMEOUT_MS", 10000, 100, 600000));
}

}  // namespace shop::http
