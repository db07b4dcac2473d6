#pragma once

#include "shop/service/service_spec.hpp"

namespace shop::payments {

/// The payments service: the accounts and API keys API, the PaymentRequested consumer and the
/// outbox relay of PaymentResult.
service::ServiceSpec paymentsService();

}  // namespace shop::payments
