#include "shop/domain/json.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>

#include "shop/domain/text_codec.hpp"
#include "utf8.hpp"

namespace shop::domain {

namespace {

const std::string& emptyString() {
    static const std::string kEmpty;
    return kEmpty;
}

const std::vector<Json>& emptyItems() {
    static const std::vector<Json> kEmpty;
    return kEmpty;
}

const std::vector<Json::Member>& emptyMembers() {
    static const std::vector<Json::Member> kEmpty;
    return kEmpty;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

constexpr char kHexDigits[] = "0123456789abcdef";

// Appends `text` to `out` as the inside of a JSON string (no quotes).
void appendEscaped(std::string& out, std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if (byte == '"') {
            out += "\\\"";
            ++pos;
        } else if (byte == '\\') {
            out += "\\\\";
            ++pos;
        } else if (byte < 0x20) {
            out += "\\u00";
            out += kHexDigits[byte >> 4];
            out += kHexDigits[byte & 0x0F];
            ++pos;
        } else if (byte < 0x80) {
            out += static_cast<char>(byte);
            ++pos;
        } else {
            const std::size_t length = detail::utf8SequenceLength(text, pos);
            if (length == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
                ++pos;
            } else {
                out.append(text.substr(pos, length));
                pos += length;
            }
        }
    }
}

void appendJson(std::string& out, const Json& value) {
    switch (value.type()) {
        case Json::Type::Null:
            out += "null";
            break;
        case Json::Type::Bool:
            out += value.asBool() ? "true" : "false";
            break;
        case Json::Type::Number:
            out += value.numberText();
            break;
        case Json::Type::String:
            out += '"';
            appendEscaped(out, value.asString());
            out += '"';
            break;
        case Json::Type::Array: {
            out += '[';
            bool first = true;
            for (const Json& item : value.items()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                appendJson(out, item);
            }
            out += ']';
            break;
        }
        case Json::Type::Object: {
            out += '{';
            bool first = true;
            for (const auto& [name, member] : value.members()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                out += '"';
                appendEscaped(out, name);
                out += "\":";
                appendJson(out, member);
            }
            out += '}';
            break;
        }
    }
}

// Recursive descent parser. Recursion depth is bounded by kMaxJsonDepth; every loop advances
// m_pos, so the work is linear in the input.
class Parser final {
  public:
    Parser(std::string_view text, std::string& error) : m_text(text), m_error(error) {}

    std::optional<Json> run() {
        Json result;
        if (!parseValue(result, 0)) {
            return std::nullopt;
        }
        skipWhitespace();
        if (m_pos != m_text.size()) {
            fail(m_pos, "unexpected data after the JSON value");
            return std::nullopt;
        }
        return result;
    }

  private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    bool fail(std::size_t offset, std::string_view reason) {
        m_error = "invalid JSON at offset ";
        m_error += std::to_string(offset);
        m_error += ": ";
        m_error += reason;
        return false;
    }

    void skipWhitespace() {
        while (!atEnd()) {
            const char c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            ++m_pos;
        }
    }

    bool startsWith(std::string_view word) const {
        return m_text.substr(m_pos, word.size()) == word;
    }

    bool failUnexpected() {
        const auto byte = static_cast<unsigned char>(peek());
        std::string reason;
        if (byte >= 0x21 && byte <= 0x7E) {
            reason = "unexpected character '";
            reason += static_cast<char>(byte);
            reason += '\'';
        } else {
            reason = "unexpected byte 0x";
            reason += kHexDigits[byte >> 4];
            reason += kHexDigits[byte & 0x0F];
        }
        return fail(m_pos, reason);
    }

    bool parseValue(Json& out, std::size_t depth) {
        skipWhitespace();
        if (atEnd()) {
            return fail(m_pos, "unexpected end of input, expected a value");
        }
        switch (peek()) {
            case '{':
                return parseObject(out, depth + 1);
            case '[':
                return parseArray(out, depth + 1);
            case '"': {
                std::string text;
                if (!parseString(text)) {
                    return false;
                }
                out = Json::makeString(std::move(text));
                return true;
            }
            case 't':
                return parseLiteral(out, "true", Json::makeBool(true));
            case 'f':
                return parseLiteral(out, "false", Json::makeBool(false));
            case 'n':
                return parseLiteral(out, "null", Json::makeNull());
            case 'N':
            case 'I':
                return fail(m_pos, "NaN and Infinity are not valid JSON");
            case '\'':
                return fail(m_pos, "strings must use double quotes");
            case '/':
                return fail(m_pos, "comments are not allowed");
            default:
                break;
        }
        if (peek() == '-' || isDigit(peek())) {
            return parseNumber(out);
        }
        return failUnexpected();
    }

