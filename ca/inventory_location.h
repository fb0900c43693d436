// Where a CA directory's inventory is (issue #14): DIR/pkitool.db, or the PostgreSQL database
// DIR/inventory.url names (one line, a libpq connection string without password), which CA
// directories on several hosts share. PKITOOL_DB, when set, overrides both for every command.
#pragma once

#include "db/location.h"

#include <filesystem>
#include <optional>
#include <string>

namespace pkitool::ca {

struct Layout;

// "sqlite" (DIR/pkitool.db) or a PostgreSQL connection string; Error (usage) otherwise.
db::Location parse_location(const std::string& text, const Layout& layout);
// PKITOOL_DB, parsed, when it is set and not empty.
std::optional<db::Location> location_override(const Layout& layout);
// What the directory records, ignoring PKITOOL_DB.
db::Location recorded_location(const Layout& layout);
// What commands use: PKITOOL_DB, else the directory's record.
db::Location inventory_location(const Layout& layout);
// Records `where` in the directory: DIR/inventory.url for PostgreSQL (written atomically), none for
// SQLite (the file is then removed).
void record_location(const Layout& layout, const db::Location& where);

}  // namespace pkitool::ca
