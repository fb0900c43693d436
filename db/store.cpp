// Store::open: the one place that picks the inventory's database.
#include "db/store.h"

#include "db/sqlite_inventory.h"

#include "base/error.h"

namespace pkitool::db {

Store Store::open(const std::filesystem::path& path, Open mode) { return Store(SqliteInventory::open(path, mode)); }

Store Store::open(const Location& where, Open mode, const std::string& ca_sha256) {
    if (std::holds_alternative<PostgresDatabase>(where)) throw Error(to_string(where) + ": PostgreSQL inventories are not built in yet");  // transitional, until the backend lands
    auto store = open(std::get<SqliteFile>(where).path, mode);
    if (mode == Open::CreateNew) store.set_ca_fingerprint(ca_sha256);
    return store;
}

void Store::backup(const std::filesystem::path& to) const { inventory_->backup(to); }

}  // namespace pkitool::db
