#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "support/api.hpp"
#include "ws_client.hpp"

namespace shop::wstest {

using namespace std::chrono_literals;

/// Base of the WebSocket end-to-end tests: the e2e API shortcuts plus WebSocket subscriptions.
class WsE2eTest : public e2e::E2eTest {
  protected:
    /// A client of `target` on the stack's gateway (or on `port`), signed in as the operator.
    static std::unique_ptr<WsClient> subscribe(const std::string& target, std::uint16_t port = 0);
    /// The same with `token` (none when empty).
    static std::unique_ptr<WsClient> subscribeWith(const std::string& token,
                                                   const std::string& target,
                                                   std::uint16_t port = 0);
};

/// Matches an `order.status` frame of `orderId` with `status`.
std::function<bool(const domain::Json&)> statusFrame(const std::string& orderId,
                                                     const std::string& status);

/// Checks that a frame has exactly the contract's fields with the right types.
::testing::AssertionResult isContractFrame(const domain::Json& frame);

/// The value of one series (`name{labels}` exactly as rendered) in a Prometheus text page;
/// nullopt when absent.
std::optional<double> metricValue(const std::string& page, const std::string& series);

/// GET /metrics on 127.0.0.1:`port` (which must answer 200), with the operator's token (which
/// a gateway needs; the services' own /metrics need none and ignore it).
std::string scrape(std::uint16_t port);

}  // namespace shop::wstest
