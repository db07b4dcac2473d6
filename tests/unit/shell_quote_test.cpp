#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "shop/testing/shell.hpp"

namespace {

using shop::testing::shellQuote;

/// What /bin/sh makes of `printf %s WORD`, WORD being the quoted value.
std::string throughSh(const std::string& value) {
    FILE* pipe = ::popen(("printf %s " + shellQuote(value)).c_str(), "r");
    if (pipe == nullptr) {
        return "<popen failed>";
    }
    std::string out;
    std::array<char, 256> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        out.append(buffer.data(), n);
    }
    const int status = ::pclose(pipe);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? out : "<sh failed>";
}

TEST(ShellQuote, PlainPathIsSingleQuoted) {
    EXPECT_EQ(shellQuote("/usr/lib/postgresql/15/bin/pg_ctl"),
              "'/usr/lib/postgresql/15/bin/pg_ctl'");
}

TEST(ShellQuote, SingleQuoteIsClosedEscapedAndReopened) {
    EXPECT_EQ(shellQuote("it's"), "'it'\\''s'");
}

TEST(ShellQuote, ShKeepsEveryValueOneWordAndUnchanged) {
    for (const std::string value :
         {"", "/tmp/shop checkout/build", "/tmp/it's here", "a\"b", "$HOME `id` $(id)",
          "back\\slash", "semi;colon & amp | pipe > gt", "*?[glob]", "line\nbreak", "'", "''"}) {
        EXPECT_EQ(throughSh(value), value) << shellQuote(value);
    }
}

}  // namespace
