#pragma once

#include <cstddef>
#include <string_view>

namespace shop::auth {

/// The header the gateway sends with every request it forwards to the orders and payments
/// services, carrying the secret they share (SHOP_INTERNAL_SECRET).
inline constexpr std::string_view kInternalSecretHeader = "X-Internal-Secret";
/// Shortest accepted SHOP_INTERNAL_SECRET.
inline constexpr std::size_t kMinInternalSecretBytes = 16;

}  // namespace shop::auth
