#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::domain {

/// Deepest nesting of arrays and objects parseJson accepts (the top-level container is depth 1).
inline constexpr std::size_t kMaxJsonDepth = 64;

/// An immutable-by-convention JSON value (RFC 8259).
///
/// Numbers keep the exact lexeme as written ("199.990", "-1e5"), so money can be parsed exactly
/// and nothing passes through floating point. Strings hold decoded UTF-8. Object members keep
/// their order. Accessors never throw and never crash: asking a value for the wrong type returns
/// a neutral value (false, an empty string, an empty list).
class Json final {
  public:
    /// The six JSON value kinds.
    enum class Type { Null, Bool, Number, String, Array, Object };
    /// One object member: key and value.
    using Member = std::pair<std::string, Json>;

    /// A JSON null.
    Json() = default;

    /// A JSON null.
    static Json makeNull();
    /// A JSON true or false.
    static Json makeBool(bool value);
    /// A JSON number from an integer; numberText() is its decimal form.
    static Json makeNumber(std::int64_t value);
    /// A JSON number holding `lexeme` verbatim. The caller guarantees it is a valid JSON number
    /// lexeme; it is not checked.
    static Json makeNumberText(std::string lexeme);
    /// A JSON string holding `value` (UTF-8).
    static Json makeString(std::string value);
    /// A JSON array of `items`.
    static Json makeArray(std::vector<Json> items);
    /// A JSON object of `members` in the given order. Duplicate keys are not checked here.
    static Json makeObject(std::vector<Member> members);

    /// The kind of this value.
    Type type() const { return m_type; }
    /// True for a JSON null.
    bool isNull() const { return m_type == Type::Null; }
    /// True for true or false.
    bool isBool() const { return m_type == Type::Bool; }
    /// True for a number.
    bool isNumber() const { return m_type == Type::Number; }
    /// True for a string.
    bool isString() const { return m_type == Type::String; }
    /// True for an array.
    bool isArray() const { return m_type == Type::Array; }
    /// True for an object.
    bool isObject() const { return m_type == Type::Object; }

    /// The boolean value; false when this is not a Bool.
    bool asBool() const { return m_type == Type::Bool && m_bool; }
    /// The number exactly as written in the source text; empty when this is not a Number.
    const std::string& numberText() const;
    /// The decoded UTF-8 string; empty when this is not a String.
    const std::string& asString() const;
    /// The array elements in order; empty when this is not an Array.
    const std::vector<Json>& items() const;
    /// The object members in source order; empty when this is not an Object.
    const std::vector<Member>& members() const;
    /// The value of member `key`, or nullptr when absent or when this is not an Object.
    /// Linear in the number of members.
    const Json* find(std::string_view key) const;

  private:
    Type m_type = Type::Null;
    bool m_bool = false;
    std::string m_text;  // number lexeme or decoded string
    std::vector<Json> m_items;
    std::vector<Member> m_members;
};

/// Parses one JSON document (RFC 8259), strictly.
///
/// Rejects trailing garbage, comments, trailing commas, single quotes, unescaped control
/// characters, invalid escapes, invalid UTF-8 (overlong forms, encoded surrogates, > U+10FFFF),
/// lone surrogates in \u escapes, duplicate object keys, leading zeros, NaN/Infinity, a byte order
/// mark, and nesting deeper than kMaxJsonDepth. Runs in time linear in the input (duplicate keys
/// are found in n log n), with recursion bounded by kMaxJsonDepth, so any input is safe. On
/// failure returns std::nullopt and sets `error` to "invalid JSON at offset N: <reason>" where N
/// is the byte offset of the problem. Does not throw except std::bad_alloc.
std::optional<Json> parseJson(std::string_view text, std::string& error);

/// Returns `text` as a quoted JSON string: escapes '"', '\\' and control characters (as
/// \u00XX), passes valid UTF-8 through and replaces each invalid UTF-8 byte with U+FFFD, so the
/// result is always valid JSON.
std::string jsonQuote(std::string_view text);

/// Serializes `value` compactly (no whitespace). Numbers are written as their lexeme. The result
/// parses back to an equal value. Recursion depth equals the nesting depth of `value`.
std::string toJsonText(const Json& value);

/// A compact JSON writer that builds a std::string and inserts commas and colons itself.
///
/// The caller is responsible for a well-formed sequence of calls (a key before each value
/// inside an object, balanced begin/end); the writer does not check it. All strings are escaped
/// as by jsonQuote, so the output is valid UTF-8.
class JsonWriter final {
  public:
    /// Opens an object: '{'.
    JsonWriter& beginObject();
    /// Closes the innermost object: '}'.
    JsonWriter& endObject();
    /// Opens an array: '['.
    JsonWriter& beginArray();
    /// Closes the innermost array: ']'.
    JsonWriter& endArray();
    /// Writes a member key inside an object; the next call writes its value.
    JsonWriter& key(std::string_view name);
    /// Writes a string value.
    JsonWriter& string(std::string_view value);
    /// Writes an integer number value.
    JsonWriter& number(std::int64_t value);
    /// Writes true or false.
    JsonWriter& boolean(bool value);
    /// Writes null.
    JsonWriter& null();
    /// Writes `alreadyJson` verbatim as one value; the caller guarantees it is valid JSON.
    JsonWriter& raw(std::string_view alreadyJson);
    /// Writes a parsed value (see toJsonText).
    JsonWriter& value(const Json& json);

    /// key(name) then string(value).
    JsonWriter& field(std::string_view name, std::string_view value);
    /// key(name) then number(value).
    JsonWriter& field(std::string_view name, std::int64_t value);
    /// key(name) then boolean(value). Named apart so that string literals never pick it.
    JsonWriter& fieldBool(std::string_view name, bool value);
    /// key(name) then null().
    JsonWriter& fieldNull(std::string_view name);

    /// The text written so far; the writer is left empty and ready for a new document.
    std::string take();

  private:
    void beforeValue();

    std::string m_out;
    std::vector<bool> m_hasItems;  // one entry per open container
    bool m_afterKey = false;
};

}  // namespace shop::domain
