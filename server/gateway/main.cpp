// The API gateway: the only entry point to the system.
#include <cstdio>

#include "app/gateway_app.hpp"
#include "shop/core/limits.hpp"
#include "shop/core/log.hpp"
#include "shop/core/signals.hpp"

int main() {
    const auto waitForTermination = shop::core::interceptTerminationSignals();
    shop::core::setLogService("gateway");
    // Every WebSocket subscriber is a descriptor: take what the hard limit allows.
    const auto openFiles = shop::core::raiseOpenFileLimit();
    shop::core::logInfo("open file limit", {{"nofile", std::to_string(openFiles)}});
    try {
        shop::core::EnvReader env;
        shop::gateway::Gateway gateway(shop::gateway::readGatewayConfig(env));
        gateway.start();
        waitForTermination();
        gateway.stop();
        shop::core::logInfo("stopped");
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "gateway: %s\n", error.what());
        return 1;
    }
}
