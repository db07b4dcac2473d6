#include "app/orders_app.hpp"

#include "api/orders_api.hpp"
#include "shop/events/events.hpp"
#include "workers/payment_result_handler.hpp"

namespace shop::orders {

std::unique_ptr<service::ServiceHost> makeOrdersService(core::EnvReader& env) {
    auto config = service::readServiceConfig(env, "orders", "127.0.0.1:8081");
    env.finish();
    auto host = std::make_unique<service::ServiceHost>(config);
    pg::Pool& pool = host->pool();

    http::Router router;
    host->addHealthRoutes(router);
    addOrderRoutes(router, pool);
    host->setRouter(std::move(router));

    outbox::RelayOptions relay;
    relay.dbUrl = config.dbUrl;
    relay.amqpUrl = config.amqpUrl;
    relay.exchange = std::string(events::kExchange);
    relay.name = "orders-relay";
    // Status events fan out to whichever gateways are running; with none, nobody needs them.
    relay.optionalRouteKeys.emplace(events::kOrderStatusKey);
    host->setRelay(std::move(relay));

    outbox::ConsumerOptions consumer;
    consumer.amqpUrl = config.amqpUrl;
    consumer.exchange = std::string(events::kExchange);
    consumer.queue = std::string(events::kPaymentResultQueue);
    consumer.bindingKeys = {std::string(events::kPaymentResultKey)};
    consumer.name = "orders-consumer";
    host->setConsumer(
        std::move(consumer),
        [&pool](const amqp::Delivery& delivery) { return handlePaymentResult(pool, delivery); },
        [&pool](std::span<const amqp::Delivery> deliveries) {
            return handlePaymentResults(pool, deliveries);
        });
    return host;
}

}  // namespace shop::orders
