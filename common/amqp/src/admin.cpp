#include "shop/amqp/admin.hpp"

#include <amqp_framing.h>

#include "detail.hpp"

namespace shop::amqp {

std::uint32_t messageCount(Connection& connection, const std::string& queue) {
    const std::string what = "passive queue.declare '" + queue + "'";
    connection.ensureOpen(what);
    const amqp_queue_declare_ok_t* ok =
        amqp_queue_declare(connection.raw(), Connection::kChannel, detail::bytesOf(queue),
                           /*passive=*/1, 0, 0, 0, amqp_empty_table);
    connection.checkLastReply(what);
    return ok->message_count;
}

std::optional<Delivery> getOne(Connection& connection, const std::string& queue, bool autoAck) {
    const std::string what = "basic.get from queue '" + queue + "'";
    connection.ensureOpen(what);
    amqp_connection_state_t raw = connection.raw();
    amqp_maybe_release_buffers(raw);
    const amqp_rpc_reply_t reply =
        amqp_basic_get(raw, Connection::kChannel, detail::bytesOf(queue), autoAck ? 1 : 0);
    connection.checkReply(reply, what);
    if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) {
        return std::nullopt;
    }
    const auto* ok = static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded);
    Delivery delivery;
    delivery.deliveryTag = ok->delivery_tag;
    delivery.redelivered = ok->redelivered != 0;
    delivery.exchange = detail::toString(ok->exchange);
    delivery.routingKey = detail::toString(ok->routing_key);

    detail::MessageGuard guard;
    connection.checkReply(amqp_read_message(raw, Connection::kChannel, &guard.message, 0), what);
    guard.filled = true;
    delivery.message = detail::toMessage(guard.message.properties, guard.message.body);
    delivery.deliveryCount = detail::deliveryCount(guard.message.properties);
    return delivery;
}

void ack(Connection& connection, std::uint64_t deliveryTag) {
    connection.ensureOpen("basic.ack");
    connection.checkStatus(amqp_basic_ack(connection.raw(), Connection::kChannel, deliveryTag, 0),
                           "basic.ack");
}

void ackUpTo(Connection& connection, std::uint64_t deliveryTag) {
    connection.ensureOpen("basic.ack");
    connection.checkStatus(amqp_basic_ack(connection.raw(), Connection::kChannel, deliveryTag, 1),
                           "basic.ack");
}

void reject(Connection& connection, std::uint64_t deliveryTag, bool requeue) {
    connection.ensureOpen("basic.reject");
    connection.checkStatus(
        amqp_basic_reject(connection.raw(), Connection::kChannel, deliveryTag, requeue ? 1 : 0),
        "basic.reject");
}

void nack(Connection& connection, std::uint64_t deliveryTag, bool requeue) {
    connection.ensureOpen("basic.nack");
    connection.checkStatus(amqp_basic_nack(connection.raw(), Connection::kChannel, deliveryTag,
                                           /*multiple=*/0, requeue ? 1 : 0),
                           "basic.nack");
}

std::uint32_t purge(Connection& connection, const std::string& queue) {
    const std::string what = "queue.purge '" + queue + "'";
    connection.ensureOpen(what);
    const amqp_queue_purge_ok_t* ok =
        amqp_queue_purge(connection.raw(), Connection::kChannel, detail::bytesOf(queue));
    connection.checkLastReply(what);
    return ok->message_count;
}

void deleteQueue(Connection& connection, const std::string& queue) {
    const std::string what = "queue.delete '" + queue + "'";
    connection.ensureOpen(what);
    amqp_queue_delete(connection.raw(), Connection::kChannel, detail::bytesOf(queue),
                      /*if_unused=*/0, /*if_empty=*/0);
    connection.checkLastReply(what);
}

void deleteExchange(Connection& connection, const std::string& exchange) {
    const std::string what = "exchange.delete '" + exchange + "'";
    connection.ensureOpen(what);
    amqp_exchange_delete(connection.raw(), Connection::kChannel, detail::bytesOf(exchange),
                         /*if_unused=*/0);
    connection.checkLastReply(what);
}

}  // namespace shop::amqp
