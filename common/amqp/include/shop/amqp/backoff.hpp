#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <stop_token>

namespace shop::amqp {

/// Capped exponential backoff with jitter, for reconnect loops.
/// The n-th delay (from 0) is drawn uniformly from [b/2, b] where b = min(initial * 2^n, cap),
/// so replicas that lost the broker together do not retry in lock-step.
/// Call reset() after a success. Not thread-safe (one per loop).
class Backoff final {
  public:
    explicit Backoff(std::chrono::milliseconds initial = std::chrono::milliseconds(100),
                     std::chrono::milliseconds cap = std::chrono::seconds(5));

    /// The delay to wait before the next attempt; grows until the cap.
    std::chrono::milliseconds next();
    /// Starts again from the initial delay.
    void reset() noexcept;
    /// How many delays next() has handed out since the last reset().
    std::uint32_t attempts() const noexcept { return m_attempts; }

  private:
    std::chrono::milliseconds m_initial;
    std::chrono::milliseconds m_cap;
    std::chrono::milliseconds m_current;
    std::uint32_t m_attempts = 0;
    std::minstd_rand m_rng;
};

/// Sleeps for `duration` unless a stop is requested on `stop` (e.g. a std::jthread's token,
/// requested by the shutdown path); wakes up at once on request. Returns true when the whole
/// duration passed, false when stopped.
bool sleepFor(std::chrono::milliseconds duration, const std::stop_token& stop);

}  // namespace shop::amqp
