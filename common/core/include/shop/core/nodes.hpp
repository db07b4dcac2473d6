#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "shop/domain/json.hpp"

namespace shop::core {

/// One node of a replicated dependency (a RabbitMQ cluster member, a PostgreSQL host) as a
/// readiness check saw it.
struct NodeState {
    std::string address;  ///< host:port
    bool up = false;
};

/// True when a TCP connection to host:port is accepted within `timeout`.
bool tcpReachable(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);

/// How many of `nodes` are up.
std::size_t nodesUp(const std::vector<NodeState>& nodes);

/// Writes `{"up": [...], "missing": [...]}` (addresses) as the value of the current key.
void writeNodes(domain::JsonWriter& out, const std::vector<NodeState>& nodes);

}  // namespace shop::core
