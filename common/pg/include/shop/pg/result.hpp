#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct pg_result PGresult;

namespace shop::pg {

/// The result of one statement; owns the libpq PGresult. Move-only.
/// Accessors check bounds (std::out_of_range) and throw shop::pg::Error when a value is NULL
/// where one is required or does not parse as the requested type. Values are text format.
class Result final {
  public:
    Result() = default;
    explicit Result(PGresult* result) noexcept;

    int rows() const noexcept;
    int columns() const noexcept;
    bool empty() const noexcept { return rows() == 0; }

    /// Rows affected by INSERT/UPDATE/DELETE/MERGE/SELECT/... (PQcmdTuples); 0 when not reported.
    std::int64_t affected() const;

    /// The command tag, e.g. "INSERT 0 1", "COMMIT", "ROLLBACK".
    std::string_view commandTag() const noexcept;

    /// The index of the column named exactly `name` (case-sensitive); throws std::out_of_range.
    int column(std::string_view name) const;
    std::string_view columnName(int col) const;

    bool isNull(int row, int col) const;
    /// The raw text of a non-NULL value; valid while this Result lives.
    std::string_view text(int row, int col) const;
    std::string str(int row, int col) const { return std::string(text(row, col)); }
    std::optional<std::string> optStr(int row, int col) const;
    std::int64_t int64(int row, int col) const;
    std::optional<std::int64_t> optInt64(int row, int col) const;
    /// Accepts the server's "t"/"f" (and "true"/"false").
    bool boolean(int row, int col) const;

    bool isNull(int row, std::string_view name) const { return isNull(row, column(name)); }
    std::string_view text(int row, std::string_view name) const { return text(row, column(name)); }
    std::string str(int row, std::string_view name) const { return str(row, column(name)); }
    std::optional<std::string> optStr(int row, std::string_view name) const {
        return optStr(row, column(name));
    }
    std::int64_t int64(int row, std::string_view name) const { return int64(row, column(name)); }
    std::optional<std::int64_t> optInt64(int row, std::string_view name) const {
        return optInt64(row, column(name));
    }
    bool boolean(int row, std::string_view name) const { return boolean(row, column(name)); }

    PGresult* raw() const noexcept { return m_result.get(); }

  private:
    struct Deleter {
        void operator()(PGresult* result) const noexcept;
    };
    void checkColumn(int col) const;
    void checkCell(int row, int col) const;

    std::unique_ptr<PGresult, Deleter> m_result;
};

}  // namespace shop::pg
