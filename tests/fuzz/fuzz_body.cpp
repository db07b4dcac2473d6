// libFuzzer target: a request body as the services read it: strict JSON parsing, then the
// FieldReader validation of POST /orders and POST /accounts. Must never crash, hang or leak, and
// a body it accepts must re-serialise to JSON that parses again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shop/domain/json.hpp"
#include "shop/domain/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto body = shop::domain::parseJson(text, error);
    if (!body) {
        if (error.empty()) {
            std::abort();
        }
        return 0;
    }
    std::string reparseError;
    if (!shop::domain::parseJson(shop::domain::toJsonText(*body), reparseError)) {
        std::abort();
    }
    {
        shop::domain::FieldReader order(*body);
        order.allowOnly({"user_id", "amount", "description"});
        const auto user = order.uuid("user_id", true);
        const auto amount = order.money("amount", true, true);
        const auto description = order.text("description", true, 1, 500);
        if (order.ok() && (!user || !amount || !description || *amount <= 0 ||
                           *amount > shop::domain::kMaxAmountMinor || user->size() != 36)) {
            std::abort();
        }
    }
    {
        shop::domain::FieldReader account(*body);
        account.allowOnly({"user_id", "balance"});
        const auto balance = account.money("balance", false, false);
        (void)account.uuid("user_id", false);
        if (account.ok() && balance && *balance < 0) {
            std::abort();
        }
    }
    return 0;
}
