#include "shop/auth/tokens.hpp"

#include <Poco/Crypto/OpenSSLInitializer.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <stdexcept>

#include "shop/domain/text_codec.hpp"

namespace shop::auth {
namespace {

constexpr const char* kIssuer = "shop-gateway";
constexpr const char* kRoleClaim = "role";
constexpr const char* kUserClaim = "user_id";

/// Poco's crypto classes (the JWT signer's digest among them) count OpenSSL's users and tear its
/// locks down when the count drops to zero; two threads signing at once can then use a lock the
/// other just destroyed. One user held for the life of the process keeps the count above zero.
void keepOpenSslInitialized() {
    static const Poco::Crypto::OpenSSLInitializer kKeepAlive;
}

/// One segment in the only encoding an issuer writes (RFC 7515 base64url): non-empty, digits of
/// the URL alphabet only, no `=` padding, and a length and last digit that a whole number of
/// bytes produces (the bits a last digit carries beyond the final byte are zero).
bool isCanonicalSegment(std::string_view segment) {
    if (segment.empty() || segment.size() % 4 == 1) {
        return false;
    }
    for (const char c : segment) {
        if (domain::base64UrlDigitValue(c) < 0) {
            return false;
        }
    }
    const int last = domain::base64UrlDigitValue(segment.back());
    switch (segment.size() % 4) {
        case 2:
            return (last & 0x0f) == 0;  // one byte: 8 of the last two digits' 12 bits
        case 3:
            return (last & 0x03) == 0;  // two bytes: 16 of 18 bits
        default:
            return true;
    }
}

/// A compact JWS exactly as issue() writes it: three canonical segments. A verifier that also
/// took padding, a fourth segment or other trailing bits would accept several spellings of one
/// token.
bool isCanonicalCompactJws(std::string_view text) {
    const auto first = text.find('.');
    if (first == std::string_view::npos) {
        return false;
    }
    const auto second = text.find('.', first + 1);
    if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos) {
        return false;
    }
    return isCanonicalSegment(text.substr(0, first)) &&
           isCanonicalSegment(text.substr(first + 1, second - first - 1)) &&
           isCanonicalSegment(text.substr(second + 1));
}

}  // namespace

std::string_view toString(Role role) {
    return role == Role::Operator ? "operator" : "account";
}

TokenIssuer::TokenIssuer(std::string secret, std::chrono::seconds lifetime)
    : m_secret(std::move(secret)), m_lifetime(lifetime) {
    if (m_secret.size() < 32) {
        throw std::invalid_argument("the token secret must be at least 32 bytes");
    }
    keepOpenSslInitialized();
}

std::string TokenIssuer::issue(const Principal& principal) const {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setIssuer(kIssuer);
    token.setSubject(principal.subject);
    token.payload().set(kRoleClaim, std::string(toString(principal.role)));
    if (!principal.userId.empty()) {
        token.payload().set(kUserClaim, principal.userId);
    }
    Poco::Timestamp now;
    token.setIssuedAt(now);
    token.setExpiration(now + Poco::Timespan(static_cast<long>(m_lifetime.count()), 0));
    Poco::JWT::Signer signer(m_secret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

std::optional<Principal> TokenIssuer::verify(const std::string& text) const {
    auto verified = check(text);
    if (!verified) {
        return std::nullopt;
    }
    return std::move(verified->principal);
}

std::optional<VerifiedToken> TokenIssuer::check(const std::string& text) const {
    if (!isCanonicalCompactJws(text)) {
        return std::nullopt;
    }
    try {
        Poco::JWT::Signer signer(m_secret);  // accepts HS256 only by default
        Poco::JWT::Token token;
        if (!signer.tryVerify(text, token)) {
            return std::nullopt;
        }
        if (token.getIssuer() != kIssuer || !token.payload().has("exp") ||
            token.getExpiration() <= Poco::Timestamp()) {
            return std::nullopt;
        }
        Principal principal;
        const std::string role = token.payload().optValue<std::string>(kRoleClaim, "");
        if (role == "operator") {
            principal.role = Role::Operator;
        } else if (role == "account") {
            principal.role = Role::Account;
            principal.userId = token.payload().optValue<std::string>(kUserClaim, "");
            if (principal.userId.empty()) {
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
        principal.subject = token.getSubject();
        return VerifiedToken{std::move(principal),
                             std::chrono::system_clock::time_point(std::chrono::microseconds(
                                 token.getExpiration().epochMicroseconds()))};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace shop::auth
