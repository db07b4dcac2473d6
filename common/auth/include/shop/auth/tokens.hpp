#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace shop::auth {

enum class Role { Operator, Account };

std::string_view toString(Role role);

/// Who a verified access token speaks for.
struct Principal {
    Role role = Role::Account;
    std::string subject;  ///< the operator's username, or the account's user_id
    std::string userId;   ///< empty for the operator
};

/// A token that verified: whom it speaks for, and until when.
struct VerifiedToken {
    Principal principal;
    std::chrono::system_clock::time_point expiresAt;
};

/// Issues and verifies HS256 JWT access tokens with an expiry. Only HS256 with this issuer's
/// secret is accepted (no `none`, no other algorithm). Thread-safe.
class TokenIssuer final {
  public:
    /// `secret` must be at least 32 bytes.
    TokenIssuer(std::string secret, std::chrono::seconds lifetime);

    std::string issue(const Principal& principal) const;
    /// The principal, or nullopt for a malformed, tampered, expired or otherwise invalid token.
    std::optional<Principal> verify(const std::string& token) const;
    /// verify(), with the token's expiry.
    std::optional<VerifiedToken> check(const std::string& token) const;
    std::chrono::seconds lifetime() const { return m_lifetime; }

  private:
    std::string m_secret;
    std::chrono::seconds m_lifetime;
};

}  // namespace shop::auth
