// One new CA inventory on the backend a store test runs against (issue #14: the whole inventory
// suite runs on SQLite and on PostgreSQL). Use with
//   const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
//   test::InventoryUnderTest inv(backend); auto s = inv.open_new();
#pragma once

#include "db/store.h"
#include "tests/support/cli.h"

#include <string>

namespace pkitool::test {

class InventoryUnderTest {
public:
    explicit InventoryUnderTest(std::string backend);
    db::Store open_new();                  // CreateNew: DIR/pkitool.db, or a new database on the test server
    db::Store reopen() const;              // Existing: the same inventory again
    const std::string& backend() const { return backend_; }
    const db::Location& location() const { return location_; }
    const std::string& ca_sha256() const { return ca_; }
    bool postgres() const { return backend_ == "postgresql"; }

private:
    std::string backend_;
    TempDir dir_;
    db::Location location_;
    std::string ca_;
};

}  // namespace pkitool::test
