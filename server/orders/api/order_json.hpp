#pragma once

#include <string>

#include "repository/orders_repository.hpp"
#include "shop/domain/json.hpp"

namespace shop::orders {

/// The Order object of the API (CONTRACT section 2).
void writeOrder(domain::JsonWriter& out, const OrderRow& order);
std::string orderJson(const OrderRow& order);

}  // namespace shop::orders
