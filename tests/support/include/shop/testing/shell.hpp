#pragma once

#include <string>
#include <string_view>

namespace shop::testing {

/// `value` as one word of a /bin/sh command line (std::system, popen): in single quotes, each '
/// written as '\''. Paths from the build and from `./shop testenv` lie inside the checkout, whose
/// path may hold spaces, quotes or `$`.
std::string shellQuote(std::string_view value);

}  // namespace shop::testing
