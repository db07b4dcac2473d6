#include "app/payments_app.hpp"

#include "api/accounts_api.hpp"
#include "api/api_keys_api.hpp"
#include "shop/events/events.hpp"
#include "workers/payment_requested_handler.hpp"

namespace shop::payments {

std::unique_ptr<service::ServiceHost> makePaymentsService(core::EnvReader& env) {
    auto config = service::readServiceConfig(env, "payments", "127.0.0.1:8082");
    env.finish();
    auto host = std::make_unique<service::ServiceHost>(config);
    pg::Pool& pool = host->pool();

    http::Router router;
    host->addHealthRoutes(router);
    addAccountRoutes(router, pool);
    addApiKeyRoutes(router, pool);
    host->setRouter(std::move(router));

    outbox::RelayOptions relay;
    relay.dbUrl = config.dbUrl;
    relay.amqpUrl = config.amqpUrl;
    relay.exchange = std::string(events::kExchange);
    relay.name = "payments-relay";
    host->setRelay(std::move(relay));

    outbox::ConsumerOptions consumer;
    consumer.amqpUrl = config.amqpUrl;
    consumer.exchange = std::string(events::kExchange);
    consumer.queue = std::string(events::kPaymentRequestedQueue);
    consumer.bindingKeys = {std::string(events::kPaymentRequestedKey)};
    consumer.name = "payments-consumer";
    host->setConsumer(
        std::move(consumer),
        [&pool](const amqp::Delivery& delivery) { return handlePaymentRequested(pool, delivery); },
        [&pool](std::span<const amqp::Delivery> deliveries) {
            return handlePaymentsRequested(pool, deliveries);
        });
    return host;
}

}  // namespace shop::payments
