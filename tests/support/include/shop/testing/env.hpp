#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace shop::testing {

/// SHOP_TEST_PG_URL: a superuser URL of the test PostgreSQL server started by `./shop test`.
/// Aborts the test program with a clear message when it is not set: tests never skip.
std::string pgAdminUrl();

/// The same server, another database name (which must exist).
std::string pgUrlFor(const std::string& database);

/// SHOP_TEST_AMQP_URL: the test RabbitMQ node started by `./shop test`.
std::string amqpUrl();

/// Polls `condition` until it is true or `timeout` passes; returns its last value.
bool waitUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds timeout = std::chrono::seconds(10),
               std::chrono::milliseconds step = std::chrono::milliseconds(10));

/// A random lowercase hex suffix for unique names in shared servers.
std::string uniqueSuffix();

}  // namespace shop::testing
