#include "shop/auth/rate_limiter.hpp"

namespace shop::auth {

RateLimiter::RateLimiter(std::size_t limit, std::chrono::seconds window)
    : m_limit(limit), m_window(window) {}

std::chrono::seconds RateLimiter::waitLocked(Entry& entry, Clock::time_point now) const {
    if (now - entry.windowStart >= m_window) {
        entry.windowStart = now;
        entry.count = 0;
    }
    if (entry.count < m_limit) {
        return std::chrono::seconds(0);
    }
    const auto left = entry.windowStart + m_window - now;
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
    return seconds < std::chrono::seconds(1) ? std::chrono::seconds(1) : seconds;
}

void RateLimiter::sweepLocked(Clock::time_point now) {
    if (now - m_lastSweep < m_window) {
        return;
    }
    m_lastSweep = now;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        it = now - it->second.windowStart >= m_window ? m_entries.erase(it) : std::next(it);
    }
}

std::chrono::seconds RateLimiter::hit(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(m_mutex);
    sweepLocked(now);
    auto [it, inserted] = m_entries.try_emplace(key, Entry{now, 0});
    const auto wait = waitLocked(it->second, now);
    if (wait.count() == 0) {
        ++it->second.count;
    }
    return wait;
}

std::chrono::seconds RateLimiter::check(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(key);
    return it == m_entries.end() ? std::chrono::seconds(0) : waitLocked(it->second, now);
}

void RateLimiter::refund(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(key);
    if (it != m_entries.end() && now - it->second.windowStart < m_window && it->second.count > 0) {
        --it->second.count;
    }
}

void RateLimiter::reset(const std::string& key) {
    std::lock_guard lock(m_mutex);
    m_entries.erase(key);
}

std::size_t RateLimiter::trackedKeys() const {
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

}  // namespace shop::auth
