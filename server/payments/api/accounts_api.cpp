#include "api/accounts_api.hpp"

#include "repository/accounts_repository.hpp"
#include "shop/core/errors.hpp"
#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/domain/validation.hpp"
#include "shop/service/idempotency.hpp"
#include "shop/service/requests.hpp"

namespace shop::payments {
namespace {

using core::ApiError;
using core::ErrorCode;

void writeAccount(domain::JsonWriter& out, const AccountRow& account) {
    out.beginObject()
        .field("user_id", account.userId)
        .field("balance", domain::formatMoney(account.balance))
        .field("created_at", account.createdAt)
        .field("updated_at", account.updatedAt)
        .endObject();
}

std::string accountJson(const AccountRow& account) {
    domain::JsonWriter out;
    writeAccount(out, account);
    return out.take();
}

http::Response createAccount(pg::Pool& pool, const http::Request& request) {
    const domain::Json body = service::parseJsonBody(request, true);
    domain::FieldReader reader(body);
    reader.allowOnly({"user_id", "balance"});
    auto userId = reader.uuid("user_id", false);
    auto balance = reader.money("balance", false, false);
    service::requireValid(reader);
    const std::string id = userId ? *userId : domain::newUuid();
    const domain::Minor opening = balance.value_or(0);

    pg::Transaction tx(pool);
    auto account = accounts_repository::insert(tx, id, opening);
    if (!account) {
        throw ApiError(ErrorCode::Conflict, "an account for this user already exists");
    }
    if (opening > 0) {
        accounts_repository::appendLedger(tx, id, LedgerKind::Opening, opening, std::nullopt);
    }
    tx.commit();
    return http::Response::data(201, accountJson(*account));
}

http::Response listAccounts(pg::Pool& pool, const http::Request& request) {
    const auto ids = service::idPrefixParam(request);
    const auto page = service::readPageRequest(request);
    pg::Transaction tx(pool);
    auto rows = accounts_repository::page(tx, page.limit + 1, page.after, ids);
    tx.commit();
    return http::Response::data(
        200, service::pageJson(rows, page.limit, writeAccount, [](const AccountRow& row) {
            return service::Cursor{row.createdMicros, row.userId};
        }));
}

http::Response getAccount(pg::Pool& pool, const http::Request& request) {
    const std::string userId = service::uuidParam(request, "user_id");
    pg::Transaction tx(pool);
    auto account = accounts_repository::find(tx, userId);
    tx.commit();
    if (!account) {
        throw ApiError(ErrorCode::NotFound, "account not found");
    }
    return http::Response::data(200, accountJson(*account));
}

http::Response topUp(pg::Pool& pool, const http::Request& request) {
    const auto key = service::idempotencyKeyOf(request);
    const domain::Json body = service::parseJsonBody(request);
    domain::FieldReader reader(body);
    reader.allowOnly({"user_id", "amount"});
    auto userId = reader.uuid("user_id", true);
    auto amount = reader.money("amount", true, true);
    service::requireValid(reader);

    pg::Transaction tx(pool);
    std::optional<service::IdempotencyUse> use;
    if (key) {
        use = service::IdempotencyUse{"accounts.topup:" + *userId, *key,
                                      *userId + "|" + std::to_string(*amount)};
        if (auto replay = service::beginIdempotent(tx, *use)) {
            tx.commit();
            return *replay;
        }
    }
    auto account = accounts_repository::credit(tx, *userId, *amount);
    if (!account) {
        throw ApiError(ErrorCode::NotFound, "account not found");
    }
    accounts_repository::appendLedger(tx, *userId, LedgerKind::TopUp, *amount, std::nullopt);
    auto response = http::Response::data(200, accountJson(*account));
    if (use) {
        service::finishIdempotent(tx, *use, response);
    }
    tx.commit();
    return response;
}

}  // namespace

void addAccountRoutes(http::Router& router, pg::Pool& pool) {
    router.add("POST", "/accounts",
               [&pool](const http::Request& r) { return createAccount(pool, r); });
    router.add("GET", "/accounts",
               [&pool](const http::Request& r) { return listAccounts(pool, r); });
    router.add("GET", "/accounts/{user_id}",
               [&pool](const http::Request& r) { return getAccount(pool, r); });
    router.add("POST", "/accounts/topup",
               [&pool](const http::Request& r) { return topUp(pool, r); });
}

}  // namespace shop::payments
