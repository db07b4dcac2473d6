#include "shop/domain/idempotency.hpp"

namespace shop::domain {

bool isValidIdempotencyKey(std::string_view key) {
    if (key.empty() || key.size() > kMaxIdempotencyKeyLength) {
        return false;
    }
    if (key.front() == ' ' || key.back() == ' ') {
        return false;
    }
    for (char c : key) {
        if (c < 0x20 || c > 0x7E) {
            return false;
        }
    }
    return true;
}

}  // namespace shop::domain