    bool parseLiteral(Json& out, std::string_view word, Json value) {
        if (!startsWith(word)) {
            return fail(m_pos, "invalid literal");
        }
        m_pos += word.size();
        out = std::move(value);
        return true;
    }

    bool parseNumber(Json& out) {
        const std::size_t start = m_pos;
        if (peek() == '-') {
            ++m_pos;
            if (!atEnd() && (peek() == 'I' || peek() == 'N')) {
                return fail(start, "NaN and Infinity are not valid JSON");
            }
        }
        if (atEnd() || !isDigit(peek())) {
            return fail(m_pos, "expected a digit");
        }
        if (peek() == '0') {
            ++m_pos;
            if (!atEnd() && isDigit(peek())) {
                return fail(start, "leading zeros are not allowed");
            }
        } else {
            skipDigits();
        }
        if (!atEnd() && peek() == '.') {
            ++m_pos;
            if (atEnd() || !isDigit(peek())) {
                return fail(m_pos, "expected a digit after the decimal point");
            }
            skipDigits();
        }
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            ++m_pos;
            if (!atEnd() && (peek() == '+' || peek() == '-')) {
                ++m_pos;
            }
            if (atEnd() || !isDigit(peek())) {
                return fail(m_pos, "expected a digit in the exponent");
            }
            skipDigits();
        }
        out = Json::makeNumberText(std::string(m_text.substr(start, m_pos - start)));
        return true;
    }

    void skipDigits() {
        while (!atEnd() && isDigit(peek())) {
            ++m_pos;
        }
    }

    // Reads four hex digits at m_pos; returns -1 if they are not there.
    long readHex4() {
        if (m_text.size() - m_pos < 4) {
            return -1;
        }
        long value = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            const int digit = hexDigitValue(m_text[m_pos + i]);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        m_pos += 4;
        return value;
    }

    bool parseUnicodeEscape(std::string& out, std::size_t escapeStart) {
        // m_pos is just after "\u".
        const long first = readHex4();
        if (first < 0) {
            return fail(escapeStart, "\\u must be followed by four hex digits");
        }
        auto codePoint = static_cast<std::uint32_t>(first);
        if (codePoint >= 0xDC00 && codePoint <= 0xDFFF) {
            return fail(escapeStart, "lone low surrogate in \\u escape");
        }
        if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
            if (!startsWith("\\u")) {
                return fail(escapeStart, "lone high surrogate in \\u escape");
            }
            m_pos += 2;
            const long second = readHex4();
            if (second < 0) {
                return fail(m_pos - 2, "\\u must be followed by four hex digits");
            }
            if (second < 0xDC00 || second > 0xDFFF) {
                return fail(escapeStart, "lone high surrogate in \\u escape");
            }
            codePoint = 0x10000 + ((codePoint - 0xD800) << 10) +
                        (static_cast<std::uint32_t>(second) - 0xDC00);
        }
        detail::appendUtf8(out, codePoint);
        return true;
    }

    bool parseString(std::string& out) {
        const std::size_t start = m_pos;
        ++m_pos;  // opening quote
        while (true) {
            if (atEnd()) {
                return fail(start, "unterminated string");
            }
            const auto byte = static_cast<unsigned char>(peek());
            if (byte == '"') {
                ++m_pos;
                return true;
            }
            if (byte == '\\') {
                if (!parseEscape(out)) {
                    return false;
                }
            } else if (byte < 0x20) {
                return fail(m_pos, "control characters in strings must be escaped");
            } else if (byte < 0x80) {
                out += static_cast<char>(byte);
                ++m_pos;
            } else {
                const std::size_t length = detail::utf8SequenceLength(m_text, m_pos);
                if (length == 0) {
                    return fail(m_pos, "invalid UTF-8");
                }
                out.append(m_text.substr(m_pos, length));
                m_pos += length;
            }
        }
    }

