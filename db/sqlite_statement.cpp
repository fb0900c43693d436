#include "db/sqlite_statement.h"

#include "base/error.h"

namespace pkitool::db {

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql, const std::string& where) : db_(db), where_(where) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) throw Error(where_ + ": database error: " + sqlite3_errmsg(db));
}

SqliteStatement::~SqliteStatement() {
    if (owned_) {
        sqlite3_finalize(stmt_);
    } else {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

void SqliteStatement::bind(int i, const std::string& v) { check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT)); }
void SqliteStatement::bind(int i, int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
void SqliteStatement::bind(int i, const std::vector<uint8_t>& v) {
    check(v.empty() ? sqlite3_bind_zeroblob(stmt_, i, 0) : sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
}
void SqliteStatement::bind(int i, const std::optional<std::string>& v) {
    if (v) bind(i, *v);
    else bind_null(i);
}
void SqliteStatement::bind_null(int i) { check(sqlite3_bind_null(stmt_, i)); }

int SqliteStatement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return rc;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return SQLITE_CONSTRAINT;
    if ((rc & 0xff) == SQLITE_BUSY) throw Error(where_ + ": database is locked by another pkitool process", "try again when it has finished");
    throw Error(where_ + ": database error: " + sqlite3_errmsg(db_));
}

void SqliteStatement::run() {
    if (step() == SQLITE_CONSTRAINT) throw Error(where_ + ": database error: " + sqlite3_errmsg(db_));
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::optional<std::string> SqliteStatement::optional_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
}

std::vector<uint8_t> SqliteStatement::blob(int col) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
    return p ? std::vector<uint8_t>(p, p + sqlite3_column_bytes(stmt_, col)) : std::vector<uint8_t>();
}

void SqliteStatement::check(int rc) {
    if (rc != SQLITE_OK) throw Error(where_ + ": database error: " + sqlite3_errmsg(db_));
}

}  // namespace pkitool::db
