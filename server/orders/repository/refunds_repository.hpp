#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repository/orders_repository.hpp"
#include "shop/domain/money.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::orders {

struct RefundRow {
    std::string refundId;
    std::string orderId;
    std::string userId;
    domain::Minor amount = 0;
    std::optional<std::string> reason;
    std::string status;  ///< PENDING or COMPLETED
    std::string createdAt;
    std::string updatedAt;
};

/// What claimAndComplete found and did.
struct RefundCompletion {
    bool claimed = false;           ///< first delivery of the message (false: a duplicate)
    bool known = false;             ///< the refund exists
    std::optional<OrderRow> order;  ///< the order after the refund; nullopt when nothing changed
};

/// All SQL of the refunds table, with $n parameters only.
namespace refunds_repository {

/// The order, locked against every other refund of it until the transaction ends.
std::optional<OrderRow> lockOrder(pg::Transaction& tx, const std::string& orderId);
/// The sum of every refund of the order, pending or completed: what it can no longer give back.
domain::Minor requestedTotal(pg::Transaction& tx, const std::string& orderId);
RefundRow insert(pg::Transaction& tx, const std::string& refundId, const OrderRow& order,
                 domain::Minor amount, const std::optional<std::string>& reason);
/// The order's refunds, oldest first.
std::vector<RefundRow> ofOrder(pg::Transaction& tx, const std::string& orderId);

/// A RefundResult in one statement: claims (`consumer`, `messageId`) in the inbox and, on the
/// message's first delivery, completes the PENDING refund and adds it to its order's
/// refunded_amount, bumping the version, and making the order REFUNDED when nothing is left.
RefundCompletion claimAndComplete(pg::Transaction& tx, std::string_view consumer,
                                  const std::string& messageId, const std::string& refundId);

}  // namespace refunds_repository
}  // namespace shop::orders
