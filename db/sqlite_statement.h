// One prepared SQLite statement, for every SQLite file pkitool keeps (the inventory, emulate's
// --state): values only ever bound, never spliced into SQL; every failure an Error naming the file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::db {

class SqliteStatement {
public:
    // Prepares `sql`; `where` names the database file in errors.
    SqliteStatement(sqlite3* db, const char* sql, const std::string& where);
    // A statement its owner keeps prepared: reset and unbound when done, finalized by the owner.
    SqliteStatement(sqlite3* db, sqlite3_stmt* kept, const std::string& where) : db_(db), where_(where), stmt_(kept), owned_(false) {}
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(int i, const std::string& v);
    void bind(int i, int64_t v);
    // An empty vector is a zero-length blob, never NULL (sqlite3_bind_blob turns a null pointer into NULL).
    void bind(int i, const std::vector<uint8_t>& v);
    void bind(int i, const std::optional<std::string>& v);  // NULL when empty
    void bind_null(int i);
    // A named parameter (":now"), when the statement has it: SQL built from the filters given
    // holds only their parameters.
    template <typename T>
    void bind_if_present(const char* name, const T& v) {
        if (const int i = sqlite3_bind_parameter_index(stmt_, name); i > 0) bind(i, v);
    }

    // SQLITE_ROW, SQLITE_DONE or SQLITE_CONSTRAINT (for the caller to decide); Error otherwise.
    int step();
    // Runs a statement that returns no rows, then makes it ready for the next values; a
    // constraint failure is an Error here.
    void run();

    std::string text(int col) const;
    std::optional<std::string> optional_text(int col) const;  // empty for NULL
    int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    std::vector<uint8_t> blob(int col) const;

private:
    void check(int rc);
    sqlite3* db_;
    std::string where_;
    sqlite3_stmt* stmt_ = nullptr;
    bool owned_ = true;
};

}  // namespace pkitool::db
