#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shop/domain/json.hpp"
#include "shop/domain/uuid.hpp"
#include "shop/domain/validation.hpp"
#include "shop/http/message.hpp"

namespace shop::service {

/// The body as a JSON value; an empty body is an empty object when `emptyIsObject`, else 400.
/// Throws ApiError 400 with the parser's message (and byte offset) on malformed JSON.
domain::Json parseJsonBody(const http::Request& request, bool emptyIsObject = false);

/// Throws ApiError 400 with the reader's first error, if any.
void requireValid(const domain::FieldReader& reader);

/// A UUID path parameter in canonical form; throws ApiError 400 naming the parameter otherwise.
std::string uuidParam(const http::Request& request, std::string_view name);

/// The `id_prefix` query parameter (CONTRACT section 2) as the range of ids it selects, or
/// nullopt when it is absent or empty (no filter, like the other filters). Throws ApiError 400
/// saying what is accepted when it is not 4 to 36 characters of a UUID (domain::uuidPrefixRange).
std::optional<domain::UuidRange> idPrefixParam(const http::Request& request);

}  // namespace shop::service
