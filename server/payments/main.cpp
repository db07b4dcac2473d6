// The payments service: accounts, top-ups and the PaymentRequested consumer.
#include <cstdio>

#include "app/payments_app.hpp"
#include "shop/core/log.hpp"
#include "shop/core/signals.hpp"

int main() {
    const auto waitForTermination = shop::core::interceptTerminationSignals();
    shop::core::setLogService("payments");
    try {
        shop::core::EnvReader env;
        auto service = shop::payments::makePaymentsService(env);
        service->start();
        waitForTermination();
        service->stop();
        shop::core::logInfo("stopped");
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "payments: %s\n", error.what());
        return 1;
    }
}
