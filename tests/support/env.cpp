#include "shop/testing/env.hpp"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

namespace shop::testing {
namespace {

std::string requiredEnv(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        std::fprintf(stderr,
                     "%s is not set: run the tests through `./shop test`, which starts the test "
                     "PostgreSQL and RabbitMQ and exports it\n",
                     name);
        std::exit(2);
    }
    return value;
}

}  // namespace

std::string pgAdminUrl() {
    return requiredEnv("SHOP_TEST_PG_URL");
}

std::string pgUrlFor(const std::string& database) {
    // The admin URL has the form postgresql://user@host:port/dbname[?params].
    std::string url = pgAdminUrl();
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme + 3);
    const auto query = url.find('?', slash);
    const std::string rest = query == std::string::npos ? "" : url.substr(query);
    return url.substr(0, slash + 1) + database + rest;
}

std::string amqpUrl() {
    return requiredEnv("SHOP_TEST_AMQP_URL");
}

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds step) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (condition()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return condition();
        }
        std::this_thread::sleep_for(step);
    }
}

std::string uniqueSuffix() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

}  // namespace shop::testing
