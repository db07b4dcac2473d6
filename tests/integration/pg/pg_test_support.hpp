#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "shop/pg/connection.hpp"

namespace shop::pgtest {

/// `url` with `search_path` set to `schema` for every session opened with it.
std::string withSearchPath(const std::string& url, const std::string& schema);

/// Each test gets a scratch schema of its own (dropped afterwards) and a URL whose sessions
/// create and find unqualified tables there, so tests can run in parallel on one server.
class PgTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    /// A superuser connection with the default search_path.
    shop::pg::Connection& admin() { return *m_admin; }
    const std::string& schema() const { return m_schema; }
    const std::string& url() const { return m_url; }

    shop::pg::Connection connect(const std::string& applicationName = "pg-it") const {
        return shop::pg::Connection(m_url, applicationName);
    }

    /// pg_terminate_backend(pid), then waits until the session is really gone.
    void terminate(int pid);

  private:
    std::optional<shop::pg::Connection> m_admin;
    std::string m_schema;
    std::string m_url;
};

}  // namespace shop::pgtest
