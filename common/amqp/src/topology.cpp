#include "shop/amqp/topology.hpp"

#include <amqp_framing.h>

#include <cstdint>
#include <vector>

#include "detail.hpp"

namespace shop::amqp {
namespace {

void declareExchangeOfType(Connection& connection, std::string_view name, const char* type) {
    const std::string what =
        std::string("exchange.declare '") + std::string(name) + "' (" + type + ", durable)";
    connection.ensureOpen(what);
    try {
        amqp_exchange_declare(connection.raw(), Connection::kChannel, detail::bytesOf(name),
                              amqp_cstring_bytes(type), /*passive=*/0, /*durable=*/1,
                              /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
        connection.checkLastReply(what);
    } catch (const ConnectionError& e) {
        if (e.replyCode() == kPreconditionFailed) {
            throw ConnectionError(std::string(e.what()) +
                                      " (the exchange exists with another type or flags; delete "
                                      "it or declare it the same way)",
                                  e.replyCode());
        }
        throw;
    }
}

void declareQueue(Connection& connection, const std::string& queue, amqp_table_t arguments) {
    const std::string what = "queue.declare '" + queue + "' (durable quorum)";
    connection.ensureOpen(what);
    try {
        amqp_queue_declare(connection.raw(), Connection::kChannel, detail::bytesOf(queue),
                           /*passive=*/0, /*durable=*/1, /*exclusive=*/0, /*auto_delete=*/0,
                           arguments);
        connection.checkLastReply(what);
    } catch (const ConnectionError& e) {
        if (e.replyCode() == kPreconditionFailed) {
            throw ConnectionError(std::string(e.what()) +
                                      " (the queue exists with other arguments; delete it, or "
                                      "declare it with the same arguments)",
                                  e.replyCode());
        }
        throw;
    }
}

void bindQueue(Connection& connection, const std::string& queue, std::string_view exchange,
               const std::string& bindingKey) {
    const std::string what = "queue.bind '" + queue + "' to '" + std::string(exchange) +
                             "' with key '" + bindingKey + "'";
    connection.ensureOpen(what);
    amqp_queue_bind(connection.raw(), Connection::kChannel, detail::bytesOf(queue),
                    detail::bytesOf(exchange), detail::bytesOf(bindingKey), amqp_empty_table);
    connection.checkLastReply(what);
}

}  // namespace

std::string deadLetterQueueName(std::string_view queue) {
    return std::string(queue) + ".dlq";
}

void declareExchange(Connection& connection, const std::string& name) {
    declareExchangeOfType(connection, name, "topic");
}

void declareWorkQueue(Connection& connection, const WorkQueueSpec& spec) {
    declareExchange(connection, spec.exchange);
    declareExchangeOfType(connection, kDeadLetterExchange, "direct");

    const std::string dlq = deadLetterQueueName(spec.queue);
    std::vector<amqp_table_entry_t> dlqArguments{detail::stringEntry("x-queue-type", "quorum")};
    declareQueue(connection, dlq, detail::tableOf(dlqArguments));
    bindQueue(connection, dlq, kDeadLetterExchange, spec.queue);

    std::vector<amqp_table_entry_t> arguments{
        detail::stringEntry("x-queue-type", "quorum"),
        detail::longEntry("x-delivery-limit", spec.deliveryLimit),
        detail::stringEntry("x-dead-letter-exchange", kDeadLetterExchange),
        detail::stringEntry("x-dead-letter-routing-key", spec.queue),
    };
    declareQueue(connection, spec.queue, detail::tableOf(arguments));
    for (const std::string& key : spec.bindingKeys) {
        bindQueue(connection, spec.queue, spec.exchange, key);
    }
}

std::string declareInstanceQueue(Connection& connection, const std::string& exchange,
                                 const std::string& bindingKey) {
    return declareInstanceQueue(connection, exchange, std::vector<std::string>{bindingKey});
}

std::string declareInstanceQueue(Connection& connection, const std::string& exchange,
                                 const std::vector<std::string>& bindingKeys) {
    declareExchange(connection, exchange);
    const std::string what = "queue.declare (server-named, exclusive, auto-delete)";
    connection.ensureOpen(what);
    const amqp_queue_declare_ok_t* ok = amqp_queue_declare(
        connection.raw(), Connection::kChannel, amqp_empty_bytes,
        /*passive=*/0, /*durable=*/0, /*exclusive=*/1, /*auto_delete=*/1, amqp_empty_table);
    connection.checkLastReply(what);
    const std::string queue = detail::toString(ok->queue);
    for (const auto& key : bindingKeys) {
        bindQueue(connection, queue, exchange, key);
    }
    return queue;
}

}  // namespace shop::amqp
