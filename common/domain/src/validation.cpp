#include "shop/domain/validation.hpp"

#include <algorithm>
#include <utility>

#include "shop/domain/uuid.hpp"
#include "utf8.hpp"

namespace shop::domain {

namespace {

// Longest field name quoted back in an error message, in bytes.
constexpr std::size_t kMaxShownKeyBytes = 64;

std::string join(std::string_view key, std::string_view problem) {
    std::string message(key);
    message += ' ';
    message += problem;
    return message;
}

// A client-supplied field name made safe to echo: control characters and broken UTF-8 become
// '?', and long names are cut (on a character boundary) and marked with "...".
std::string displayKey(std::string_view key) {
    std::string shown;
    std::size_t pos = 0;
    while (pos < key.size()) {
        const auto byte = static_cast<unsigned char>(key[pos]);
        std::size_t length = detail::utf8SequenceLength(key, pos);
        if (shown.size() + std::max<std::size_t>(length, 1) > kMaxShownKeyBytes) {
            shown += "...";
            break;
        }
        if (length == 0 || byte < 0x20 || byte == 0x7F) {
            shown += '?';
            length = 1;
        } else {
            shown.append(key.substr(pos, length));
        }
        pos += length;
    }
    return shown;
}

}  // namespace

FieldReader::FieldReader(const Json& body) : m_body(&body) {
    if (!body.isObject()) {
        fail("request body must be a JSON object");
    }
}

void FieldReader::fail(std::string message) {
    if (m_error.empty()) {
        m_error = std::move(message);
    }
}

const Json* FieldReader::lookup(std::string_view key, bool required) {
    if (!ok()) {
        return nullptr;
    }
    const Json* value = m_body->find(key);
    if (value == nullptr || value->isNull()) {
        if (required) {
            fail(join(key, "is required"));
        }
        return nullptr;
    }
    return value;
}

std::optional<std::string> FieldReader::uuid(std::string_view key, bool required) {
    const Json* value = lookup(key, required);
    if (value == nullptr) {
        return std::nullopt;
    }
    std::optional<std::string> normalized;
    if (value->isString()) {
        normalized = normalizeUuid(value->asString());
    }
    if (!normalized) {
        fail(join(key, "must be a UUID"));
    }
    return normalized;
}

std::optional<Minor> FieldReader::money(std::string_view key, bool required, bool positive) {
    const Json* value = lookup(key, required);
    if (value == nullptr) {
        return std::nullopt;
    }
    std::string_view text;
    if (value->isNumber()) {
        text = value->numberText();
    } else if (value->isString()) {
        text = value->asString();
    } else {
        fail(join(key, "must be a number or a decimal string"));
        return std::nullopt;
    }
    std::string problem;
    const std::optional<Minor> amount = parseMoney(text, problem, key);
    if (!amount) {
        fail(std::move(problem));
        return std::nullopt;
    }
    if (positive && *amount == 0) {
        fail(join(key, "must be greater than 0"));
        return std::nullopt;
    }
    return amount;
}

std::optional<std::string> FieldReader::text(std::string_view key, bool required,
                                             std::size_t minChars, std::size_t maxChars) {
    const Json* value = lookup(key, required);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->isString()) {
        fail(join(key, "must be a string"));
        return std::nullopt;
    }
    const std::string& content = value->asString();
    std::size_t codePoints = 0;
    std::size_t pos = 0;
    while (pos < content.size()) {
        const auto byte = static_cast<unsigned char>(content[pos]);
        if (byte < 0x20 || byte == 0x7F) {
            fail(join(key, "must not contain control characters"));
            return std::nullopt;
        }
        const std::size_t length = detail::utf8SequenceLength(content, pos);
        if (length == 0) {
            // Only reachable for values built by hand: parseJson never produces bad UTF-8.
            fail(join(key, "must be valid UTF-8"));
            return std::nullopt;
        }
        pos += length;
        ++codePoints;
    }
    if (codePoints < minChars) {
        if (codePoints == 0) {
            fail(join(key, "must not be empty"));
        } else {
            fail(join(key, "must be at least " + std::to_string(minChars) + " characters"));
        }
        return std::nullopt;
    }
    if (codePoints > maxChars) {
        fail(join(key, "must be at most " + std::to_string(maxChars) + " characters"));
        return std::nullopt;
    }
    return content;
}

void FieldReader::allowOnly(std::initializer_list<std::string_view> keys) {
    if (!ok()) {
        return;
    }
    for (const auto& member : m_body->members()) {
        if (std::find(keys.begin(), keys.end(), member.first) == keys.end()) {
            fail("unknown field '" + displayKey(member.first) + "'");
            return;
        }
    }
}

}  // namespace shop::domain
