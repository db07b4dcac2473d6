// The orders service: orders and the PaymentResult consumer.
#include <cstdio>

#include "app/orders_app.hpp"
#include "shop/core/log.hpp"
#include "shop/core/signals.hpp"

int main() {
    const auto waitForTermination = shop::core::interceptTerminationSignals();
    shop::core::setLogService("orders");
    try {
        shop::core::EnvReader env;
        auto service = shop::orders::makeOrdersService(env);
        service->start();
        waitForTermination();
        service->stop();
        shop::core::logInfo("stopped");
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "orders: %s\n", error.what());
        return 1;
    }
}
