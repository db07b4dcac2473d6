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

    bool ok() const { return m_state.index() == 0; }
    const T& value() const { return std::get<0>(m_state); }
    const ApiError& error() const { return std::get<1>(m_state); }

  private:
    std::variant<T, ApiError> m_state;
};

/// How API calls report back: called exactly once, on the thread of the ApiClient.
template <typename T>
using ApiCallback = std::function<void(const ApiResult<T>&)>;

}  // namespace shop::client
