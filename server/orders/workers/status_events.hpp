#pragma once

#include <string>

#include "repository/orders_repository.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::orders {

/// Puts an OrderStatusChanged for the order's current state in the outbox, in the caller's
/// transaction.
void enqueueStatusChanged(pg::Transaction& tx, const OrderRow& order, const std::string& requestId);

}  // namespace shop::orders
