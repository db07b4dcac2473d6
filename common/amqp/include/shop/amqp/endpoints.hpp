#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "shop/amqp/connection.hpp"
#include "shop/amqp/url.hpp"
#include "shop/core/config.hpp"
#include "shop/core/nodes.hpp"

namespace shop::amqp {

/// The nodes of one broker: a single node, or the members of a cluster (SHOP_AMQP_URL with
/// several URLs separated by commas). connect() tries them in turn, starting with the one that
/// last accepted, so a worker that lost its node reconnects to another without waiting for it.
///
/// Not thread-safe: each worker keeps its own.
class Endpoints final {
  public:
    /// Parses the list (parseUrls: std::invalid_argument when it is malformed).
    explicit Endpoints(std::string_view urls);

    /// A connection to the first node that accepts, each tried once; when none does, the
    /// ConnectionError says what each one answered.
    std::unique_ptr<Connection> connect(const ConnectionOptions& options = {});

    const std::vector<Url>& urls() const noexcept { return m_urls; }

  private:
    std::vector<Url> m_urls;
    std::size_t m_next = 0;
};

/// Whether each node of `urls` accepts TCP connections (for readiness reports).
std::vector<core::NodeState> probeNodes(const std::vector<Url>& urls,
                                        std::chrono::milliseconds timeout);

/// Reads the required variable `name`: one broker URL, or a cluster's URLs separated by commas
/// (parseUrls). Records a problem in `env` when it is missing or malformed.
std::string readUrls(core::EnvReader& env, std::string_view name);

}  // namespace shop::amqp
