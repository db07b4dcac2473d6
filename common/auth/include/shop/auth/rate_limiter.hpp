#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace shop::auth {

/// Counts events per key in a sliding window of fixed buckets and says when a key is over its
/// limit and for how long. Memory is bounded: keys idle for a whole window are forgotten.
/// Thread-safe.
class RateLimiter final {
  public:
    using Clock = std::chrono::steady_clock;

    RateLimiter(std::size_t limit, std::chrono::seconds window);

    /// Records one event for `key` at `now`. Returns zero when it is within the limit, else how
    /// long until the key may try again (at least one second).
    std::chrono::seconds hit(const std::string& key, Clock::time_point now = Clock::now());
    /// How long `key` must wait without recording an event (zero when allowed).
    std::chrono::seconds check(const std::string& key, Clock::time_point now = Clock::now());
    /// Takes back one event of `key` recorded by hit() in the current window (e.g. an attempt
    /// that turned out not to count); nothing when there is none.
    void refund(const std::string& key, Clock::time_point now = Clock::now());
    /// Forgets `key` (e.g. after a successful login).
    void reset(const std::string& key);
    std::size_t trackedKeys() const;

  private:
    struct Entry {
        Clock::time_point windowStart;
        std::size_t count = 0;
    };
    std::chrono::seconds waitLocked(Entry& entry, Clock::time_point now) const;
    void sweepLocked(Clock::time_point now);

    std::size_t m_limit;
    std::chrono::seconds m_window;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Entry> m_entries;
    Clock::time_point m_lastSweep{};
};

}  // namespace shop::auth
