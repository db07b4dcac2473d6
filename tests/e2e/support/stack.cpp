#include "support/stack.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "shop/auth/secret_hash.hpp"
#include "shop/testing/env.hpp"

namespace shop::e2e {
namespace {

Stack* g_instance = nullptr;

std::string requiredEnv(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        std::fprintf(stderr,
                     "%s is not set: run the tests through `./shop test`, or first "
                     "eval \"$(./shop testenv)\" and apply the migrations\n",
                     name);
        std::exit(2);
    }
    return value;
}

std::string localUrl(std::uint16_t port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

std::string address(std::uint16_t port) {
    return "127.0.0.1:" + std::to_string(port);
}

constexpr std::size_t kTailLines = 40;
constexpr auto kStartTimeout = std::chrono::seconds(60);

}  // namespace

StackSettings StackSettings::fromEnvironment(std::string logDir) {
    StackSettings settings;
    settings.amqpUrl = testing::amqpUrl();
    settings.ordersDbUrl = requiredEnv("SHOP_TEST_ORDERS_DB_URL");
    settings.paymentsDbUrl = requiredEnv("SHOP_TEST_PAYMENTS_DB_URL");
    settings.ordersDbAdminUrl = requiredEnv("SHOP_TEST_ORDERS_DB_ADMIN_URL");
    settings.paymentsDbAdminUrl = requiredEnv("SHOP_TEST_PAYMENTS_DB_ADMIN_URL");
    settings.logDir = std::move(logDir);
    return settings;
}

Stack::Stack(StackSettings settings) : m_settings(std::move(settings)) {
    g_instance = this;
    m_secrets.internal = auth::randomHex(16);
    m_secrets.token = auth::randomHex(32);
    m_secrets.adminUser = "operator";
    m_secrets.adminPassword = auth::randomHex(12);
    // Hashed once here, so that each gateway started does not spend the time again.
    m_adminPasswordHash = auth::hashSecret(m_secrets.adminPassword);
}

std::map<std::string, std::string> Stack::gatewayEnv() const {
    return {{"SHOP_INTERNAL_SECRET", m_secrets.internal},
            {"SHOP_TOKEN_SECRET", m_secrets.token},
            {"SHOP_ADMIN_USER", m_secrets.adminUser},
            {"SHOP_ADMIN_PASSWORD_HASH", m_adminPasswordHash}};
}

HttpResponse Stack::signIn(const std::string& credentialsJson, std::uint16_t port) const {
    const HttpClient client("127.0.0.1", port == 0 ? m_gatewayPort : port);
    return client.postJson("/auth/token", credentialsJson);
}

Stack::~Stack() {
    if (g_instance == this) {
        g_instance = nullptr;
    }
}

Stack& Stack::instance() {
    if (g_instance == nullptr) {
        throw std::logic_error("the e2e Stack environment is not registered");
    }
    return *g_instance;
}

HttpClient Stack::gateway() const {
    return anonymousGateway().withToken(m_operatorToken);
}

HttpClient Stack::anonymousGateway() const {
    return HttpClient("127.0.0.1", m_gatewayPort);
}

std::unique_ptr<ChildProcess> Stack::start(const std::string& name, const std::string& binary,
                                           std::map<std::string, std::string> env) {
    const std::string logPath = m_settings.logDir + "/" + name + ".log";
    std::filesystem::remove(logPath);
    m_logFiles[name] = logPath;
    // Each message handled is logged at DEBUG: tests read those lines (who handled what).
    env["SHOP_LOG_LEVEL"] = "debug";
    env["SHOP_INTERNAL_SECRET"] = m_secrets.internal;
    return std::make_unique<ChildProcess>(name, binary, env, logPath);
}

bool Stack::waitForHttp200(ChildProcess& child, std::uint16_t port, const std::string& path,
                           std::chrono::milliseconds timeout) {
    const HttpClient client("127.0.0.1", port, std::chrono::seconds(3));
    int lastStatus = 0;
    std::string lastBody;
    const bool ok = testing::waitUntil(
        [&] {
            if (!child.running()) {
                return true;  // no point waiting any longer; reported below
            }
            try {
                const auto response = client.get(path);
                lastStatus = response.status;
                lastBody = response.body;
                return response.status == 200;
            } catch (const std::exception& error) {
                lastBody = error.what();
                return false;
            }
        },
        timeout, std::chrono::milliseconds(20));
    if (ok && child.running()) {
        return true;
    }
    ADD_FAILURE() << child.name() << " did not answer 200 on " << path << " (last answer "
                  << lastStatus << " " << lastBody << "), "
                  << (child.running() ? "still running" : "it exited") << "; its log "
                  << child.logPath() << " ends with:\n"
                  << fileTail(child.logPath(), kTailLines);
    return false;
}

void Stack::SetUp() {
    std::filesystem::create_directories(m_settings.logDir);
    m_paymentsPort = freePort();
    m_ordersPort = freePort();
    m_gatewayPort = freePort();
    std::printf("e2e: gateway %s, orders %s, payments %s; logs in %s\n",
                localUrl(m_gatewayPort).c_str(), localUrl(m_ordersPort).c_str(),
                localUrl(m_paymentsPort).c_str(), m_settings.logDir.c_str());

    m_payments = start("payments", SHOP_PAYMENTS_BIN,
                       {{"SHOP_HTTP_ADDR", address(m_paymentsPort)},
                        {"SHOP_DB_URL", m_settings.paymentsDbUrl},
                        {"SHOP_AMQP_URL", m_settings.amqpUrl}});
    m_orders = start("orders", SHOP_ORDERS_BIN,
                     {{"SHOP_HTTP_ADDR", address(m_ordersPort)},
                      {"SHOP_DB_URL", m_settings.ordersDbUrl},
                      {"SHOP_AMQP_URL", m_settings.amqpUrl}});
    auto gatewayEnvironment = gatewayEnv();
    gatewayEnvironment.insert({{"SHOP_HTTP_ADDR", address(m_gatewayPort)},
                               {"SHOP_ORDERS_URL", localUrl(m_ordersPort)},
                               {"SHOP_PAYMENTS_URL", localUrl(m_paymentsPort)},
                               {"SHOP_AMQP_URL", m_settings.amqpUrl}});
    m_gateway = start("gateway", SHOP_GATEWAY_BIN, std::move(gatewayEnvironment));

    const auto started = std::chrono::steady_clock::now();
    // Ready means: gateway up, both services up with their database and broker connections.
    if (!waitForHttp200(*m_gateway, m_gatewayPort, "/health/ready", kStartTimeout)) {
        for (ChildProcess* child : {m_payments.get(), m_orders.get()}) {
            std::printf("---- %s (%s) ----\n%s", child->name().c_str(),
                        child->running() ? "running" : "exited",
                        fileTail(child->logPath(), kTailLines).c_str());
        }
        GTEST_FAIL() << "the stack did not become ready";
    }
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    std::printf("e2e: stack ready in %lld ms\n", static_cast<long long>(millis.count()));

    const HttpResponse token =
        signIn(R"({"username":)" + jsonString(m_secrets.adminUser) + R"(,"password":)" +
               jsonString(m_secrets.adminPassword) + "}");
    m_operatorToken = str(token.data(), "access_token");
    if (token.status != 200 || m_operatorToken.empty()) {
        GTEST_FAIL() << "the operator could not sign in: " << token.describe();
    }
}

void Stack::TearDown() {
    // The gateway first (no new requests), then the services; each must exit 0 on SIGTERM.
    for (auto* child : {&m_gateway, &m_orders, &m_payments}) {
        if (!*child) {
            continue;
        }
        const ExitStatus status = (*child)->stop(std::chrono::seconds(20));
        EXPECT_TRUE(status.exited && status.code == 0 && !status.killed)
            << (*child)->name() << " did not shut down cleanly on SIGTERM: " << status.describe()
            << "; its log ends with:\n"
            << fileTail((*child)->logPath(), kTailLines);
    }
}

std::unique_ptr<ChildProcess> Stack::startExtraGateway(
    const std::string& name, const std::string& ordersUrl, const std::string& paymentsUrl,
    std::uint16_t& port, const std::map<std::string, std::string>& extraEnv) {
    port = freePort();
    auto environment = gatewayEnv();
    environment.insert({{"SHOP_HTTP_ADDR", address(port)},
                        {"SHOP_ORDERS_URL", ordersUrl},
                        {"SHOP_PAYMENTS_URL", paymentsUrl},
                        {"SHOP_AMQP_URL", m_settings.amqpUrl}});
    for (const auto& [key, value] : extraEnv) {
        environment[key] = value;
    }
    auto child = start(name, SHOP_GATEWAY_BIN, std::move(environment));
    waitForHttp200(*child, port, "/health/live", kStartTimeout);
    return child;
}

std::unique_ptr<ChildProcess> Stack::startExtraService(const std::string& name, Service service,
                                                       std::uint16_t& port) {
    port = freePort();
    const bool orders = service == Service::Orders;
    auto child = start(name, orders ? SHOP_ORDERS_BIN : SHOP_PAYMENTS_BIN,
                       {{"SHOP_HTTP_ADDR", address(port)},
                        {"SHOP_DB_URL", orders ? m_settings.ordersDbUrl : m_settings.paymentsDbUrl},
                        {"SHOP_AMQP_URL", m_settings.amqpUrl}});
    waitForHttp200(*child, port, "/health/ready", kStartTimeout);
    return child;
}

void LogTailOnFailure::OnTestStart(const ::testing::TestInfo&) {
    m_offsets.clear();
    if (g_instance == nullptr) {
        return;
    }
    for (const auto& [name, path] : g_instance->logFiles()) {
        m_offsets[path] = fileSize(path);
    }
}

void LogTailOnFailure::OnTestEnd(const ::testing::TestInfo& test) {
    if (g_instance == nullptr || test.result() == nullptr || test.result()->Passed()) {
        return;
    }
    for (const auto& [name, path] : g_instance->logFiles()) {
        const auto offset = m_offsets.find(path);
        const std::size_t from = offset == m_offsets.end() ? 0 : offset->second;
        std::printf("---- %s log during %s.%s (last %zu lines; whole log: %s) ----\n%s",
                    name.c_str(), test.test_suite_name(), test.name(), kTailLines, path.c_str(),
                    fileTail(path, kTailLines, from).c_str());
    }
    std::fflush(stdout);
}

}  // namespace shop::e2e
