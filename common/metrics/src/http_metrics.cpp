#include "shop/metrics/http_metrics.hpp"

#include <string>

namespace shop::metrics {

HttpMetrics::HttpMetrics(Registry& registry)
    : m_requests(registry.counter("shop_http_requests_total",
                                  "HTTP requests answered, by method, route pattern and status.",
                                  {"method", "route", "status"})),
      m_latency(registry.histogram("shop_http_request_duration_seconds",
                                   "Time from reading a request to sending its answer.",
                                   {"method", "route"})) {}

void HttpMetrics::observe(std::string_view method, std::string_view route, int status,
                          double seconds) {
    std::string methodText(method);
    std::string routeText(route);
    m_requests.with({methodText, routeText, std::to_string(status)}).inc();
    m_latency.with({std::move(methodText), std::move(routeText)}).observe(seconds);
}

}  // namespace shop::metrics
