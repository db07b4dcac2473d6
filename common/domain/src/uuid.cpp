#include "shop/domain/uuid.hpp"

#include <pthread.h>
#include <sys/random.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <span>
#include <system_error>

namespace shop::domain {

namespace {

constexpr std::size_t kUuidLength = 36;
constexpr char kHexDigits[] = "0123456789abcdef";

bool isDashPosition(std::size_t i) {
    return i == 8 || i == 13 || i == 18 || i == 23;
}

/// Fills `out` from the kernel's CSPRNG. getrandom(2) without flags blocks only until the pool
/// is first seeded at boot; it may still be interrupted by a signal or return fewer bytes than
/// asked, so both are retried. Throws std::system_error on any other failure.
void fillFromKernel(std::span<std::uint8_t> out) {
    std::size_t filled = 0;
    while (filled < out.size()) {
        const ssize_t got = ::getrandom(out.data() + filled, out.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::system_category(), "getrandom");
        }
        filled += static_cast<std::size_t>(got);
    }
}

/// Bumped in the child of every fork(): a thread's pool drawn before the fork is then drawn
/// again, so that parent and child never hand out the same bytes.
std::atomic<unsigned> g_forks{0};

/// Kernel randomness drawn 1 KiB at a time per thread (64 UUIDs per system call instead of
/// one): the same bytes getrandom() gives, each used once.
void fillFromPool(std::span<std::uint8_t> out) {
    static std::once_flag registered;
    std::call_once(registered,
                   [] { ::pthread_atfork(nullptr, nullptr, [] { g_forks.fetch_add(1); }); });
    struct Pool {
        unsigned forks = 0;
        std::size_t used = 0;
        std::array<std::uint8_t, 1024> bytes{};
    };
    thread_local Pool pool{0, sizeof Pool::bytes, {}};
    const unsigned forks = g_forks.load();
    if (pool.used + out.size() > pool.bytes.size() || pool.forks != forks) {
        fillFromKernel(pool.bytes);
        pool.used = 0;
        pool.forks = forks;
    }
    std::memcpy(out.data(), pool.bytes.data() + pool.used, out.size());
    // Bytes handed out are not kept.
    std::memset(pool.bytes.data() + pool.used, 0, out.size());
    pool.used += out.size();
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

std::optional<UuidRange> uuidPrefixRange(std::string_view prefix) {
    if (prefix.size() < kMinUuidPrefix || prefix.size() > kMaxUuidPrefix) {
        return std::nullopt;
    }
    UuidRange range{std::string(kUuidLength, '-'), std::string(kUuidLength, '-')};
    for (std::size_t i = 0; i < kUuidLength; ++i) {
        if (isDashPosition(i)) {
            if (i < prefix.size() && prefix[i] != '-') {
                return std::nullopt;
            }
            continue;
        }
        if (i >= prefix.size()) {
            range.low[i] = '0';
            range.high[i] = 'f';
            continue;
        }
        char c = prefix[i];
        if (c >= 'A' && c <= 'F') {
            c = static_cast<char>(c - 'A' + 'a');
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return std::nullopt;
        }
        range.low[i] = c;
        range.high[i] = c;
    }
    return range;
}

std::string newUuid() {
    // The kernel's bytes, not a per-thread engine: nothing to seed, and a fork() makes the
    // child draw afresh, so two processes never draw the same ids.
    std::array<std::uint8_t, 16> bytes{};
    fillFromPool(bytes);
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
