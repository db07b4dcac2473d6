#include "shop/pg/result.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <stdexcept>

#include "shop/pg/errors.hpp"

namespace shop::pg {

void Result::Deleter::operator()(PGresult* result) const noexcept {
    PQclear(result);
}

Result::Result(PGresult* result) noexcept : m_result(result) {}

int Result::rows() const noexcept {
    return m_result ? PQntuples(m_result.get()) : 0;
}

int Result::columns() const noexcept {
    return m_result ? PQnfields(m_result.get()) : 0;
}

std::int64_t Result::affected() const {
    if (!m_result) {
        return 0;
    }
    const std::string_view tuples = PQcmdTuples(m_result.get());
    std::int64_t count = 0;
    std::from_chars(tuples.data(), tuples.data() + tuples.size(), count);
    return count;
}

std::string_view Result::commandTag() const noexcept {
    if (!m_result) {
        return {};
    }
    const char* status = PQcmdStatus(m_result.get());
    return status == nullptr ? std::string_view{} : std::string_view{status};
}

int Result::column(std::string_view name) const {
    // Not PQfnumber: it case-folds and unquotes the name like an SQL identifier.
    for (int col = 0; col < columns(); ++col) {
        if (name == PQfname(m_result.get(), col)) {
            return col;
        }
    }
    throw std::out_of_range("result has no column named '" + std::string(name) + "'");
}

std::string_view Result::columnName(int col) const {
    checkColumn(col);
    return PQfname(m_result.get(), col);
}

void Result::checkColumn(int col) const {
    if (col < 0 || col >= columns()) {
        throw std::out_of_range("column " + std::to_string(col) + " out of range (result has " +
                                std::to_string(columns()) + " columns)");
    }
}

void Result::checkCell(int row, int col) const {
    checkColumn(col);
    if (row < 0 || row >= rows()) {
        throw std::out_of_range("row " + std::to_string(row) + " out of range (result has " +
                                std::to_string(rows()) + " rows)");
    }
}

bool Result::isNull(int row, int col) const {
    checkCell(row, col);
    return PQgetisnull(m_result.get(), row, col) != 0;
}

std::string_view Result::text(int row, int col) const {
    if (isNull(row, col)) {
        throw Error("unexpected NULL in column '" + std::string(PQfname(m_result.get(), col)) +
                    "'");
    }
    return {PQgetvalue(m_result.get(), row, col),
            static_cast<std::size_t>(PQgetlength(m_result.get(), row, col))};
}

std::optional<std::string> Result::optStr(int row, int col) const {
    if (isNull(row, col)) {
        return std::nullopt;
    }
    return str(row, col);
}

std::int64_t Result::int64(int row, int col) const {
    const std::string_view value = text(row, col);
    std::int64_t number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc{} || end != value.data() + value.size()) {
        throw Error("column '" + std::string(PQfname(m_result.get(), col)) +
                    "' does not hold a 64-bit integer");
    }
    return number;
}

std::optional<std::int64_t> Result::optInt64(int row, int col) const {
    if (isNull(row, col)) {
        return std::nullopt;
    }
    return int64(row, col);
}

bool Result::boolean(int row, int col) const {
    const std::string_view value = text(row, col);
    if (value == "t" || value == "true") {
        return true;
    }
    if (value == "f" || value == "false") {
        return false;
    }
    throw Error("column '" + std::string(PQfname(m_result.get(), col)) +
                "' does not hold a boolean");
}

}  // namespace shop::pg
