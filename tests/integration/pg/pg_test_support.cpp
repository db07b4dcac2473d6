#include "pg_test_support.hpp"

#include "shop/testing/env.hpp"

namespace shop::pgtest {

std::string withSearchPath(const std::string& url, const std::string& schema) {
    const char separator = url.find('?') == std::string::npos ? '?' : '&';
    return url + separator + "options=-csearch_path%3D" + schema;
}

void PgTest::SetUp() {
    m_admin.emplace(shop::testing::pgAdminUrl(), "pg-it-admin");
    m_schema = "pgt_" + shop::testing::uniqueSuffix();
    m_admin->exec("CREATE SCHEMA " + m_schema);
    m_url = withSearchPath(shop::testing::pgAdminUrl(), m_schema);
}

void PgTest::TearDown() {
    try {
        if (!m_admin->healthy()) {
            m_admin->reset();
        }
        m_admin->exec("DROP SCHEMA IF EXISTS " + m_schema + " CASCADE");
    } catch (const std::exception& error) {
        ADD_FAILURE() << "cannot drop scratch schema " << m_schema << ": " << error.what();
    }
}

void PgTest::terminate(int pid) {
    ASSERT_TRUE(admin().exec("SELECT pg_terminate_backend($1)", pid).boolean(0, 0));
    ASSERT_TRUE(shop::testing::waitUntil([&] {
        return admin()
                   .exec("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid)
                   .int64(0, 0) == 0;
    })) << "backend "
        << pid << " did not exit";
}

}  // namespace shop::pgtest
