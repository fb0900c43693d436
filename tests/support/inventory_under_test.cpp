#include "tests/support/inventory_under_test.h"

#include "tests/support/postgres.h"

#include <botan/hex.h>

#include <random>
#include <stdexcept>

namespace pkitool::test {

namespace {

db::Location location_for(const std::string& backend, const TempDir& dir) {
    if (backend == "sqlite") return db::SqliteFile{dir / "pkitool.db"};
    if (backend == "postgresql") return db::PostgresDatabase::parse(shared_postgres().new_database());
    throw std::invalid_argument("unknown inventory backend " + backend);
}

// A made-up CA fingerprint: the rows of one test's CA.
std::string random_sha256() {
    std::random_device rd;
    std::vector<uint8_t> bytes(32);
    for (auto& b : bytes) b = static_cast<uint8_t>(rd());
    return Botan::hex_encode(bytes, false);
}

}  // namespace

InventoryUnderTest::InventoryUnderTest(std::string backend)
    : backend_(std::move(backend)), location_(location_for(backend_, dir_)), ca_(random_sha256()) {}

db::Store InventoryUnderTest::open_new() { return db::Store::open(location_, db::Store::Open::CreateNew, ca_); }

db::Store InventoryUnderTest::reopen() const { return db::Store::open(location_, db::Store::Open::Existing, ca_); }

}  // namespace pkitool::test
