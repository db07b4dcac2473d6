#pragma once

#include <functional>
#include <utility>
#include <variant>

#include "core/api_error.hpp"

namespace shop::client {

/// The outcome of one API call: a value of type T or an ApiError, never both.
/// value() and error() may only be called for the alternative that ok() reports.
template <typename T>
class ApiResult final {
  public:
    ApiResult(T value) : m_state(std::in_place_index<0>, std::move(value)) {}         // NOLINT
    ApiResult(ApiError error) : m_state(std::in_place_index<1>, std::move(error)) {}  // NOLINT
    /// A value with the X-Request-Id of the answer that carried it.
    ApiResult(T value, QString requestId)
        : m_state(std::in_place_index<0>, std::move(value)), m_requestId(std::move(requestId)) {}

    bool ok() const { return m_state.index() == 0; }
    const T& value() const { return std::get<0>(m_state); }
    const ApiError& error() const { return std::get<1>(m_state); }
    /// The X-Request-Id of the answer (the one sent when the answer had none): of the value's
    /// answer, or error().requestId. Empty for a value made without one.
    QString requestId() const { return ok() ? m_requestId : error().requestId; }

  private:
    std::variant<T, ApiError> m_state;
    QString m_requestId;
};

/// How API calls report back: called exactly once, on the thread of the ApiClient.
template <typename T>
using ApiCallback = std::function<void(const ApiResult<T>&)>;

}  // namespace shop::client
