// The broker side of the contract (CONTRACT section 4, section 5 item 2): the properties every
// event carries, redelivered PaymentRequested debiting once, and poison messages going to their
// dead-letter queue while the consumer goes on.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "shop/amqp/admin.hpp"
#include "shop/amqp/connection.hpp"
#include "shop/amqp/consumer.hpp"
#include "shop/amqp/message.hpp"
#include "shop/amqp/publisher.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/pg/connection.hpp"
#include "shop/testing/env.hpp"
#include "support/api.hpp"

namespace shop::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kExchange = "shop.events";
constexpr const char* kPaymentRequestedDlq = "payments.payment-requested.dlq";
constexpr const char* kPaymentResultDlq = "orders.payment-result.dlq";

amqp::ConnectionOptions connectionOptions() {
    amqp::ConnectionOptions options;
    options.connectionName = "e2e_tests";
    return options;
}

/// A message as a producer of the system would publish it (CONTRACT section 4).
amqp::Message eventMessage(const std::string& messageId, const std::string& type,
                           const std::string& correlationId, std::string body) {
    amqp::Message message;
    message.body = std::move(body);
    message.messageId = messageId;
    message.type = type;
    message.correlationId = correlationId;
    message.headers = {{"x-request-id", "e2e-" + messageId}};
    return message;
}

std::string paymentRequestedBody(const std::string& eventId, const std::string& orderId,
                                 const std::string& userId, const std::string& amount) {
    return R"({"event_id":)" + jsonString(eventId) + R"(,"order_id":)" + jsonString(orderId) +
           R"(,"user_id":)" + jsonString(userId) + R"(,"amount":)" + jsonString(amount) +
           R"(,"occurred_at":"2024-05-01T12:00:00.000000Z"})";
}

std::string paymentResultBody(const std::string& eventId, const std::string& orderId,
                              const std::string& userId, const std::string& balanceAfter) {
    return R"({"event_id":)" + jsonString(eventId) + R"(,"order_id":)" + jsonString(orderId) +
           R"(,"user_id":)" + jsonString(userId) +
           R"(,"outcome":"SUCCEEDED","failure_reason":null,"balance_after":)" +
           jsonString(balanceAfter) + R"(,"occurred_at":"2024-05-01T12:00:00.000000Z"})";
}

class MessagingE2eTest : public E2eTest {
  protected:
    /// Publishes each message to shop.events with publisher confirms; each must be confirmed
    /// (routed to a queue and persisted).
    static void publish(const std::vector<amqp::Outgoing>& batch) {
        amqp::Connection connection(Stack::instance().settings().amqpUrl, connectionOptions());
        amqp::Publisher publisher(connection);
        const auto outcomes = publisher.publishBatch(kExchange, batch, seconds(10));
        ASSERT_EQ(outcomes.size(), batch.size());
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            EXPECT_EQ(outcomes[i], amqp::PublishOutcome::Confirmed)
                << batch[i].message.messageId << ": " << amqp::toString(outcomes[i]);
        }
    }

    /// Puts a NEW order straight into the orders database (no PaymentRequested is sent for it),
    /// so a hand-made event can settle it.
    static void insertNewOrder(const std::string& orderId, const std::string& userId,
                               std::int64_t amountMinor) {
        pg::Connection db(Stack::instance().settings().ordersDbAdminUrl, "e2e_tests");
        db.exec(
            "INSERT INTO orders (order_id, user_id, amount, description, status) "
            "VALUES ($1, $2, $3, 'inserted by e2e_tests', 'NEW')",
            orderId, userId, amountMinor);
    }

    static std::int64_t paymentsCount(const std::string& sql, const std::string& arg) {
        pg::Connection db(Stack::instance().settings().paymentsDbAdminUrl, "e2e_tests");
        return db.exec(sql, arg).int64(0, 0);
    }

    /// Waits for the message with `messageId` in the dead-letter queue `queue` and removes it.
    /// Others' messages met on the way are returned to the queue (nack, requeue), never lost.
    static std::optional<amqp::Delivery> takeFromDeadLetterQueue(const std::string& queue,
                                                                 const std::string& messageId) {
        std::optional<amqp::Delivery> found;
        testing::waitUntil(
            [&] {
                amqp::Connection connection(Stack::instance().settings().amqpUrl,
                                            connectionOptions());
                std::vector<std::uint64_t> others;
                while (!found) {
                    auto delivery = amqp::getOne(connection, queue);
                    if (!delivery) {
                        break;
                    }
                    if (delivery->message.messageId == messageId) {
                        amqp::ack(connection, delivery->deliveryTag);
                        found = std::move(delivery);
                    } else {
                        others.push_back(delivery->deliveryTag);
                    }
                }
                for (const auto tag : others) {
                    amqp::nack(connection, tag, true);
                }
                return found.has_value();
            },
            seconds(20), milliseconds(100));
        return found;
    }
};

