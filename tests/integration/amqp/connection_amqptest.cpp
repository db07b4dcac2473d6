#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "amqp_test_support.hpp"
#include "shop/amqp/consumer.hpp"
#include "shop/amqp/endpoints.hpp"
#include "shop/amqp/publisher.hpp"

namespace shop::amqp::test {
namespace {

using namespace std::chrono_literals;
using shop::testing::waitUntil;

class AmqpConnection : public AmqpTest {};

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST_F(AmqpConnection, OpensAndClosesCleanly) {
    Connection connection = connect();
    EXPECT_TRUE(connection.isOpen());
    EXPECT_NE(connection.raw(), nullptr);
    EXPECT_TRUE(contains(connection.url(), ":***@")) << connection.url();
    connection.close();
    EXPECT_FALSE(connection.isOpen());
    connection.close();
    EXPECT_THROW(messageCount(connection, "anything"), ConnectionError);
}

TEST_F(AmqpConnection, WrongPasswordIsAConnectionError) {
    Url url = parseUrl(AmqpTest::url());
    url.password = "definitely-wrong";
    try {
        Connection connection(url, testOptions());
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& e) {
        EXPECT_FALSE(contains(e.what(), "definitely-wrong")) << e.what();
        EXPECT_TRUE(contains(e.what(), "***")) << e.what();
    }
}

TEST_F(AmqpConnection, RefusedPortFailsFast) {
    Url url = parseUrl(AmqpTest::url());
    url.port = 1;  // nothing listens there
    ConnectionOptions options = testOptions();
    options.connectTimeout = 2s;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(Connection(url, options), ConnectionError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

/// The test broker's URL with another port (nothing listens on ports 1 and 2).
std::string withPort(std::uint16_t port) {
    std::string text = shop::testing::amqpUrl();
    const std::string current = ":" + std::to_string(parseUrl(text).port);
    return text.replace(text.find(current, text.find('@')), current.size(),
                        ":" + std::to_string(port));
}

TEST_F(AmqpConnection, EndpointsConnectToTheFirstNodeThatAccepts) {
    // The node that is down comes first, as after losing a cluster member.
    Endpoints endpoints(withPort(1) + "," + AmqpTest::url());
    ASSERT_EQ(endpoints.urls().size(), 2u);
    const auto connection = endpoints.connect(testOptions());
    EXPECT_TRUE(connection->isOpen());
    EXPECT_EQ(connection->url(), parseUrl(AmqpTest::url()).masked());
}

TEST_F(AmqpConnection, EndpointsSayWhatEachNodeAnsweredWhenNoneAccepts) {
    const std::string password = parseUrl(AmqpTest::url()).password;
    Endpoints endpoints(withPort(1) + "," + withPort(2));
    try {
        endpoints.connect(testOptions());
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& error) {
        EXPECT_TRUE(contains(error.what(), ":1")) << error.what();
        EXPECT_TRUE(contains(error.what(), ":2")) << error.what();
        EXPECT_FALSE(contains(error.what(), ":" + password + "@")) << error.what();
    }
}

TEST_F(AmqpConnection, ChannelClosedByTheBrokerThrowsAndANewConnectionWorks) {
    const auto missing = exchangeName("missing");  // never declared
    std::optional<Connection> connection;
    connection.emplace(url(), testOptions());
    {
        Publisher publisher(*connection);
        try {
            publisher.publish(missing, "k", eventMessage("{}", "x"), 10s);
            FAIL() << "expected ConnectionError";
        } catch (const ConnectionError& e) {
            EXPECT_EQ(e.replyCode(), kNotFound) << e.what();
            EXPECT_TRUE(contains(e.what(), missing)) << e.what();
        }
        EXPECT_FALSE(connection->isOpen());
        EXPECT_THROW(publisher.publish(missing, "k", eventMessage("{}", "y"), 1s), ConnectionError);
    }

    // What a worker does: drop the connection, open a new one, declare, carry on.
    connection.reset();
    connection.emplace(url(), testOptions());
    const auto exchange = exchangeName("events");
    const auto queue = queueName("work");
    declareWorkQueue(*connection, {queue, exchange, {"k"}, 5});
    Publisher publisher(*connection);
    EXPECT_EQ(publisher.publish(exchange, "k", eventMessage("{}", "z"), 10s),
              PublishOutcome::Confirmed);
}

TEST_F(AmqpConnection, ConnectionClosedByTheBrokerIsAConnectionError) {
    const auto exchange = exchangeName("events");
    const auto queue = queueName("work");
    Connection connection = connect();
    declareWorkQueue(connection, {queue, exchange, {"k"}, 5});
    Consumer consumer(connection, queue, 1);
    // Publishing on a channel that was never opened is a connection-level protocol error:
    // the broker answers with connection.close 504 CHANNEL_ERROR, which the waiting consumer
    // reads (nothing else arrives, so this is deterministic).
    const amqp_basic_properties_t properties{};
    ASSERT_EQ(
        amqp_basic_publish(connection.raw(), 2, amqp_cstring_bytes("amq.direct"),
                           amqp_cstring_bytes("k"), 0, 0, &properties, amqp_cstring_bytes("x")),
        AMQP_STATUS_OK);
    try {
        consumer.next(10s);
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.replyCode(), kChannelError) << e.what();
        EXPECT_TRUE(contains(e.what(), "connection closed by the broker")) << e.what();
    }
    EXPECT_FALSE(connection.isOpen());
    Connection fresh = connect();
    EXPECT_EQ(messageCount(fresh, queue), 0u);
}

TEST_F(AmqpConnection, ExclusiveQueueOfAnotherConnectionIsLocked) {
    const auto exchange = exchangeName("events");
    Connection owner = connect();
    const std::string queue = declareInstanceQueue(owner, exchange, "order.status");
    EXPECT_FALSE(queue.empty());

    Connection other = connect();
    try {
        messageCount(other, queue);
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.replyCode(), kResourceLocked) << e.what();
    }
    EXPECT_FALSE(other.isOpen());
    EXPECT_TRUE(owner.isOpen());
    EXPECT_EQ(messageCount(owner, queue), 0u);
}

TEST_F(AmqpConnection, RedeclaringWithOtherArgumentsIsPreconditionFailed) {
    const auto exchange = exchangeName("events");
    const auto queue = queueName("work");
    {
        Connection connection = connect();
        declareWorkQueue(connection, {queue, exchange, {"k"}, 5});
        declareWorkQueue(connection, {queue, exchange, {"k"}, 5});  // idempotent
    }
    Connection connection = connect();
    try {
        declareWorkQueue(connection, {queue, exchange, {"k"}, 3});
        FAIL() << "expected ConnectionError";
    } catch (const ConnectionError& e) {
        EXPECT_EQ(e.replyCode(), kPreconditionFailed) << e.what();
        EXPECT_TRUE(contains(e.what(), queue)) << e.what();
        EXPECT_TRUE(contains(e.what(), "x-delivery-limit")) << e.what();
        EXPECT_TRUE(contains(e.what(), "other arguments")) << e.what();
    }
    EXPECT_FALSE(connection.isOpen());
}

TEST_F(AmqpConnection, InstanceQueueGetsBoundMessagesAndVanishesWithItsConnection) {
    const auto exchange = exchangeName("events");
    std::string queue;
    {
        Connection gateway = connect();
        queue = declareInstanceQueue(gateway, exchange, "order.status");
        Consumer consumer(gateway, queue, 10);

        Connection producer = connect();
        Publisher publisher(producer);
        EXPECT_EQ(publisher.publish(exchange, "payment.result", eventMessage("{}", "other"), 10s),
                  PublishOutcome::Returned);
        EXPECT_EQ(publisher.publish(exchange, "order.status", eventMessage("{}", "s-1"), 10s),
                  PublishOutcome::Confirmed);

        const auto delivery = consumer.next(10s);
        ASSERT_TRUE(delivery.has_value());
        EXPECT_EQ(delivery->message.messageId, "s-1");
        EXPECT_EQ(delivery->routingKey, "order.status");
        consumer.ack(delivery->deliveryTag);
        EXPECT_FALSE(consumer.next(200ms).has_value());
    }
    // A passive declare of a missing queue closes the channel, so each probe uses a connection.
    EXPECT_TRUE(waitUntil([&] {
        Connection probe = connect();
        try {
            messageCount(probe, queue);
            return false;
        } catch (const ConnectionError& e) {
            return e.replyCode() == kNotFound;
        }
    }));
}

}  // namespace
}  // namespace shop::amqp::test
