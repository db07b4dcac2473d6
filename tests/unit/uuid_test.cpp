#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "shop/domain/uuid.hpp"

namespace shop::domain {
namespace {

TEST(NormalizeUuid, AcceptsCanonicalFormInAnyCase) {
    const std::pair<std::string_view, std::string_view> rows[] = {
        {"6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f", "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f"},
        {"6F1C2A9E-4B3D-4C1E-9A7F-0B5D8E2C1A3F", "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f"},
        {"6f1C2a9E-4b3D-4c1E-9a7F-0b5D8e2C1a3F", "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f"},
        {"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"},
        {"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "ffffffff-ffff-ffff-ffff-ffffffffffff"},
    };
    for (const auto& [input, canonical] : rows) {
        SCOPED_TRACE(input);
        const std::optional<std::string> normalized = normalizeUuid(input);
        ASSERT_TRUE(normalized.has_value());
        EXPECT_EQ(*normalized, canonical);
    }
}

TEST(NormalizeUuid, RejectsEverythingElse) {
    const std::string_view rows[] = {
        "",
        "{6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f}",
        "urn:uuid:6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f",
        "6f1c2a9e4b3d4c1e9a7f0b5d8e2c1a3f",
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3",
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f0",
        "6f1c2a9g-4b3d-4c1e-9a7f-0b5d8e2c1a3f",
        "6f1c2a9e-4b3d-4c1e-9a7f_0b5d8e2c1a3f",
        "6f1c2a9e4-b3d-4c1e-9a7f-0b5d8e2c1a3f",
        " 6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3",
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3 ",
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3\n",
        "------------------------------------",
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a\xC3\xA9",
        "not a uuid",
    };
    for (std::string_view input : rows) {
        SCOPED_TRACE(input);
        EXPECT_EQ(normalizeUuid(input), std::nullopt);
    }
}

void expectVersion4(const std::string& uuid) {
    ASSERT_EQ(uuid.size(), 36u);
    EXPECT_EQ(normalizeUuid(uuid), uuid) << "not canonical lowercase: " << uuid;
    EXPECT_EQ(uuid[14], '4') << uuid;
    EXPECT_NE(std::string_view("89ab").find(uuid[19]), std::string_view::npos) << uuid;
}

TEST(NewUuid, IsCanonicalVersion4AndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        const std::string uuid = newUuid();
        expectVersion4(uuid);
        EXPECT_TRUE(seen.insert(uuid).second) << "duplicate " << uuid;
    }
    EXPECT_EQ(seen.size(), 10000u);
}

TEST(NewUuid, IsUniqueAcrossThreads) {
    constexpr int kThreads = 4;
    constexpr int kPerThread = 2500;
    std::vector<std::vector<std::string>> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&results, t] {
            for (int i = 0; i < kPerThread; ++i) {
                results[static_cast<std::size_t>(t)].push_back(newUuid());
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    std::set<std::string> seen;
    for (const auto& batch : results) {
        for (const std::string& uuid : batch) {
            expectVersion4(uuid);
            seen.insert(uuid);
        }
    }
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(NewUuid, EveryRandomDigitTakesEveryValueAndTheFixedOnesDoNot) {
    // The 32 hex digits without the dashes: digit 12 is the version, digit 16 holds the variant.
    std::array<std::set<char>, 32> seen;
    for (int i = 0; i < 10000; ++i) {
        const std::string uuid = newUuid();
        std::size_t digit = 0;
        for (const char c : uuid) {
            if (c != '-') {
                seen.at(digit++).insert(c);
            }
        }
    }
    for (std::size_t digit = 0; digit < seen.size(); ++digit) {
        SCOPED_TRACE(digit);
        if (digit == 12) {
            EXPECT_EQ(seen[digit], (std::set<char>{'4'}));
        } else if (digit == 16) {
            EXPECT_EQ(seen[digit], (std::set<char>{'8', '9', 'a', 'b'}));
        } else {
            EXPECT_EQ(seen[digit].size(), 16u);
        }
    }
}

/// Forks a child that writes one newUuid() to a pipe and exits; returns what it wrote (empty if
/// it wrote nothing or did not exit cleanly).
std::string uuidFromForkedChild() {
    int fds[2];
    if (::pipe(fds) != 0) {
        ADD_FAILURE() << "pipe failed";
        return {};
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        // The child only ever leaves by _exit: an exception here must not unwind into the test
        // runner and go on running the remaining tests in this copy of the process.
        int code = 1;
        try {
            ::close(fds[0]);
            const std::string uuid = newUuid();
            if (::write(fds[1], uuid.data(), uuid.size()) == static_cast<ssize_t>(uuid.size())) {
                code = 0;
            }
        } catch (...) {
        }
        ::_exit(code);
    }
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        ADD_FAILURE() << "fork failed";
        return {};
    }
    std::string out;
    char buffer[64];
    ssize_t got = 0;
    while ((got = ::read(fds[0], buffer, sizeof buffer)) != 0) {
        if (got > 0) {
            out.append(buffer, static_cast<std::size_t>(got));
        } else if (errno != EINTR) {
            break;
        }
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ADD_FAILURE() << "the child did not exit cleanly";
        return {};
    }
    return out;
}

TEST(NewUuid, DiffersAcrossProcessesForkedAfterFirstUse) {
    // A generator whose state lives in the process (a seeded engine) would be copied by fork(),
    // and parent and children would then draw the same next id.
    expectVersion4(newUuid());
    const std::string first = uuidFromForkedChild();
    const std::string second = uuidFromForkedChild();
    const std::string parent = newUuid();
    expectVersion4(first);
    expectVersion4(second);
    EXPECT_NE(first, second);
    EXPECT_NE(first, parent);
    EXPECT_NE(second, parent);
}

TEST(UuidPrefixRange, PadsToTheLowestAndHighestIdWithThatPrefix) {
    struct Row {
        std::string_view prefix, low, high;
    };
    const Row rows[] = {
        // The shortest prefix.
        {"6f1c", "6f1c0000-0000-0000-0000-000000000000", "6f1cffff-ffff-ffff-ffff-ffffffffffff"},
        // Ending right before a dash, and right after it.
        {"6f1c2a9e", "6f1c2a9e-0000-0000-0000-000000000000",
         "6f1c2a9e-ffff-ffff-ffff-ffffffffffff"},
        {"6f1c2a9e-", "6f1c2a9e-0000-0000-0000-000000000000",
         "6f1c2a9e-ffff-ffff-ffff-ffffffffffff"},
        {"6f1c2a9e-4b3d-4c1e-9a7f", "6f1c2a9e-4b3d-4c1e-9a7f-000000000000",
         "6f1c2a9e-4b3d-4c1e-9a7f-ffffffffffff"},
        {"6f1c2a9e-4b3d-4c1e-9a7f-0", "6f1c2a9e-4b3d-4c1e-9a7f-000000000000",
         "6f1c2a9e-4b3d-4c1e-9a7f-0fffffffffff"},
        // Upper case is the same prefix.
        {"6F1C2A9E-4B", "6f1c2a9e-4b00-0000-0000-000000000000",
         "6f1c2a9e-4bff-ffff-ffff-ffffffffffff"},
        // A whole id is the range of that one id.
        {"6f1c2a9e-4b3d-4c1e-9a7f-0B5D8E2C1A3F", "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f",
         "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.prefix);
        const std::optional<UuidRange> range = uuidPrefixRange(row.prefix);
        ASSERT_TRUE(range.has_value());
        EXPECT_EQ(range->low, row.low);
        EXPECT_EQ(range->high, row.high);
        EXPECT_EQ(normalizeUuid(range->low), range->low);
        EXPECT_EQ(normalizeUuid(range->high), range->high);
    }
}

TEST(UuidPrefixRange, RejectsWhatNoIdStartsWith) {
    const std::string_view rows[] = {
        "",
        "6f1",                                    // too short
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f0",  // too long
        "6f1g",                                   // not hex
        "6f1c 2a9",                               // whitespace
        " 6f1c",
        "6f1c%",
        "6f1c2a9e4b3d",  // a digit where the dash belongs
        "6f1c-2a9e",     // a dash where a digit belongs
        "----",
        "6f1c2a9e--",
        "{6f1c2a9e}",
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f-",
    };
    for (const auto prefix : rows) {
        SCOPED_TRACE(prefix);
        EXPECT_FALSE(uuidPrefixRange(prefix).has_value());
    }
}

}  // namespace
}  // namespace shop::domain
