#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "shop/http/message.hpp"

namespace shop::service {

/// A keyset position: the creation time (microseconds since the epoch) and id of the last item of
/// the previous page. Opaque to clients: `<micros>_<uuid>`.
struct Cursor {
    std::int64_t micros = 0;
    std::string id;
};

std::string encodeCursor(const Cursor& cursor);

/// `limit` (1..200, default 50) and `cursor` from the query; throws ApiError 400 on bad values.
struct PageRequest {
    int limit = 50;
    std::optional<Cursor> after;
};
PageRequest readPageRequest(const http::Request& request);

/// SQL for an RFC 3339 UTC rendering of a timestamptz column, e.g. rfc3339Sql("created_at").
std::string rfc3339Sql(std::string_view column);

}  // namespace shop::service
