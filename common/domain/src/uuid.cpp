#include "shop/domain/uuid.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>

namespace shop::domain {

namespace {

constexpr std::size_t kUuidLength = 36;
constexpr char kHexDigits[] = "0123456789abcdef";

bool isDashPosition(std::size_t i) {
    return i == 8 || i == 13 || i == 18 || i == 23;
}

std::mt19937_64& threadEngine() {
    thread_local std::mt19937_64 engine = [] {
        std::random_device device;
        std::array<std::uint32_t, 8> seed{};
        for (auto& word : seed) {
            word = device();
        }
        std::seed_seq sequence(seed.begin(), seed.end());
        return std::mt19937_64(sequence);
    }();
    return engine;
}

}  // namespace

std::optional<std::string> normalizeUuid(std::string_view text) {
    if (text.size() != kUuidLength) {
        return std::nullopt;
    }
    std::string result(kUuidLength, '-');
    for (std::size_t i = 0; i < kUuidLength; ++i) {
        const char c = text[i];
        if (isDashPosition(i)) {
            if (c != '-') {
                return std::nullopt;
            }
        } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
            result[i] = c;
        } else if (c >= 'A' && c <= 'F') {
            result[i] = static_cast<char>(c - 'A' + 'a');
        } else {
            return std::nullopt;
        }
    }
    return result;
}

std::string newUuid() {
    std::mt19937_64& engine = threadEngine();
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
        std::uint64_t word = engine();
        for (std::size_t j = 0; j < 8; ++j) {
            bytes[i + j] = static_cast<std::uint8_t>(word & 0xFF);
            word >>= 8;
        }
    }
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant

    std::string result;
    result.reserve(kUuidLength);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            result += '-';
        }
        result += kHexDigits[bytes[i] >> 4];
        result += kHexDigits[bytes[i] & 0x0F];
    }
    return result;
}

}  // namespace shop::domain
