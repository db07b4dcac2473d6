#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "shop/auth/tokens.hpp"

namespace shop::gateway {

/// Access tokens that verified, with whom they speak for, until they expire: a client sends the
/// same token with every request, and checking its signature and parsing its claims each time
/// was a sixth of the gateway's CPU per proxied request. Only tokens that verified are held, by
/// their exact text, so a token never seen verified always gets the full check, and a changed
/// byte is a different token. Holds at most `capacity` tokens (forgetting the expired ones, then
/// all, when full); only the signing secret makes a token that can enter. Thread-safe.
class TokenCache final {
  public:
    using Clock = std::chrono::system_clock;

    explicit TokenCache(std::size_t capacity = 10000) : m_capacity(capacity) {}

    /// The principal of `token` if it verified before and has not expired by `now`.
    std::optional<auth::Principal> find(const std::string& token, Clock::time_point now) const;
    /// Holds a token that just verified.
    void remember(const std::string& token, auth::VerifiedToken verified);

    std::size_t size() const;

  private:
    const std::size_t m_capacity;
    mutable std::shared_mutex m_mutex;
    std::unordered_map<std::string, auth::VerifiedToken> m_tokens;
};

}  // namespace shop::gateway
