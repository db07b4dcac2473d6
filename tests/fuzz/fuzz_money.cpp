// libFuzzer target: parseMoney on arbitrary bytes. Whatever it accepts must be in range and
// format back to a string that parses to the same amount.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shop/domain/money.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto minor = shop::domain::parseMoney(text, error);
    if (!minor) {
        if (error.rfind("amount ", 0) != 0) {
            std::abort();  // every refusal names the field
        }
        return 0;
    }
    if (*minor < 0 || *minor > shop::domain::kMaxAmountMinor || !error.empty()) {
        std::abort();
    }
    const std::string formatted = shop::domain::formatMoney(*minor);
    std::string again;
    if (shop::domain::parseMoney(formatted, again) != minor) {
        std::abort();
    }
    return 0;
}
