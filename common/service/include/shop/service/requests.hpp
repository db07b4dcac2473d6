#pragma once

#include <string>
#include <string_view>

#include "shop/domain/json.hpp"
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

}  // namespace shop::service
