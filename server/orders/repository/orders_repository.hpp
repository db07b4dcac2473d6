#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shop/domain/money.hpp"
#include "shop/domain/order_status.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/outbox/outbox.hpp"
#include "shop/pg/transaction.hpp"
#include "shop/service/pagination.hpp"

namespace shop::orders {

struct OrderRow {
    std::string orderId;
    std::string userId;
    domain::Minor amount = 0;
    std::string description;
    domain::OrderStatus status = domain::OrderStatus::New;
    std::optional<domain::FailureReason> failureReason;
    std::int64_t version = 1;
    std::string createdAt;
    std::string updatedAt;
    std::int64_t createdMicros = 0;
    domain::Minor refundedAmount = 0;  ///< the completed refunds
};

/// What claimAndSettle found and did.
struct SettleOutcome {
    bool claimed = false;           ///< first delivery of the message (false: a duplicate)
    std::optional<OrderRow> order;  ///< the order after the change; nullopt when nothing changed
};

/// One PaymentResult of a batch, for claimAndSettleAll.
struct Settlement {
    std::string messageId;
    std::string orderId;
    domain::OrderStatus status = domain::OrderStatus::Finished;
    std::optional<domain::FailureReason> reason;
};

/// What claimAndSettleAll found and did for one settlement.
struct BatchSettleOutcome {
    bool claimed = false;           ///< first delivery of the message (false: a duplicate)
    bool known = false;             ///< the order exists
    std::optional<OrderRow> order;  ///< the order after the change; nullopt when nothing changed
};

struct OrderFilter {
    std::optional<std::string> userId;
    std::optional<domain::OrderStatus> status;
    /// Only the orders whose id is in this range (an id prefix's, found through the primary key).
    std::optional<domain::UuidRange> orderIds;
};

/// All SQL of the orders table, with $n parameters only.
namespace orders_repository {

/// The select list that rowAt() reads (kColumnCount columns), for statements about orders
/// elsewhere (the refunds) to return whole orders too.
const std::string& columns();
inline constexpr int kColumnCount = 11;
/// The order in row `i` of a result whose first columns are columns().
OrderRow rowAt(const pg::Result& result, int i);

/// A NEW order as it is about to be placed: created and updated now (this process's clock, to
/// the microsecond, as the database keeps it), version 1. Later changes take the database's
/// clock, so hosts whose clocks differ could order an update before its creation.
OrderRow newOrder(std::string orderId, std::string userId, domain::Minor amount,
                  std::string description);
/// Inserts `order` (from newOrder()) and enqueues `message` (its PaymentRequested), and commits:
/// one round trip with the BEGIN still pending, as nothing waits for a result in between.
void placeAndCommit(pg::Transaction& tx, const OrderRow& order,
                    const outbox::OutboxMessage& message);
std::optional<OrderRow> find(pg::Transaction& tx, const std::string& orderId);
/// Newest first, up to `limit` rows older than the cursor.
std::vector<OrderRow> page(pg::Transaction& tx, const OrderFilter& filter, int limit,
                           const std::optional<service::Cursor>& before);
/// Moves a NEW order to its final status and bumps the version; nullopt when the order is missing
/// or no longer NEW (the change already happened). NEW is found as `version = 1` (migration
/// orders/0004 says why), so the primary key serves it whatever the statistics say.
std::optional<OrderRow> settle(pg::Transaction& tx, const std::string& orderId,
                               domain::OrderStatus status,
                               const std::optional<domain::FailureReason>& reason);

/// settle() behind an inbox claim, in one statement: records (`consumer`, `messageId`) in the
/// inbox and, only when that is the message's first delivery, settles the order.
SettleOutcome claimAndSettle(pg::Transaction& tx, std::string_view consumer,
                             const std::string& messageId, const std::string& orderId,
                             domain::OrderStatus status,
                             const std::optional<domain::FailureReason>& reason);

/// claimAndSettle for a whole batch in one statement: claims every message in the inbox and
/// settles the orders of those claimed, answering in the order given. The message ids must be
/// distinct, and so must the order ids (two results for one order would both report the change).
std::vector<BatchSettleOutcome> claimAndSettleAll(pg::Transaction& tx, std::string_view consumer,
                                                  std::span<const Settlement> settlements);

}  // namespace orders_repository
}  // namespace shop::orders