TEST_F(MessagingE2eTest, EventsOfAnOrderCarryTheContractProperties) {
    // A queue of our own on the exchange sees a copy of every event; we keep our order's.
    amqp::Connection connection(Stack::instance().settings().amqpUrl, connectionOptions());
    const std::string queue = amqp::declareInstanceQueue(connection, kExchange, "#");
    amqp::Consumer consumer(connection, queue, 100);

    const std::string userId = newAccount("30");
    const std::string requestId = "e2e-events-" + testing::uniqueSuffix();
    const auto created = createOrder(userId, "12.5", "watched", {{"X-Request-Id", requestId}});
    ASSERT_EQ(created.status, 201) << created.describe();
    const std::string orderId = str(created.data(), "order_id");

    std::map<std::string, std::vector<amqp::Delivery>> byType;
    const bool complete = testing::waitUntil(
        [&] {
            while (auto delivery = consumer.next(milliseconds(50))) {
                consumer.ack(delivery->deliveryTag);
                if (delivery->message.correlationId == orderId) {
                    byType[delivery->message.type].push_back(std::move(*delivery));
                }
            }
            // The NEW status travels as the PaymentRequested (events::newOrderStatus): one
            // OrderStatusChanged, for the final status.
            return byType["PaymentRequested"].size() == 1 && byType["PaymentResult"].size() == 1 &&
                   byType["OrderStatusChanged"].size() == 1;
        },
        seconds(30), milliseconds(1));
    ASSERT_TRUE(complete) << "PaymentRequested " << byType["PaymentRequested"].size()
                          << ", PaymentResult " << byType["PaymentResult"].size()
                          << ", OrderStatusChanged " << byType["OrderStatusChanged"].size();

    const std::map<std::string, std::string> routingKeys{{"PaymentRequested", "payment.requested"},
                                                         {"PaymentResult", "payment.result"},
                                                         {"OrderStatusChanged", "order.status"}};
    for (const auto& [type, deliveries] : byType) {
        for (const auto& delivery : deliveries) {
            SCOPED_TRACE(type + " " + delivery.message.body);
            const auto& message = delivery.message;
            EXPECT_EQ(delivery.exchange, kExchange);
            EXPECT_EQ(delivery.routingKey, routingKeys.at(type));
            EXPECT_EQ(message.contentType, "application/json");
            EXPECT_EQ(message.deliveryMode, amqp::DeliveryMode::Persistent);
            EXPECT_GT(message.timestamp, 0);
            ASSERT_NE(message.header("x-request-id"), nullptr);
            EXPECT_EQ(*message.header("x-request-id"), requestId);
            std::string error;
            const auto body = domain::parseJson(message.body, error);
            ASSERT_TRUE(body.has_value()) << error;
            EXPECT_EQ(message.messageId, str(&*body, "event_id"));
            EXPECT_EQ(domain::normalizeUuid(message.messageId).value_or(""), message.messageId);
            EXPECT_EQ(str(&*body, "order_id"), orderId);
            EXPECT_EQ(str(&*body, "user_id"), userId);
            EXPECT_FALSE(str(&*body, "occurred_at").empty());
        }
    }
    std::string error;
    const auto requested = domain::parseJson(byType["PaymentRequested"][0].message.body, error);
    EXPECT_EQ(str(&*requested, "amount"), "12.50");
    const auto result = domain::parseJson(byType["PaymentResult"][0].message.body, error);
    EXPECT_EQ(str(&*result, "outcome"), "SUCCEEDED");
    EXPECT_TRUE(isNullMember(&*result, "failure_reason"));
    EXPECT_EQ(str(&*result, "balance_after"), "17.50");
    std::set<std::string> statuses;
    for (const auto& delivery : byType["OrderStatusChanged"]) {
        const auto changed = domain::parseJson(delivery.message.body, error);
        statuses.insert(str(&*changed, "status") + "/" + num(&*changed, "version"));
        EXPECT_EQ(str(&*changed, "amount"), "12.50");
    }
    EXPECT_EQ(statuses, (std::set<std::string>{"FINISHED/2"}));
}

