#pragma once

#include <cstdint>

namespace shop::core {

/// Raises this process's soft limit on open file descriptors to its hard limit (a server
/// holding thousands of sockets needs more than the usual 1024). Returns the soft limit in
/// effect afterwards; never throws (on failure the limit stays as it was).
std::uint64_t raiseOpenFileLimit() noexcept;

}  // namespace shop::core
