#pragma once

#include "shop/service/service_spec.hpp"

namespace shop::orders {

/// The orders service: the orders API, the PaymentResult consumer and the outbox relay of
/// PaymentRequested and OrderStatusChanged.
service::ServiceSpec ordersService();

}  // namespace shop::orders
