// The inventory, on SQLite and PostgreSQL: schema version, uniqueness of serials, transactions, derived status, queries.
#include "db/store.h"
#include "base/error.h"
#include "tests/support/cli.h"
#include "tests/support/inventory_under_test.h"

#include <catch2/catch.hpp>

#include <sqlite3.h>

using namespace pkitool;
using namespace std::chrono;

namespace {

db::CertificateRecord row(const std::string& serial_hex, const std::string& subject, db::Time not_after) {
    return db::CertificateRecord{issue::Serial::parse(serial_hex), subject, "", not_after - days(365), not_after, "rolesanywhere-client",
                                 "ab", {1, 2, 3}, not_after - days(365), std::nullopt};
}

db::Time now_s() { return floor<seconds>(system_clock::now()); }

std::vector<db::CertificateRecord> listed(const db::Store& s, const db::Query& q) {
    std::vector<db::CertificateRecord> out;
    const auto n = s.list(q, [&](const db::CertificateRecord& r) { out.push_back(r); });
    CHECK(n == out.size());
    return out;
}

}  // namespace

TEST_CASE("store: a new database gets the current schema, reopening keeps rows", "[db]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    {
        auto s = inv.open_new();
        CHECK(s.schema_version() >= 1);
        CHECK(s.insert(row("01", "CN=a", now_s() + days(10))));
    }
    auto s = inv.reopen();
    CHECK(s.count() == 1);
    const auto r = s.find(issue::Serial::parse("01"));
    REQUIRE(r);
    CHECK(r->subject == "CN=a");
    CHECK(r->der == std::vector<uint8_t>{1, 2, 3});
    CHECK_THROWS_WITH(inv.open_new(), Catch::Contains("already"));
}

TEST_CASE("store: an SQLite inventory is a file that must exist, or must not", "[db]") {
    test::TempDir t;
    const auto path = t / "pkitool.db";
    { auto s = db::Store::open(path, db::Store::Open::CreateNew); }
    CHECK_THROWS_WITH(db::Store::open(t / "missing.db", db::Store::Open::Existing), Catch::Contains("no inventory database here"));
    CHECK_THROWS_WITH(db::Store::open(path, db::Store::Open::CreateNew), Catch::Contains("already exists"));
}

TEST_CASE("store: serials are unique per CA (the insert reports the clash)", "[db]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto s = inv.open_new();
    CHECK(s.insert(row("0A", "CN=a", now_s() + days(10))));
    CHECK_FALSE(s.insert(row("0a", "CN=b", now_s() + days(10))));
    CHECK(s.count() == 1);
}

TEST_CASE("store: a transaction that is not committed leaves nothing", "[db]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto s = inv.open_new();
    {
        db::Store::Transaction tx(s);
        CHECK(s.insert(row("01", "CN=a", now_s() + days(10))));
    }
    CHECK(s.count() == 0);
    {
        db::Store::Transaction tx(s);
        CHECK(s.insert(row("01", "CN=a", now_s() + days(10))));
        tx.commit();
    }
    CHECK(s.count() == 1);
}

TEST_CASE("store: status is derived, filters by status, expiry window and subject", "[db]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto s = inv.open_new();
    const auto now = now_s();
    REQUIRE(s.insert(row("01", "CN=soon,O=Example", now + days(5))));
    REQUIRE(s.insert(row("02", "CN=later", now + days(100))));
    REQUIRE(s.insert(row("03", "CN=gone", now - days(1))));
    db::Query all;
    all.now = now;
    const auto rows = listed(s, all);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].serial.hex() == "03");  // soonest expiry first
    CHECK(rows[0].status(now) == db::Status::Expired);
    CHECK(rows[1].status(now) == db::Status::Valid);

    db::Query expiring = all;
    expiring.expiring_within = days(30);
    const auto soon = listed(s, expiring);
    REQUIRE(soon.size() == 1);  // expired ones are not "expiring"
    CHECK(soon[0].serial.hex() == "01");

    db::Query expired = all;
    expired.status = db::Status::Expired;
    CHECK(listed(s, expired).size() == 1);
    db::Query valid = all;
    valid.status = db::Status::Valid;
    CHECK(listed(s, valid).size() == 2);

    db::Query subject = all;
    subject.subject_pattern = "example";
    CHECK(listed(s, subject).size() == 1);
    // Pattern text is data, never SQL.
    subject.subject_pattern = "' OR 1=1 --";
    CHECK(listed(s, subject).empty());
}

TEST_CASE("store: a database from a newer pkitool is refused", "[db]") {
    test::TempDir t;
    const auto path = t / "pkitool.db";
    { auto s = db::Store::open(path, db::Store::Open::CreateNew); }
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version=999", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    CHECK_THROWS_WITH(db::Store::open(path, db::Store::Open::Existing), Catch::Contains("newer than this pkitool understands"));
}
