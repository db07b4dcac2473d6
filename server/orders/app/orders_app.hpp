#pragma once

#include <memory>

#include "shop/core/config.hpp"
#include "shop/service/service.hpp"

namespace shop::orders {

/// Builds the orders service (orders API, PaymentResult consumer, outbox relay) from the
/// environment. Throws core::ConfigError listing every configuration problem.
std::unique_ptr<service::ServiceHost> makeOrdersService(core::EnvReader& env);

}  // namespace shop::orders
