#include "shop/service/service_spec.hpp"

#include <cstdio>

#include "shop/core/log.hpp"
#include "shop/core/signals.hpp"
#include "shop/events/events.hpp"

namespace shop::service {

std::unique_ptr<ServiceHost> makeService(core::EnvReader& env, const ServiceSpec& spec) {
    auto config = readServiceConfig(env, spec.name, spec.defaultAddress);
    env.finish();
    auto host = std::make_unique<ServiceHost>(config);
    pg::Pool& pool = host->pool();

    http::Router router;
    host->addHealthRoutes(router);
    spec.addRoutes(router, pool);
    host->setRouter(std::move(router));

    outbox::RelayOptions relay;
    relay.dbUrl = config.dbUrl;
    relay.amqpUrl = config.amqpUrl;
    relay.exchange = std::string(events::kExchange);
    relay.name = spec.name + "-relay";
    relay.optionalRouteKeys = spec.optionalRouteKeys;
    host->setRelay(std::move(relay));

    for (const ConsumerSpec& work : spec.consumers) {
        outbox::ConsumerOptions consumer;
        consumer.amqpUrl = config.amqpUrl;
        consumer.exchange = std::string(events::kExchange);
        consumer.queue = work.queue;
        consumer.bindingKeys = {work.bindingKey};
        consumer.name = spec.name + "-consumer:" + work.queue;
        outbox::BatchHandler batchHandler;
        if (work.handleBatch) {
            batchHandler = [&pool, handleBatch = work.handleBatch](
                               std::span<const amqp::Delivery> deliveries) {
                return handleBatch(pool, deliveries);
            };
        }
        host->addConsumer(
            std::move(consumer),
            [&pool, handle = work.handle](const amqp::Delivery& delivery) {
                return handle(pool, delivery);
            },
            std::move(batchHandler));
    }
    return host;
}

int runService(const ServiceSpec& spec) {
    const auto waitForTermination = core::interceptTerminationSignals();
    core::setLogService(spec.name);
    try {
        core::EnvReader env;
        auto service = makeService(env, spec);
        service->start();
        waitForTermination();
        service->stop();
        core::logInfo("stopped");
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "%s: %s\n", spec.name.c_str(), error.what());
        return 1;
    }
}

}  // namespace shop::service
