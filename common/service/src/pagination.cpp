#include "shop/service/pagination.hpp"

#include <charconv>

#include "shop/core/errors.hpp"
#include "shop/domain/uuid.hpp"

namespace shop::service {

using core::ApiError;
using core::ErrorCode;

std::string encodeCursor(const Cursor& cursor) {
    return std::to_string(cursor.micros) + "_" + cursor.id;
}

int readPageLimit(const http::Request& request) {
    const auto limit = request.queryParam("limit");
    if (!limit) {
        return PageRequest{}.limit;
    }
    int value = 0;
    auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (limit->empty() || ec != std::errc{} || ptr != limit->data() + limit->size() || value < 1 ||
        value > 200) {
        throw ApiError(ErrorCode::BadRequest, "limit must be an integer from 1 to 200");
    }
    return value;
}

PageRequest readPageRequest(const http::Request& request) {
    PageRequest page;
    page.limit = readPageLimit(request);
    if (auto cursor = request.queryParam("cursor"); cursor && !cursor->empty()) {
        const auto underscore = cursor->find('_');
        Cursor parsed;
        bool ok = underscore != std::string::npos && underscore > 0;
        if (ok) {
            auto [ptr, ec] =
                std::from_chars(cursor->data(), cursor->data() + underscore, parsed.micros);
            ok = ec == std::errc{} && ptr == cursor->data() + underscore;
        }
        std::optional<std::string> id;
        if (ok) {
            id = domain::normalizeUuid(std::string_view(*cursor).substr(underscore + 1));
        }
        if (!ok || !id) {
            throw ApiError(ErrorCode::BadRequest, "cursor is malformed");
        }
        parsed.id = std::move(*id);
        page.after = std::move(parsed);
    }
    return page;
}

std::string rfc3339Sql(std::string_view column) {
    return "to_char(" + std::string(column) +
           " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
}

}  // namespace shop::service
