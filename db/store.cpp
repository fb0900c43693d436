// Store::open: the one place that picks the inventory's database.
#include "db/store.h"

#include "db/postgres_inventory.h"
#include "db/sqlite_inventory.h"

namespace pkitool::db {

Store Store::open(const std::filesystem::path& path, Open mode) { return Store(SqliteInventory::open(path, mode)); }

Store Store::open(const Location& where, Open mode, const std::string& ca_sha256) {
    if (const auto* pg = std::get_if<PostgresDatabase>(&where)) return Store(PostgresInventory::open(*pg, mode, ca_sha256));
    auto store = open(std::get<SqliteFile>(where).path, mode);
    if (mode == Open::CreateNew) store.set_ca_fingerprint(ca_sha256);
    return store;
}

void Store::backup(const std::filesystem::path& to) const { inventory_->backup(to); }

}  // namespace pkitool::db