TEST_F(MessagingE2eTest, RedeliveredPaymentRequestedDebitsOnce) {
    const std::string userId = newAccount(R"("50.00")");
    const std::string orderId = domain::newUuid();
    const std::string sentinelOrderId = domain::newUuid();
    insertNewOrder(orderId, userId, 1234);
    insertNewOrder(sentinelOrderId, userId, 100);

    const std::string eventId = domain::newUuid();
    const std::string body = paymentRequestedBody(eventId, orderId, userId, "12.34");
    const std::string replayId = domain::newUuid();
    const std::string sentinelId = domain::newUuid();
    publish({
        // The same message twice, as after a lost ack or a relay crash before marking the row.
        {"payment.requested", eventMessage(eventId, "PaymentRequested", orderId, body)},
        {"payment.requested", eventMessage(eventId, "PaymentRequested", orderId, body)},
        // The same payment under a new message id, as after a replayed outbox row.
        {"payment.requested",
         eventMessage(replayId, "PaymentRequested", orderId,
                      paymentRequestedBody(replayId, orderId, userId, "12.34"))},
        // Behind them, another order: once it is paid, the duplicates have been handled.
        {"payment.requested",
         eventMessage(sentinelId, "PaymentRequested", sentinelOrderId,
                      paymentRequestedBody(sentinelId, sentinelOrderId, userId, "1.00"))},
    });

    const auto sentinel = waitForFinalOrder(sentinelOrderId);
    ASSERT_TRUE(sentinel.has_value());
    EXPECT_EQ(str(&*sentinel, "status"), "FINISHED") << domain::toJsonText(*sentinel);
    const auto settled = waitForFinalOrder(orderId);
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "status"), "FINISHED") << domain::toJsonText(*settled);
    EXPECT_EQ(num(&*settled, "version"), "2");

    EXPECT_EQ(paymentsCount("SELECT count(*) FROM ledger WHERE order_id = $1", orderId), 1);
    EXPECT_EQ(paymentsCount("SELECT count(*) FROM payments WHERE order_id = $1", orderId), 1);
    EXPECT_EQ(paymentsCount("SELECT count(*) FROM inbox WHERE message_id = $1", eventId), 1);
    EXPECT_EQ(balanceOf(userId), "36.66");
}

TEST_F(MessagingE2eTest, PoisonPaymentRequestedIsDeadLetteredAndTheNextOneIsProcessed) {
    const std::string userId = newAccount(R"("20.00")");
    const std::string orderId = domain::newUuid();
    insertNewOrder(orderId, userId, 500);

    const std::string notJsonId = domain::newUuid();
    const std::string badFieldsId = domain::newUuid();
    const std::string goodId = domain::newUuid();
    const std::string notJson = "this is not JSON " + notJsonId;
    publish({
        {"payment.requested", eventMessage(notJsonId, "PaymentRequested", orderId, notJson)},
        {"payment.requested",
         eventMessage(badFieldsId, "PaymentRequested", orderId,
                      paymentRequestedBody(badFieldsId, orderId, userId, "-5.00"))},
        {"payment.requested", eventMessage(goodId, "PaymentRequested", orderId,
                                           paymentRequestedBody(goodId, orderId, userId, "5"))},
    });

    const auto settled = waitForFinalOrder(orderId);
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "status"), "FINISHED") << domain::toJsonText(*settled);
    EXPECT_EQ(balanceOf(userId), "15.00");

    const auto poison = takeFromDeadLetterQueue(kPaymentRequestedDlq, notJsonId);
    ASSERT_TRUE(poison.has_value()) << "not in " << kPaymentRequestedDlq;
    EXPECT_EQ(poison->message.body, notJson);
    const auto badFields = takeFromDeadLetterQueue(kPaymentRequestedDlq, badFieldsId);
    ASSERT_TRUE(badFields.has_value()) << "not in " << kPaymentRequestedDlq;
    EXPECT_EQ(paymentsCount("SELECT count(*) FROM ledger WHERE order_id = $1", orderId), 1);
}

TEST_F(MessagingE2eTest, PoisonPaymentResultIsDeadLetteredAndTheNextOneIsProcessed) {
    const std::string userId = domain::newUuid();
    const std::string orderId = domain::newUuid();
    insertNewOrder(orderId, userId, 700);

    const std::string notJsonId = domain::newUuid();
    const std::string unknownOrderId = domain::newUuid();
    const std::string unknownOrder = domain::newUuid();
    const std::string goodId = domain::newUuid();
    const std::string notJson = "{not json " + notJsonId;
    publish({
        {"payment.result", eventMessage(notJsonId, "PaymentResult", orderId, notJson)},
        {"payment.result",
         eventMessage(unknownOrderId, "PaymentResult", unknownOrder,
                      paymentResultBody(unknownOrderId, unknownOrder, userId, "0.00"))},
        {"payment.result", eventMessage(goodId, "PaymentResult", orderId,
                                        paymentResultBody(goodId, orderId, userId, "3.00"))},
    });

    const auto settled = waitForFinalOrder(orderId);
    ASSERT_TRUE(settled.has_value());
    EXPECT_EQ(str(&*settled, "status"), "FINISHED") << domain::toJsonText(*settled);
    EXPECT_EQ(num(&*settled, "version"), "2");

    const auto poison = takeFromDeadLetterQueue(kPaymentResultDlq, notJsonId);
    ASSERT_TRUE(poison.has_value()) << "not in " << kPaymentResultDlq;
    EXPECT_EQ(poison->message.body, notJson);
    const auto unknown = takeFromDeadLetterQueue(kPaymentResultDlq, unknownOrderId);
    ASSERT_TRUE(unknown.has_value()) << "not in " << kPaymentResultDlq;
    EXPECT_EQ(unknown->message.correlationId, unknownOrder);
    // The unknown order was not created by the result.
    EXPECT_TRUE(isErrorEnvelope(api().get("/orders/" + unknownOrder), 404, "NOT_FOUND"));
}

}  // namespace
}  // namespace shop::e2e
