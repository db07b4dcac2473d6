#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "shop/amqp/admin.hpp"
#include "shop/amqp/connection.hpp"
#include "shop/amqp/consumer.hpp"
#include "shop/amqp/topology.hpp"
#include "shop/pg/connection.hpp"
#include "shop/pg/pool.hpp"
#include "shop/pg/transaction.hpp"
#include "shop/testing/env.hpp"

namespace shop::testing {

/// A private schema holding the real outbox/inbox migration, a pool whose connections use it, and
/// a private exchange with one queue bound to `test.#`, all removed afterwards.
class OutboxFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string suffix = uniqueSuffix();
        m_schema = "outbox_" + suffix;
        m_exchange = "test.outbox." + suffix;
        m_queue = "test.outbox.q." + suffix;
        m_baseUrl = pgAdminUrl();
        if (ownDatabase()) {
            m_database = "outbox_" + suffix;
            pg::Connection(pgAdminUrl()).exec("CREATE DATABASE " + m_database);
            m_baseUrl = pgUrlFor(m_database);
        }
        {
            pg::Connection admin(m_baseUrl);
            admin.exec("CREATE SCHEMA " + m_schema);
            admin.exec("SET search_path TO " + m_schema);
            for (const char* migration : {"0002_messaging.sql", "0003_lean_outbox.sql"}) {
                admin.execScript(readFile(std::string(SHOP_DATABASE_DIR) + "/orders/" + migration));
            }
        }
        m_dbUrl = m_baseUrl + (m_baseUrl.find('?') == std::string::npos ? "?" : "&") +
                  "options=-csearch_path%3D" + m_schema;
        m_pool =
            std::make_unique<pg::Pool>(m_dbUrl, 8, std::chrono::milliseconds(5000), "outbox-test");
        if (usesBroker()) {
            m_broker.emplace(amqpUrl());
            amqp::declareExchange(*m_broker, m_exchange);
            bindQueue(m_queue, "test.#");
        }
    }

    void TearDown() override {
        m_pool.reset();
        if (!m_broker) {
            dropSchema();
            return;
        }
        try {
            amqp::Connection cleanup(amqpUrl());
            amqp::deleteQueue(cleanup, m_queue);
            amqp::deleteQueue(cleanup, amqp::deadLetterQueueName(m_queue));
            amqp::deleteExchange(cleanup, m_exchange);
        } catch (const std::exception&) {
        }
        dropSchema();
    }

    /// False for tests of the database side only: they then neither need nor touch RabbitMQ.
    virtual bool usesBroker() const { return true; }

    /// True for tests that must not see the NOTIFY traffic of tests running beside them: NOTIFY
    /// reaches every listener of a database, whatever its schema.
    virtual bool ownDatabase() const { return false; }

    void dropSchema() {
        if (!m_database.empty()) {
            pg::Connection(pgAdminUrl()).exec("DROP DATABASE " + m_database + " WITH (FORCE)");
            return;
        }
        pg::Connection admin(pgAdminUrl());
        admin.exec("DROP SCHEMA " + m_schema + " CASCADE");
    }

    /// A work queue (with its DLQ) bound to the fixture's exchange.
    void bindQueue(const std::string& queue, const std::string& key) {
        amqp::declareWorkQueue(*m_broker, amqp::WorkQueueSpec{queue, m_exchange, {key}, 5});
    }

    void insertRow(pg::Transaction& tx, const std::string& id, const std::string& routingKey,
                   const std::string& payload) {
        tx.exec(
            "INSERT INTO outbox (id, event_type, routing_key, correlation_id, payload, request_id) "
            "VALUES ($1, 'TestEvent', $2, 'corr-1', $3, 'req-1')",
            id, routingKey, payload);
        tx.exec("SELECT pg_notify('outbox', '')");
    }

    /// Drains the bound queue into `seen` (message id -> count) until `expected` distinct ids
    /// arrived or the deadline passes.
    std::map<std::string, int> collect(
        std::size_t expected, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        std::map<std::string, int> seen;
        amqp::Connection connection(amqpUrl());
        amqp::Consumer consumer(connection, m_queue, 500);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (seen.size() < expected && std::chrono::steady_clock::now() < deadline) {
            if (auto delivery = consumer.next(std::chrono::milliseconds(100))) {
                ++seen[delivery->message.messageId];
                lastDelivery = delivery;
                consumer.ack(delivery->deliveryTag);
            }
        }
        return seen;
    }

    static std::string readFile(const std::string& path) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    std::string m_schema;
    std::string m_database;  ///< empty unless ownDatabase()
    std::string m_baseUrl;
    std::string m_exchange;
    std::string m_queue;
    std::string m_dbUrl;
    std::unique_ptr<pg::Pool> m_pool;
    std::optional<amqp::Connection> m_broker;
    std::optional<amqp::Delivery> lastDelivery;
};

}  // namespace shop::testing
