#include "api/ledger_api.hpp"

#include <charconv>

#include "repository/accounts_repository.hpp"
#include "repository/refunds_repository.hpp"
#include "shop/core/errors.hpp"
#include "shop/domain/json.hpp"
#include "shop/service/pagination.hpp"
#include "shop/service/requests.hpp"

namespace shop::payments {
namespace {

using core::ApiError;
using core::ErrorCode;

/// The ledger's cursor is the id of the last entry shown: entries only ever get higher ids, so
/// the pages hold still while new entries arrive at the top.
std::optional<std::int64_t> ledgerCursor(const http::Request& request) {
    const auto cursor = request.queryParam("cursor");
    if (!cursor || cursor->empty()) {
        return std::nullopt;
    }
    std::int64_t id = 0;
    auto [end, error] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), id);
    if (error != std::errc{} || end != cursor->data() + cursor->size() || id < 1) {
        throw ApiError(ErrorCode::BadRequest, "cursor is malformed");
    }
    return id;
}

void writeEntry(domain::JsonWriter& out, const LedgerRow& entry) {
    out.beginObject()
        .field("entry_id", std::to_string(entry.entryId))
        .field("kind", entry.kind)
        .field("amount", domain::formatMoney(entry.amount));
    for (auto [name, value] :
         {std::pair{"order_id", &entry.orderId}, std::pair{"refund_id", &entry.refundId}}) {
        if (*value) {
            out.field(name, **value);
        } else {
            out.fieldNull(name);
        }
    }
    out.field("created_at", entry.createdAt).endObject();
}

http::Response getLedger(pg::Pool& pool, const http::Request& request) {
    const std::string userId = service::uuidParam(request, "user_id");
    const int limit = service::readPageLimit(request);
    const auto before = ledgerCursor(request);
    pg::Transaction tx(pool);
    if (!accounts_repository::exists(tx, userId)) {
        throw ApiError(ErrorCode::NotFound, "account not found");
    }
    auto rows = refunds_repository::ledgerPage(tx, userId, limit + 1, before);
    tx.commit();
    return http::Response::data(
        200, service::pageJsonWith(rows, limit, writeEntry, [](const LedgerRow& row) {
            return std::to_string(row.entryId);
        }));
}

}  // namespace

void addLedgerRoutes(http::Router& router, pg::Pool& pool) {
    router.add("GET", "/accounts/{user_id}/ledger",
               [&pool](const http::Request& r) { return getLedger(pool, r); });
}

}  // namespace shop::payments
