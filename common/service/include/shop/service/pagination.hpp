#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <vector>

#include "shop/domain/json.hpp"
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
/// Only the `limit` of readPageRequest, for a list that keeps its own kind of cursor.
int readPageLimit(const http::Request& request);

/// Renders a page `{"items": [...], "next_cursor": ...}` from rows fetched with limit + 1: the
/// extra row only says that a next page exists, and the cursor, `cursorText` of the last row
/// shown, points after it.
template <class Row, class WriteItem, class CursorText>
std::string pageJsonWith(std::vector<Row>& rows, int limit, WriteItem writeItem,
                         CursorText cursorText) {
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) {
        rows.resize(static_cast<std::size_t>(limit));
    }
    domain::JsonWriter out;
    out.beginObject().key("items").beginArray();
    for (const auto& row : rows) {
        writeItem(out, row);
    }
    out.endArray();
    if (more) {
        out.field("next_cursor", cursorText(rows.back()));
    } else {
        out.fieldNull("next_cursor");
    }
    out.endObject();
    return out.take();
}

/// pageJsonWith for the keyset Cursor (`cursorOf` a row).
template <class Row, class WriteItem, class CursorOf>
std::string pageJson(std::vector<Row>& rows, int limit, WriteItem writeItem, CursorOf cursorOf) {
    return pageJsonWith(rows, limit, writeItem,
                        [&cursorOf](const Row& row) { return encodeCursor(cursorOf(row)); });
}

/// SQL for an RFC 3339 UTC rendering of a timestamptz column, e.g. rfc3339Sql("created_at").
std::string rfc3339Sql(std::string_view column);

}  // namespace shop::service
