#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shop/http/message.hpp"

namespace shop::http {

using Handler = std::function<Response(const Request&)>;

/// Maps (method, path) to a handler. Patterns are literal segments and `{name}` captures,
/// e.g. `/accounts/{user_id}`; a literal segment beats a capture where both match.
class Router final {
  public:
    struct Match {
        const Handler* handler = nullptr;  ///< null when nothing matched
        std::map<std::string, std::string, std::less<>> params;
        bool pathMatched = false;  ///< some route had this path, but not this method (405)
        std::string pattern;       ///< the matched route pattern, for logs and metrics
    };

    /// Adds a route; throws std::invalid_argument on a malformed pattern.
    void add(std::string method, std::string_view pattern, Handler handler);
    Match match(std::string_view method, std::string_view path) const;

  private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;  ///< "{name}" marks a capture
        Handler handler;
    };
    std::vector<Route> m_routes;
};

/// Splits a path on '/' ignoring the leading one; "/a/b" -> {"a","b"}, "/" -> {}.
std::vector<std::string_view> splitPath(std::string_view path);

}  // namespace shop::http
