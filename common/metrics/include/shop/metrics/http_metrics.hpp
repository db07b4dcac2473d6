#pragma once

#include <string_view>

#include "shop/metrics/registry.hpp"

namespace shop::metrics {

/// The HTTP metrics every server exposes: `shop_http_requests_total{method,route,status}` and
/// the latency histogram `shop_http_request_duration_seconds{method,route}`. `route` is the
/// matched route pattern (`/orders/{order_id}`), never the raw path, so the series stay few.
class HttpMetrics final {
  public:
    /// Registers both metrics in `registry`, which must outlive this object.
    explicit HttpMetrics(Registry& registry);

    /// Records one answered request. Thread-safe.
    void observe(std::string_view method, std::string_view route, int status, double seconds);

  private:
    Family<Counter>& m_requests;
    Family<Histogram>& m_latency;
};

}  // namespace shop::metrics
