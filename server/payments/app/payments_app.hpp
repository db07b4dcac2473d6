#pragma once

#include <memory>

#include "shop/core/config.hpp"
#include "shop/service/service.hpp"

namespace shop::payments {

/// Builds the payments service (accounts API, PaymentRequested consumer, outbox relay) from the
/// environment. Throws core::ConfigError listing every configuration problem.
std::unique_ptr<service::ServiceHost> makePaymentsService(core::EnvReader& env);

}  // namespace shop::payments
