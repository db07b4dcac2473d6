#include <gtest/gtest.h>

#include "shop/auth/api_key.hpp"

namespace shop::auth {
namespace {

TEST(ApiKey, FormatsAndParsesBack) {
    const ApiKeyParts key = newApiKey("6f1c2d3e-4a5b-46c7-890d-1e2f3a4b5c6d");
    EXPECT_EQ(key.secret.size(), 64U);
    const std::string text = formatApiKey(key);
    EXPECT_EQ(text.substr(0, 38), "shop_6f1c2d3e4a5b46c7890d1e2f3a4b5c6d_");
    const auto parsed = parseApiKey(text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->keyId, key.keyId);
    EXPECT_EQ(parsed->secret, key.secret);
}

TEST(ApiKey, NewKeysDiffer) {
    EXPECT_NE(newApiKey("6f1c2d3e-4a5b-46c7-890d-1e2f3a4b5c6d").secret,
              newApiKey("6f1c2d3e-4a5b-46c7-890d-1e2f3a4b5c6d").secret);
}

TEST(ApiKey, RefusesAnythingElse) {
    const std::string good = formatApiKey(newApiKey("6f1c2d3e-4a5b-46c7-890d-1e2f3a4b5c6d"));
    ASSERT_TRUE(parseApiKey(good));
    std::string upper = good;
    upper[10] = 'F';
    std::string wrongSeparator = good;
    wrongSeparator[37] = '-';
    std::string notHex = good;
    notHex.back() = 'g';
    for (const std::string& bad :
         {std::string(), std::string("shop_"), good.substr(1), good + "0", good.substr(0, 101),
          "SHOP" + good.substr(4), "sk_0" + good.substr(4), upper, wrongSeparator, notHex,
          std::string(good.size(), 'a')}) {
        EXPECT_FALSE(parseApiKey(bad)) << bad;
    }
}

}  // namespace
}  // namespace shop::auth
