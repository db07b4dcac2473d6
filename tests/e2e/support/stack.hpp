#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace shop::e2e {

/// Where the test stack's servers are, from the environment `./shop test` exports.
struct StackSettings {
    std::string amqpUrl;
    std::string ordersDbUrl;
    std::string paymentsDbUrl;
    std::string ordersDbAdminUrl;
    std::string paymentsDbAdminUrl;
    std::string logDir;

    /// Reads SHOP_TEST_*; exits the program with a message naming what is missing (tests never
    /// skip because the servers are not there). `logDir` is where the services' logs go: each
    /// test program names its own (SHOP_E2E_LOG_DIR, set by its CMakeLists.txt).
    static StackSettings fromEnvironment(std::string logDir);
};

/// A gateway, orders and payments started from the real binaries, once per test program, against
/// the test PostgreSQL and RabbitMQ. Registered as a GoogleTest global environment: SetUp starts
/// them, waits for the gateway's /health/ready and signs the operator in; TearDown stops them with
/// SIGTERM and fails the run unless each one exits 0 in time (graceful shutdown is a requirement).
class Stack final : public ::testing::Environment {
  public:
    explicit Stack(StackSettings settings);
    ~Stack() override;

    /// The one instance (set by the constructor).
    static Stack& instance();

    void SetUp() override;
    void TearDown() override;

    const StackSettings& settings() const { return m_settings; }
    /// A client of the gateway signed in as the operator: the only entry point tests use for
    /// the API.
    HttpClient gateway() const;
    /// A client of the gateway that sends no token.
    HttpClient anonymousGateway() const;

    /// The secrets this stack's processes were started with (random per run).
    struct Secrets {
        std::string internal;  ///< SHOP_INTERNAL_SECRET
        std::string token;     ///< SHOP_TOKEN_SECRET
        std::string adminUser;
        std::string adminPassword;
    };
    const Secrets& secrets() const { return m_secrets; }
    /// The operator's access token, signed in once at start-up.
    const std::string& operatorToken() const { return m_operatorToken; }
    /// POST /auth/token with the given JSON body on `port` (this stack's gateway by default).
    HttpResponse signIn(const std::string& credentialsJson, std::uint16_t port = 0) const;
    /// The environment every gateway of this stack is started with (secrets and the operator).
    std::map<std::string, std::string> gatewayEnv() const;
    std::uint16_t gatewayPort() const { return m_gatewayPort; }
    std::uint16_t ordersPort() const { return m_ordersPort; }
    std::uint16_t paymentsPort() const { return m_paymentsPort; }

    /// The three services, for tests that read their logs.
    ChildProcess& gatewayProcess() { return *m_gateway; }
    ChildProcess& ordersProcess() { return *m_orders; }
    ChildProcess& paymentsProcess() { return *m_payments; }

    /// Name and log path of every child started so far.
    const std::map<std::string, std::string>& logFiles() const { return m_logFiles; }

    /// Starts one more gateway on a free port with the given upstream URLs (and this stack's
    /// secrets, so tokens of one gateway work on the other) and waits until its /health/live
    /// answers 200. `extraEnv` is added to (and overrides) its environment, e.g. smaller rate
    /// limits. The caller stops it (ChildProcess::stop) when done.
    std::unique_ptr<ChildProcess> startExtraGateway(
        const std::string& name, const std::string& ordersUrl, const std::string& paymentsUrl,
        std::uint16_t& port, const std::map<std::string, std::string>& extraEnv = {});

    enum class Service { Orders, Payments };
    /// Starts one more replica of orders or payments on a free port, against the same database
    /// and broker (all roles: API, relay, consumer), and waits until its /health/ready answers
    /// 200. The caller stops it.
    std::unique_ptr<ChildProcess> startExtraService(const std::string& name, Service service,
                                                    std::uint16_t& port);

  private:
    std::unique_ptr<ChildProcess> start(const std::string& name, const std::string& binary,
                                        std::map<std::string, std::string> env);
    /// Waits for `path` on `port` to answer 200 while `child` keeps running; ADD_FAILURE with
    /// the child's log otherwise.
    bool waitForHttp200(ChildProcess& child, std::uint16_t port, const std::string& path,
                        std::chrono::milliseconds timeout);

    StackSettings m_settings;
    Secrets m_secrets;
    std::string m_adminPasswordHash;
    std::string m_operatorToken;
    std::uint16_t m_gatewayPort = 0;
    std::uint16_t m_ordersPort = 0;
    std::uint16_t m_paymentsPort = 0;
    std::unique_ptr<ChildProcess> m_payments;
    std::unique_ptr<ChildProcess> m_orders;
    std::unique_ptr<ChildProcess> m_gateway;
    std::map<std::string, std::string> m_logFiles;
};

/// Prints, for a failed test, what each child wrote to its log while the test ran (last lines).
class LogTailOnFailure final : public ::testing::EmptyTestEventListener {
  public:
    void OnTestStart(const ::testing::TestInfo& test) override;
    void OnTestEnd(const ::testing::TestInfo& test) override;

  private:
    std::map<std::string, std::size_t> m_offsets;
};

}  // namespace shop::e2e
