#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "shop/domain/json.hpp"
#include "shop/domain/money.hpp"

namespace shop::domain {

/// Reads and validates the fields of a JSON request body, remembering the first problem.
///
/// Each reader method returns the field's value, or std::nullopt when the field is absent (and
/// optional) or invalid. Only the FIRST error is recorded; once there is one, every later call
/// does nothing and returns std::nullopt, so a handler can read all fields and then check ok()
/// once. A member whose value is JSON null counts as absent: fine for an optional field, an
/// "<key> is required" error for a required one. Messages are meant for API clients and name the
/// field, e.g. "user_id must be a UUID". The reader keeps a pointer to `body`, which must outlive
/// it. Never throws except std::bad_alloc.
class FieldReader final {
  public:
    /// Starts reading `body`; records "request body must be a JSON object" if it is not one.
    explicit FieldReader(const Json& body);
    /// Reading a temporary would leave a dangling pointer.
    explicit FieldReader(const Json&& body) = delete;

    /// A string holding a UUID (any case), returned in canonical lowercase.
    /// Errors: "<key> is required", "<key> must be a UUID".
    std::optional<std::string> uuid(std::string_view key, bool required);

    /// An amount of money given as a JSON number or a JSON string, parsed exactly by parseMoney
    /// (0..kMaxAmountMinor, at most 2 decimals). With `positive`, zero is rejected.
    /// Errors: "<key> is required", "<key> must be a number or a decimal string",
    /// "<key> must be greater than 0", and parseMoney's messages with the key as subject
    /// (e.g. "amount must have at most 2 decimal places").
    std::optional<Minor> money(std::string_view key, bool required, bool positive);

    /// A string of minChars..maxChars Unicode code points (not bytes) without C0 control
    /// characters or DEL. Errors: "<key> is required", "<key> must be a string",
    /// "<key> must not contain control characters", "<key> must not be empty",
    /// "<key> must be at least N characters", "<key> must be at most N characters".
    std::optional<std::string> text(std::string_view key, bool required, std::size_t minChars,
                                    std::size_t maxChars);

    /// Records "unknown field '<name>'" for the first member whose name is not in `keys`.
    void allowOnly(std::initializer_list<std::string_view> keys);

    /// True while no error has been recorded.
    bool ok() const { return m_error.empty(); }
    /// The first error recorded; empty while ok().
    const std::string& error() const { return m_error; }

  private:
    // The member's value, or nullptr when absent, null, or an error is already recorded
    // (recording "is required" when it is required and missing).
    const Json* lookup(std::string_view key, bool required);
    void fail(std::string message);

    const Json* m_body;
    std::string m_error;
};

}  // namespace shop::domain
