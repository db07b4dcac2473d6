#include "shop/auth/secret_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "shop/domain/text_codec.hpp"

namespace shop::auth {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

std::string toHex(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[data[i] >> 4]);
        out.push_back(kDigits[data[i] & 0x0f]);
    }
    return out;
}

bool fromHex(std::string_view hex, std::vector<unsigned char>& out) {
    const std::optional<std::string> bytes = domain::hexDecode(hex);
    if (!bytes) {
        return false;
    }
    out.assign(bytes->begin(), bytes->end());
    return true;
}

std::vector<unsigned char> derive(std::string_view secret, const std::vector<unsigned char>& salt,
                                  int iterations, std::size_t length) {
    std::vector<unsigned char> out(length);
    if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()), salt.data(),
                          static_cast<int>(salt.size()), iterations, EVP_sha256(),
                          static_cast<int>(out.size()), out.data()) != 1) {
        throw std::runtime_error("PBKDF2 failed");
    }
    return out;
}

}  // namespace

std::string randomHex(std::size_t bytes) {
    std::vector<unsigned char> buffer(bytes);
    if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
        throw std::runtime_error("the system random generator failed");
    }
    return toHex(buffer.data(), buffer.size());
}

std::string hashSecret(std::string_view secret, int iterations) {
    if (iterations < 1) {
        throw std::invalid_argument("iterations must be positive");
    }
    std::vector<unsigned char> salt;
    fromHex(randomHex(kSaltBytes), salt);
    const auto hash = derive(secret, salt, iterations, kHashBytes);
    return std::string(kScheme) + "$" + std::to_string(iterations) + "$" +
           toHex(salt.data(), salt.size()) + "$" + toHex(hash.data(), hash.size());
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    // Comparing digests of equal size keeps the time independent of where the strings differ
    // and of the length of the secret one.
    unsigned char digestA[EVP_MAX_MD_SIZE];
    unsigned char digestB[EVP_MAX_MD_SIZE];
    unsigned int sizeA = 0;
    unsigned int sizeB = 0;
    if (EVP_Digest(a.data(), a.size(), digestA, &sizeA, EVP_sha256(), nullptr) != 1 ||
        EVP_Digest(b.data(), b.size(), digestB, &sizeB, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return CRYPTO_memcmp(digestA, digestB, sizeA) == 0 && a.size() == b.size();
}

bool verifySecret(std::string_view secret, std::string_view encoded) {
    // scheme$iterations$salt$hash
    std::string_view parts[4];
    for (int i = 0; i < 3; ++i) {
        const auto dollar = encoded.find('$');
        if (dollar == std::string_view::npos) {
            return false;
        }
        parts[i] = encoded.substr(0, dollar);
        encoded.remove_prefix(dollar + 1);
    }
    parts[3] = encoded;
    int iterations = 0;
    auto [ptr, ec] =
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
    std::vector<unsigned char> salt;
    std::vector<unsigned char> expected;
    if (parts[0] != kScheme || ec != std::errc{} || ptr != parts[1].data() + parts[1].size() ||
        iterations < 1 || iterations > 10'000'000 || !fromHex(parts[2], salt) ||
        !fromHex(parts[3], expected) || expected.empty()) {
        return false;
    }
    const auto actual = derive(secret, salt, iterations, expected.size());
    return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

}  // namespace shop::auth
