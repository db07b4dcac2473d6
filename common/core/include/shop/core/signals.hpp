#pragma once

#include <functional>

namespace shop::core {

/// Blocks SIGINT and SIGTERM in the calling thread and ignores SIGPIPE. Call first in main, before
/// any thread starts, so every thread inherits the mask. Returns a function that waits for one of
/// the two signals (the graceful shutdown request).
std::function<void()> interceptTerminationSignals();

}  // namespace shop::core
