#include "auth/token_cache.hpp"

#include <mutex>

namespace shop::gateway {

std::optional<auth::Principal> TokenCache::find(const std::string& token,
                                                Clock::time_point now) const {
    std::shared_lock lock(m_mutex);
    const auto it = m_tokens.find(token);
    if (it == m_tokens.end() || it->second.expiresAt <= now) {
        return std::nullopt;
    }
    return it->second.principal;
}

void TokenCache::remember(const std::string& token, auth::VerifiedToken verified) {
    if (m_capacity == 0) {
        return;
    }
    std::unique_lock lock(m_mutex);
    if (m_tokens.size() >= m_capacity && !m_tokens.contains(token)) {
        const auto now = Clock::now();
        std::erase_if(m_tokens, [now](const auto& entry) { return entry.second.expiresAt <= now; });
        if (m_tokens.size() >= m_capacity) {
            m_tokens.clear();
        }
    }
    m_tokens.insert_or_assign(token, std::move(verified));
}

std::size_t TokenCache::size() const {
    std::shared_lock lock(m_mutex);
    return m_tokens.size();
}

}  // namespace shop::gateway
