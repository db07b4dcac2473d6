#include "shop/pg/errors.hpp"

#include <typeinfo>

namespace shop::pg {
namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// Data errors often echo the offending input (`invalid input syntax for type uuid: "..."`),
// which may be a parameter value: replace every double-quoted part.
std::string redactQuoted(std::string_view message) {
    std::string out;
    out.reserve(message.size());
    bool inQuotes = false;
    for (const char c : message) {
        if (c == '"') {
            if (inQuotes) {
                out += "...\"";
            } else {
                out += '"';
            }
            inQuotes = !inQuotes;
        } else if (!inQuotes) {
            out += c;
        }
    }
    if (inQuotes) {
        out += "...";
    }
    return out;
}

}  // namespace

Error::Error(const std::string& message, std::string sqlstate, int position)
    : std::runtime_error(message), m_sqlstate(std::move(sqlstate)), m_position(position) {}

IntegrityViolation::IntegrityViolation(const std::string& message, std::string sqlstate,
                                       std::string constraint)
    : Error(message, std::move(sqlstate)), m_constraint(std::move(constraint)) {}

bool isTransient(const Error& error) noexcept {
    if (dynamic_cast<const ConnectionLost*>(&error) != nullptr ||
        dynamic_cast<const SerializationFailure*>(&error) != nullptr ||
        dynamic_cast<const DeadlockDetected*>(&error) != nullptr ||
        dynamic_cast<const PoolTimeout*>(&error) != nullptr) {
        return true;
    }
    if (dynamic_cast<const CommitInDoubt*>(&error) != nullptr) {
        return false;
    }
    const std::string& state = error.sqlstate();
    return state == "40001" || state == "40P01" || state == "57P01" || state == "57P02" ||
           state == "57P03";
}

void throwForSqlstate(std::string_view sqlstate, std::string_view message, std::string constraint,
                      int position) {
    const std::string state(sqlstate);
    std::string text = startsWith(sqlstate, "22") ? redactQuoted(message) : std::string(message);
    if (!state.empty()) {
        text += " (SQLSTATE " + state + ")";
    }
    if (state == "23505") {
        throw UniqueViolation(text, state, std::move(constraint));
    }
    if (state == "23503") {
        throw ForeignKeyViolation(text, state, std::move(constraint));
    }
    if (state == "23514") {
        throw CheckViolation(text, state, std::move(constraint));
    }
    if (state == "23502") {
        throw NotNullViolation(text, state, std::move(constraint));
    }
    if (startsWith(state, "23")) {
        throw IntegrityViolation(text, state, std::move(constraint));
    }
    if (state == "40001") {
        throw SerializationFailure(text, state, position);
    }
    if (state == "40P01") {
        throw DeadlockDetected(text, state, position);
    }
    if (state == "57014") {
        throw QueryCanceled(text, state, position);
    }
    if (startsWith(state, "22")) {
        throw DataError(text, state, position);
    }
    if (startsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03" ||
        state == "25006") {
        throw ConnectionLost(text, state, position);
    }
    throw Error(text, state, position);
}

}  // namespace shop::pg
