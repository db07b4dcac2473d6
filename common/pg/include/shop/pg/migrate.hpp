#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "shop/pg/connection.hpp"
#include "shop/pg/errors.hpp"

namespace shop::pg {

/// A migration could not be applied: a badly named or unreadable file, a file edited after it
/// was applied, or a statement in it failed (SQLSTATE kept, file name and line in the message).
class MigrationError final : public Error {
  public:
    using Error::Error;
};

/// Applies the not yet applied migration files of `dir` in lexical order and returns their
/// versions (the file names without `.sql`, e.g. "0002_add_outbox").
///
/// Files are named `NNNN_name.sql` (four digits, then letters, digits, `_` or `-`); hidden
/// files and `*.md` are ignored, anything else is rejected before anything runs. Each file runs
/// in its own transaction together with its row in `schema_migrations` (version, checksum,
/// applied_at), so it is applied entirely or not at all. A session advisory lock is held for
/// the whole run: concurrent callers wait, then find nothing left to do. A file whose content
/// changed after it was applied, or two files with the same number, fail loudly.
///
/// `onApplied`, when given, is called with each version right after its transaction commits.
/// Throws MigrationError, or ConnectionLost / CommitInDoubt when the connection breaks (running
/// again is safe either way).
std::vector<std::string> applyMigrations(
    Connection& conn, const std::filesystem::path& dir,
    const std::function<void(const std::string& version)>& onApplied = {});

}  // namespace shop::pg
