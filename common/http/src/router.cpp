#include "shop/http/router.hpp"

#include <stdexcept>

namespace shop::http {
namespace {

bool isCapture(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::vector<std::string_view> splitPath(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    while (!path.empty()) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
        if (path.empty()) {
            out.emplace_back();  // a trailing slash is an empty last segment
        }
    }
    return out;
}

void Router::add(std::string method, std::string_view pattern, Handler handler) {
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
    }
    Route route{std::move(method), std::string(pattern), {}, std::move(handler)};
    for (auto segment : splitPath(pattern)) {
        if (segment.empty()) {
            throw std::invalid_argument("route pattern has an empty segment: " +
                                        std::string(pattern));
        }
        route.segments.emplace_back(segment);
    }
    m_routes.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
    const auto segments = splitPath(path);
    Match best;
    int bestLiterals = -1;
    for (const auto& route : m_routes) {
        if (route.segments.size() != segments.size()) {
            continue;
        }
        int literals = 0;
        bool ok = true;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (isCapture(route.segments[i])) {
                if (segments[i].empty()) {
                    ok = false;
                    break;
                }
            } else if (route.segments[i] == segments[i]) {
                ++literals;
            } else {
                ok = false;
                break;
            }
        }
        if (!ok) {
            continue;
        }
        best.pathMatched = true;
        if (route.method != method || literals <= bestLiterals) {
            continue;
        }
        bestLiterals = literals;
        best.handler = &route.handler;
        best.pattern = route.pattern;
        best.params.clear();
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (isCapture(route.segments[i])) {
                const auto& name = route.segments[i];
                best.params.emplace(name.substr(1, name.size() - 2), std::string(segments[i]));
            }
        }
    }
    return best;
}

}  // namespace shop::http
