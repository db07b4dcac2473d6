#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "shop/amqp/admin.hpp"
#include "shop/amqp/connection.hpp"
#include "shop/amqp/message.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/testing/env.hpp"

namespace shop::amqp::test {

inline ConnectionOptions testOptions() {
    ConnectionOptions options;
    options.connectionName = "amqp_integration_tests";
    return options;
}

/// Gives each test unique exchange and queue names on the shared test broker and deletes
/// whatever it named when the test ends.
class AmqpTest : public ::testing::Test {
  protected:
    static std::string url() { return shop::testing::amqpUrl(); }

    /// A new connection to the test broker.
    static Connection connect() { return Connection(url(), testOptions()); }

    std::string exchangeName(std::string_view what) {
        std::string name = uniqueName(what);
        m_exchanges.push_back(name);
        return name;
    }

    /// A queue name; the queue and its `<name>.dlq` are deleted after the test.
    std::string queueName(std::string_view what) {
        std::string name = uniqueName(what);
        m_queues.push_back(name);
        m_queues.push_back(deadLetterQueueName(name));
        return name;
    }

    void TearDown() override {
        try {
            Connection connection(url(), testOptions());
            for (const auto& queue : m_queues) {
                deleteQueue(connection, queue);
            }
            for (const auto& exchange : m_exchanges) {
                deleteExchange(connection, exchange);
            }
        } catch (const std::exception& e) {
            ADD_FAILURE() << "cleanup failed: " << e.what();
        }
    }

  private:
    std::string uniqueName(std::string_view what) {
        return "amqptest." + std::string(what) + "." + m_suffix;
    }

    std::string m_suffix = shop::testing::uniqueSuffix();
    std::vector<std::string> m_queues;
    std::vector<std::string> m_exchanges;
};

/// A message as the outbox relay would publish it.
inline Message eventMessage(std::string body, std::string messageId) {
    Message message;
    message.body = std::move(body);
    message.messageId = std::move(messageId);
    message.type = "TestEvent";
    message.correlationId = "order-1";
    message.headers = {{"x-request-id", "req-" + message.messageId}};
    return message;
}

}  // namespace shop::amqp::test
