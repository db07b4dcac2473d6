#pragma once

#include <chrono>
#include <string>

namespace shop::core {

/// RFC 3339 UTC with microseconds, e.g. "2026-11-22T03:04:05.123456Z".
std::string formatRfc3339(std::chrono::system_clock::time_point time);

/// formatRfc3339(now).
std::string nowRfc3339();

}  // namespace shop::core
