// Where a CA's inventory lives (issue #14): its SQLite file, or a PostgreSQL database that CA
// directories on several hosts share.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

namespace pkitool::db {

struct SqliteFile {
    std::filesystem::path path;
};

// A libpq connection URI or keyword/value string (https://www.postgresql.org/docs/15/libpq-connect.html
// §34.1.1). Never a password: those come from ~/.pgpass, PGPASSFILE, PGPASSWORD or passfile=.
class PostgresDatabase {
public:
    // Error (usage) when `conninfo` does not parse, is not PostgreSQL's, or holds a password.
    static PostgresDatabase parse(const std::string& conninfo);
    const std::string& conninfo() const { return conninfo_; }

private:
    explicit PostgresDatabase(std::string c) : conninfo_(std::move(c)) {}
    std::string conninfo_;
};

using Location = std::variant<SqliteFile, PostgresDatabase>;

// How a location is written in DIR/inventory.url and shown: the file path, or the conninfo.
std::string to_string(const Location& where);

}  // namespace pkitool::db
