#pragma once
// What the services' handler tests share: a schema migrated like a service's database, and
// deliveries made by hand.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "shop/amqp/message.hpp"
#include "shop/pg/connection.hpp"
#include "shop/pg/migrate.hpp"
#include "shop/pg/pool.hpp"
#include "shop/pg/transaction.hpp"
#include "shop/testing/env.hpp"

namespace shop::testing {

/// A private schema migrated like the service's database, and a pool whose sessions use it
/// (with `sessionOptions`, see pg::Connection).
class MigratedSchema {
  public:
    explicit MigratedSchema(const std::string& service, const std::string& sessionOptions = {})
        : m_schema(service + "_batch_" + uniqueSuffix()) {
        pg::Connection admin(pgAdminUrl());
        admin.exec("CREATE SCHEMA " + m_schema);
        admin.exec("SET search_path TO " + m_schema);
        pg::applyMigrations(admin, std::string(SHOP_DATABASE_DIR) + "/" + service);
        const std::string base = pgAdminUrl();
        m_url = base + (base.find('?') == std::string::npos ? "?" : "&") +
                "options=-csearch_path%3D" + m_schema;
        m_pool = std::make_unique<pg::Pool>(m_url, 4, std::chrono::milliseconds(5000), m_schema,
                                            sessionOptions);
    }
    ~MigratedSchema() {
        m_pool.reset();
        try {
            pg::Connection(pgAdminUrl()).exec("DROP SCHEMA " + m_schema + " CASCADE");
        } catch (const std::exception&) {
        }
    }
    MigratedSchema(const MigratedSchema&) = delete;
    MigratedSchema& operator=(const MigratedSchema&) = delete;

    pg::Pool& pool() { return *m_pool; }
    /// A libpq URL whose sessions use the schema.
    const std::string& url() const { return m_url; }
    /// The application_name of the pool's sessions.
    const std::string& name() const { return m_schema; }

    /// Every row of `sql`, each as its columns joined by '|', in the order the query gives.
    std::vector<std::string> rows(const std::string& sql) {
        pg::Transaction tx(*m_pool);
        const auto result = tx.exec(sql);
        std::vector<std::string> out;
        for (int r = 0; r < result.rows(); ++r) {
            std::string line;
            for (int c = 0; c < result.columns(); ++c) {
                line += (c ? "|" : "") + (result.isNull(r, c) ? "NULL" : result.str(r, c));
            }
            out.push_back(line);
        }
        tx.commit();
        return out;
    }

    void run(const std::string& sql) {
        pg::Transaction tx(*m_pool);
        tx.execScript(sql);
        tx.commit();
    }

  private:
    std::string m_schema;
    std::string m_url;
    std::unique_ptr<pg::Pool> m_pool;
};

inline amqp::Delivery delivery(const std::string& messageId, std::string body) {
    amqp::Delivery out;
    out.message.messageId = messageId;
    out.message.body = std::move(body);
    out.message.headers = {{"x-request-id", "req-" + messageId}};
    return out;
}

}  // namespace shop::testing
