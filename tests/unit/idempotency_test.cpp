#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "shop/domain/idempotency.hpp"

namespace shop::domain {
namespace {

TEST(IdempotencyKey, AcceptsPrintableAscii) {
    const std::string rows[] = {
        "a",
        "order-2024-06-01#17",
        "6f1c2a9e-4b3d-4c1e-9a7f-0b5d8e2c1a3f",
        "with inner spaces",
        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        std::string(kMaxIdempotencyKeyLength, 'k'),
    };
    for (const std::string& key : rows) {
        SCOPED_TRACE(key);
        EXPECT_TRUE(isValidIdempotencyKey(key));
    }
}

TEST(IdempotencyKey, RejectsEverythingElse) {
    const std::string rows[] = {
        "",          std::string(kMaxIdempotencyKeyLength + 1, 'k'),
        " leading",  "trailing ",
        " ",         "tab\tinside",
        "new\nline", std::string("nul\0", 4),
        "del\x7f",   "caf\xC3\xA9",
    };
    for (const std::string& key : rows) {
        SCOPED_TRACE(key);
        EXPECT_FALSE(isValidIdempotencyKey(key));
    }
}

}  // namespace
}  // namespace shop::domain