    bool parseEscape(std::string& out) {
        const std::size_t escapeStart = m_pos;
        ++m_pos;  // backslash
        if (atEnd()) {
            return fail(escapeStart, "unterminated escape sequence");
        }
        const char kind = peek();
        ++m_pos;
        switch (kind) {
            case '"':
                out += '"';
                return true;
            case '\\':
                out += '\\';
                return true;
            case '/':
                out += '/';
                return true;
            case 'b':
                out += '\b';
                return true;
            case 'f':
                out += '\f';
                return true;
            case 'n':
                out += '\n';
                return true;
            case 'r':
                out += '\r';
                return true;
            case 't':
                out += '\t';
                return true;
            case 'u':
                return parseUnicodeEscape(out, escapeStart);
            default:
                return fail(escapeStart, "invalid escape sequence");
        }
    }

    bool parseArray(Json& out, std::size_t depth) {
        if (depth > kMaxJsonDepth) {
            return fail(m_pos, "nesting is deeper than 64 levels");
        }
        ++m_pos;  // '['
        std::vector<Json> items;
        skipWhitespace();
        if (!atEnd() && peek() == ']') {
            ++m_pos;
            out = Json::makeArray(std::move(items));
            return true;
        }
        while (true) {
            Json item;
            if (!parseValue(item, depth)) {
                return false;
            }
            items.push_back(std::move(item));
            skipWhitespace();
            if (atEnd()) {
                return fail(m_pos, "unexpected end of input, expected ',' or ']'");
            }
            if (peek() == ']') {
                ++m_pos;
                break;
            }
            if (peek() != ',') {
                return fail(m_pos, "expected ',' or ']'");
            }
            ++m_pos;
            skipWhitespace();
            if (!atEnd() && peek() == ']') {
                return fail(m_pos, "trailing comma is not allowed");
            }
        }
        out = Json::makeArray(std::move(items));
        return true;
    }

    bool parseObject(Json& out, std::size_t depth) {
        if (depth > kMaxJsonDepth) {
            return fail(m_pos, "nesting is deeper than 64 levels");
        }
        ++m_pos;  // '{'
        std::vector<Json::Member> members;
        std::vector<std::size_t> keyOffsets;
        skipWhitespace();
        if (!atEnd() && peek() == '}') {
            ++m_pos;
            out = Json::makeObject(std::move(members));
            return true;
        }
        while (true) {
            skipWhitespace();
            if (atEnd()) {
                return fail(m_pos, "unexpected end of input, expected a string key");
            }
            if (peek() != '"') {
                if (peek() == '}') {
                    return fail(m_pos, "trailing comma is not allowed");
                }
                if (peek() == '\'') {
                    return fail(m_pos, "strings must use double quotes");
                }
                return fail(m_pos, "expected a string key");
            }
            const std::size_t keyOffset = m_pos;
            std::string key;
            if (!parseString(key)) {
                return false;
            }
            skipWhitespace();
            if (atEnd() || peek() != ':') {
                return fail(m_pos, "expected ':'");
            }
            ++m_pos;
            Json value;
            if (!parseValue(value, depth)) {
                return false;
            }
            members.emplace_back(std::move(key), std::move(value));
            keyOffsets.push_back(keyOffset);
            skipWhitespace();
            if (atEnd()) {
                return fail(m_pos, "unexpected end of input, expected ',' or '}'");
            }
            if (peek() == '}') {
                ++m_pos;
                break;
            }
            if (peek() != ',') {
                return fail(m_pos, "expected ',' or '}'");
            }
            ++m_pos;
        }
        if (const std::optional<std::size_t> duplicate = findDuplicateKey(members, keyOffsets)) {
            return fail(*duplicate, "duplicate object key");
        }
        out = Json::makeObject(std::move(members));
        return true;
    }

    // Offset of the earliest key that repeats an earlier key, if any; n log n.
    static std::optional<std::size_t> findDuplicateKey(const std::vector<Json::Member>& members,
                                                       const std::vector<std::size_t>& offsets) {
        if (members.size() < 2) {
            return std::nullopt;
        }
        std::vector<std::size_t> order(members.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return members[a].first < members[b].first;
        });
        std::optional<std::size_t> earliest;
        for (std::size_t i = 1; i < order.size(); ++i) {
            if (members[order[i]].first == members[order[i - 1]].first) {
                const std::size_t offset = offsets[order[i]];
                if (!earliest || offset < *earliest) {
                    earliest = offset;
                }
            }
        }
        return earliest;
    }

    std::string_view m_text;
    std::string& m_error;
    std::size_t m_pos = 0;
};

}  // namespace

