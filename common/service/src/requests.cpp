#include "shop/service/requests.hpp"

#include "shop/core/errors.hpp"
#include "shop/domain/uuid.hpp"

namespace shop::service {

using core::ApiError;
using core::ErrorCode;

domain::Json parseJsonBody(const http::Request& request, bool emptyIsObject) {
    if (request.body.empty()) {
        if (emptyIsObject) {
            return domain::Json::makeObject({});
        }
        throw ApiError(ErrorCode::BadRequest, "request body must be a JSON object");
    }
    std::string error;
    auto json = domain::parseJson(request.body, error);
    if (!json) {
        throw ApiError(ErrorCode::BadRequest, error);
    }
    return std::move(*json);
}

void requireValid(const domain::FieldReader& reader) {
    if (!reader.ok()) {
        throw ApiError(ErrorCode::BadRequest, reader.error());
    }
}

std::string uuidParam(const http::Request& request, std::string_view name) {
    auto id = domain::normalizeUuid(request.param(name));
    if (!id) {
        throw ApiError(ErrorCode::BadRequest, std::string(name) + " must be a UUID");
    }
    return *id;
}

std::optional<domain::UuidRange> idPrefixParam(const http::Request& request) {
    const auto prefix = request.queryParam("id_prefix");
    if (!prefix || prefix->empty()) {
        return std::nullopt;
    }
    auto range = domain::uuidPrefixRange(*prefix);
    if (!range) {
        throw ApiError(ErrorCode::BadRequest,
                       "id_prefix must be the first 4 to 36 characters of an id as written "
                       "(hex digits, with dashes only where 8-4-4-4-12 puts them)");
    }
    return range;
}

}  // namespace shop::service
