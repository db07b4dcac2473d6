#pragma once

#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "shop/core/config.hpp"
#include "shop/service/service.hpp"

namespace shop::service {

/// One work queue a service consumes, and what it does with each delivery.
struct ConsumerSpec {
    std::string queue;       ///< the work queue its consumer declares and reads
    std::string bindingKey;  ///< what that queue is bound to on the events exchange
    std::function<outbox::Disposition(pg::Pool&, const amqp::Delivery&)> handle;
    /// Optional: the whole batch set-based (outbox::BatchHandler).
    std::function<std::vector<outbox::Disposition>(pg::Pool&, std::span<const amqp::Delivery>)>
        handleBatch;
};

/// What tells one service from another: everything else (configuration, pool, HTTP server with
/// health and metrics, outbox relay, consumer, shutdown) is the same for orders and payments.
struct ServiceSpec {
    std::string name;            ///< "orders": its log lines, relay and consumer are named after it
    std::string defaultAddress;  ///< SHOP_HTTP_ADDR when unset, e.g. "127.0.0.1:8081"
    /// The service's own routes (the health and metrics routes are added for it).
    std::function<void(http::Router&, pg::Pool&)> addRoutes;
    /// Its work queues, each read by a consumer thread of its own (with its own connection), so
    /// that a backlog on one never delays the other.
    std::vector<ConsumerSpec> consumers;
    /// Routing keys its relay may publish with no queue bound (see outbox::RelayOptions).
    std::set<std::string, std::less<>> optionalRouteKeys;
};

/// Builds the service `spec` describes from the environment. Throws core::ConfigError listing
/// every configuration problem.
std::unique_ptr<ServiceHost> makeService(core::EnvReader& env, const ServiceSpec& spec);

/// A service's main(): intercepts SIGTERM/SIGINT, builds and starts it, waits for one of them,
/// stops it in order. Returns the process's exit status (1 when it cannot start, said on stderr).
int runService(const ServiceSpec& spec);

}  // namespace shop::service