Json Json::makeNull() {
    return Json{};
}

Json Json::makeBool(bool value) {
    Json json;
    json.m_type = Type::Bool;
    json.m_bool = value;
    return json;
}

Json Json::makeNumber(std::int64_t value) {
    return makeNumberText(std::to_string(value));
}

Json Json::makeNumberText(std::string lexeme) {
    Json json;
    json.m_type = Type::Number;
    json.m_text = std::move(lexeme);
    return json;
}

Json Json::makeString(std::string value) {
    Json json;
    json.m_type = Type::String;
    json.m_text = std::move(value);
    return json;
}

Json Json::makeArray(std::vector<Json> items) {
    Json json;
    json.m_type = Type::Array;
    json.m_items = std::move(items);
    return json;
}

Json Json::makeObject(std::vector<Member> members) {
    Json json;
    json.m_type = Type::Object;
    json.m_members = std::move(members);
    return json;
}

const std::string& Json::numberText() const {
    return m_type == Type::Number ? m_text : emptyString();
}

const std::string& Json::asString() const {
    return m_type == Type::String ? m_text : emptyString();
}

const std::vector<Json>& Json::items() const {
    return m_type == Type::Array ? m_items : emptyItems();
}

const std::vector<Json::Member>& Json::members() const {
    return m_type == Type::Object ? m_members : emptyMembers();
}

const Json* Json::find(std::string_view key) const {
    if (m_type != Type::Object) {
        return nullptr;
    }
    for (const auto& [name, value] : m_members) {
        if (name == key) {
            return &value;
        }
    }
    return nullptr;
}

std::optional<Json> parseJson(std::string_view text, std::string& error) {
    return Parser(text, error).run();
}

std::string jsonQuote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    appendEscaped(out, text);
    out += '"';
    return out;
}

std::string toJsonText(const Json& value) {
    std::string out;
    appendJson(out, value);
    return out;
}

void JsonWriter::beforeValue() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasItems.empty()) {
        if (m_hasItems.back()) {
            m_out += ',';
        }
        m_hasItems.back() = true;
    }
}

JsonWriter& JsonWriter::beginObject() {
    beforeValue();
    m_out += '{';
    m_hasItems.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endObject() {
    m_out += '}';
    if (!m_hasItems.empty()) {
        m_hasItems.pop_back();
    }
    return *this;
}

JsonWriter& JsonWriter::beginArray() {
    beforeValue();
    m_out += '[';
    m_hasItems.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endArray() {
    m_out += ']';
    if (!m_hasItems.empty()) {
        m_hasItems.pop_back();
    }
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    beforeValue();
    m_out += '"';
    appendEscaped(m_out, name);
    m_out += "\":";
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
    beforeValue();
    m_out += '"';
    appendEscaped(m_out, value);
    m_out += '"';
    return *this;
}

JsonWriter& JsonWriter::number(std::int64_t value) {
    beforeValue();
    m_out += std::to_string(value);
    return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
    beforeValue();
    m_out += value ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null() {
    beforeValue();
    m_out += "null";
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view alreadyJson) {
    beforeValue();
    m_out += alreadyJson;
    return *this;
}

JsonWriter& JsonWriter::value(const Json& json) {
    beforeValue();
    appendJson(m_out, json);
    return *this;
}

JsonWriter& JsonWriter::field(std::string_view name, std::string_view value) {
    return key(name).string(value);
}

JsonWriter& JsonWriter::field(std::string_view name, std::int64_t value) {
    return key(name).number(value);
}

JsonWriter& JsonWriter::fieldBool(std::string_view name, bool value) {
    return key(name).boolean(value);
}

JsonWriter& JsonWriter::fieldNull(std::string_view name) {
    return key(name).null();
}

std::string JsonWriter::take() {
    std::string result = std::move(m_out);
    m_out.clear();
    m_hasItems.clear();
    m_afterKey = false;
    return result;
}

}  // namespace shop::domain
