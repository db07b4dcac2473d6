#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::http {

/// A parsed request as handlers see it: no Poco types, so handlers are testable on their own.
struct Request {
    std::string method;
    std::string path;      ///< decoded path, without the query
    std::string target;    ///< the request-target as received (path and query, still encoded)
    std::string rawQuery;  ///< the query as received, without '?'
    std::vector<std::pair<std::string, std::string>> query;    ///< decoded, in order
    std::vector<std::pair<std::string, std::string>> headers;  ///< names lowercased
    std::map<std::string, std::string, std::less<>> params;    ///< from the route pattern
    std::string route;  ///< the matched route pattern, e.g. `/orders/{order_id}`
    std::string body;
    std::string requestId;
    std::string clientAddress;

    /// Case-insensitive header lookup; the first value wins.
    std::optional<std::string> header(std::string_view name) const;
    /// The first value of a query parameter.
    std::optional<std::string> queryParam(std::string_view name) const;
    /// A path parameter of the matched route (empty if the route has none of that name).
    const std::string& param(std::string_view name) const;
};

/// What a handler returns. The server adds X-Request-Id and Content-Length.
struct Response {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;

    /// `{"data": <dataJson>}` with the given status.
    static Response data(int status, std::string_view dataJson);
};

/// Percent-decodes a path or query component; `+` becomes a space when `plusIsSpace`.
/// Returns nullopt on a malformed escape (domain::percentDecode's strict rule).
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);

/// Splits `a=1&b=2` into decoded pairs; nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parseQuery(std::string_view query);

}  // namespace shop::http
