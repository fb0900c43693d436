// The inventory at scale (issue #13): listings served by indexes (SQLite's own EXPLAIN QUERY PLAN
// is the oracle), streamed without the DER, and counts kept by triggers that agree with a full
// count of the rows whoever writes them.
#include "db/store.h"
#include "tests/support/cli.h"
#include "tests/support/inventory_under_test.h"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

using namespace pkitool;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

db::Time at(int64_t s) { return db::Time(seconds(s)); }

db::CertificateRecord row(const std::string& serial_hex, const std::string& subject, db::Time not_after,
                          std::optional<db::Revocation> revocation = std::nullopt) {
    return db::CertificateRecord{issue::Serial::parse(serial_hex), subject, "", not_after - days(365), not_after, "rolesanywhere-client",
                                 "ab", {0x30, 0x03, 1, 2, 3}, not_after - days(365), revocation};
}

std::string joined(const std::vector<std::string>& steps) {
    std::string out;
    for (const auto& s : steps) out += s + "\n";
    return out;
}

// No step reads the whole table: "SCAN certificates" alone is a full scan; a scan of an index is not.
void check_no_table_scan(const std::vector<std::string>& steps) {
    INFO(joined(steps));
    for (const auto& s : steps) {
        const bool table_scan = (s == "SCAN certificates" || s.rfind("SCAN certificates ", 0) == 0) && s.find(" INDEX ") == std::string::npos;
        CHECK_FALSE(table_scan);
    }
}

bool has_step(const std::vector<std::string>& steps, const std::string& prefix) {
    return std::any_of(steps.begin(), steps.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

// The counts as the full scan of schema v4 made them: the oracle.
db::Store::Counts scanned(const fs::path& path, db::Time now) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw,
                               "SELECT COALESCE(SUM(revoked_at IS NULL AND superseded_by IS NULL AND not_after >= ?1), 0), COALESCE(SUM(revoked_at IS NOT NULL), 0),"
                               " COALESCE(SUM(revoked_at IS NULL AND superseded_by IS NULL AND not_after < ?1), 0),"
                               " COALESCE(SUM(revoked_at IS NULL AND superseded_by IS NOT NULL), 0) FROM certificates",
                               -1, &s, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(s, 1, now.time_since_epoch().count());
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    db::Store::Counts c{static_cast<size_t>(sqlite3_column_int64(s, 0)), static_cast<size_t>(sqlite3_column_int64(s, 1)),
                        static_cast<size_t>(sqlite3_column_int64(s, 2)), static_cast<size_t>(sqlite3_column_int64(s, 3))};
    sqlite3_finalize(s);
    sqlite3_close(raw);
    return c;
}

void raw_sql(const fs::path& path, const std::string& sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err);
    INFO(sql << ": " << (err ? err : ""));
    sqlite3_free(err);
    sqlite3_close(raw);
    REQUIRE(rc == SQLITE_OK);
}

void check_counts(const db::Store& s, const fs::path& path, db::Time now) {
    const auto got = s.counts(now);
    const auto want = scanned(path, now);
    INFO("at " << now.time_since_epoch().count());
    CHECK(got.valid == want.valid);
    CHECK(got.revoked == want.revoked);
    CHECK(got.expired == want.expired);
    CHECK(got.superseded == want.superseded);
}

}  // namespace

TEST_CASE("store: every listing filter is served by an index, never a scan of the table", "[db][index]") {
    test::TempDir t;
    auto s = db::Store::open(t / "pkitool.db", db::Store::Open::CreateNew);
    db::Query q;
    q.expiring_within = days(30);
    auto steps = s.plan(q);
    check_no_table_scan(steps);
    CHECK(has_step(steps, "SEARCH certificates USING INDEX certificates_not_after (not_after>? AND not_after<?)"));

    for (const auto status : {db::Status::Valid, db::Status::Expired}) {
        db::Query by_status;
        by_status.status = status;
        steps = s.plan(by_status);
        check_no_table_scan(steps);
        CHECK(has_step(steps, "SEARCH certificates USING INDEX certificates_not_after"));
    }
    db::Query revoked;
    revoked.status = db::Status::Revoked;
    steps = s.plan(revoked);
    check_no_table_scan(steps);
    CHECK(has_step(steps, "SEARCH certificates USING INDEX certificates_revoked_at"));

    // A substring cannot use a B-tree order, but it can read the narrow subject index instead of
    // the table, whose rows hold the DER.
    db::Query subject;
    subject.subject_pattern = "vm-0";
    steps = s.plan(subject);
    check_no_table_scan(steps);
    CHECK(has_step(steps, "SCAN certificates USING COVERING INDEX certificates_subject"));
    subject.expiring_within = days(30);
    check_no_table_scan(s.plan(subject));

    // Everything, in expiry order: the index gives the order, no sort of the whole table.
    steps = s.plan(db::Query{});
    check_no_table_scan(steps);
    CHECK(has_step(steps, "SCAN certificates USING INDEX certificates_not_after"));

    // ca show's counts: the buckets by their key and the rows of one bucket by the expiry index.
    steps = s.counts_plan(at(1'760'000'000));
    check_no_table_scan(steps);
    CHECK(has_step(steps, "SEARCH certificates USING INDEX certificates_not_after (not_after>? AND not_after<?)"));
    CHECK(has_step(steps, "SEARCH certificate_counts USING INTEGER PRIMARY KEY (rowid>?)"));
    CHECK(has_step(steps, "SEARCH certificate_counts USING INTEGER PRIMARY KEY (rowid<?)"));
}

TEST_CASE("store: listings stream rows without the DER, which find() still reads", "[db][index]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto s = inv.open_new();
    const auto now = at(1'760'000'000);
    REQUIRE(s.insert(row("81", "CN=100%_done,O=Example", now + days(5))));
    REQUIRE(s.insert(row("82", "CN=100xxdone,O=EXAMPLE", now + days(6))));
    REQUIRE(s.insert(row("83", "CN=back\\slash", now + days(7))));
    REQUIRE(s.insert(row("84", "CN=Zürich", now + days(8))));
    REQUIRE(s.insert(row("85", "CN=gone", now - days(1))));
    db::Query q;
    q.now = now;
    std::vector<std::string> order;
    CHECK(s.list(q, [&](const db::CertificateRecord& r) {
        CHECK(r.der.empty());
        order.push_back(r.serial.hex());
    }) == 5);
    CHECK(order == std::vector<std::string>{"85", "81", "82", "83", "84"});
    CHECK(s.find(issue::Serial::parse("81"))->der == std::vector<uint8_t>{0x30, 0x03, 1, 2, 3});

    const auto matching = [&](const std::string& pattern) {
        db::Query p = q;
        p.subject_pattern = pattern;
        std::vector<std::string> out;
        s.list(p, [&](const db::CertificateRecord& r) { out.push_back(r.serial.hex()); });
        return out;
    };
    // LIKE's wildcards in the pattern are text; ASCII letters fold, others do not (as lower() did).
    CHECK(matching("0%_") == std::vector<std::string>{"81"});
    CHECK(matching("_") == std::vector<std::string>{"81"});
    CHECK(matching("example") == std::vector<std::string>{"81", "82"});
    CHECK(matching("k\\s") == std::vector<std::string>{"83"});
    CHECK(matching("ZÜRICH").empty());
    CHECK(matching("zürich") == std::vector<std::string>{"84"});
    // Filters combine.
    db::Query both = q;
    both.subject_pattern = "done";
    both.expiring_within = days(5);
    std::vector<std::string> out;
    s.list(both, [&](const db::CertificateRecord& r) { out.push_back(r.serial.hex()); });
    CHECK(out == std::vector<std::string>{"81"});
    // A callback that throws stops the listing and leaves the store usable.
    CHECK_THROWS(s.list(q, [](const db::CertificateRecord&) { throw std::runtime_error("stop"); }));
    CHECK(s.count() == 5);
    CHECK(s.insert(row("86", "CN=after", now + days(9))));
}

TEST_CASE("store: counts agree with a full count through inserts, revocations and writes by sqlite3", "[db][counts]") {
    test::TempDir t;
    const auto path = t / "pkitool.db";
    auto s = db::Store::open(path, db::Store::Open::CreateNew);
    // Around "now", inside its 18-hour bucket and across bucket edges, and far on either side.
    const int64_t now = 1'760'000'000, edge = (now >> 16) << 16;
    int serial = 0x100;
    const auto hex = [&] {
        char text[16];
        std::snprintf(text, sizeof text, "%04X", serial++);
        return std::string(text);
    };
    std::vector<int64_t> ends = {now - 1, now, now + 1, edge - 1, edge, edge + 65535, edge + 65536, now - 400 * 86400, now + 400 * 86400, 5, -86400 * 365};
    for (size_t i = 0; i < ends.size(); ++i) {
        for (int copy = 0; copy < 3; ++copy) {
            std::optional<db::Revocation> rev;
            if (copy == 2) rev = db::Revocation{at(now - 10), db::Reason::KeyCompromise};
            REQUIRE(s.insert(row(hex(), "CN=r" + std::to_string(i), at(ends[i]), rev)));
        }
    }
    for (const int64_t when : {now, now - 1, now + 1, edge, edge - 1, edge + 65536, now + 500 * 86400, int64_t{0}})
        check_counts(s, path, at(when));
    // Revocations through the store move a row from its status to revoked.
    CHECK(s.revoke(issue::Serial::parse("0100"), {at(now), db::Reason::Superseded}) == db::RevokeResult::Revoked);
    CHECK(s.revoke(issue::Serial::parse("0104"), {at(now), db::Reason::Superseded}) == db::RevokeResult::Revoked);
    check_counts(s, path, at(now));
    // Anyone's writes count: sqlite3 inserts, revokes, un-revokes, moves and deletes rows.
    raw_sql(path,
            "INSERT INTO certificates (serial, subject, not_before, not_after, profile, fingerprint, der, created_at)"
            " VALUES ('7F01', 'CN=raw', 0, 1760000000, 'p', '00', x'3000', 0), ('7F02', 'CN=raw', 0, 1700000000, 'p', '00', x'3000', 0);"
            "UPDATE certificates SET revoked_at = 1760000000 WHERE serial = '7F02';"
            "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL WHERE serial = '0102';"
            "UPDATE certificates SET not_after = not_after + 86400 * 800 WHERE serial IN ('0103', '0105');"
            "DELETE FROM certificates WHERE serial IN ('0106', '0108');");
    for (const int64_t when : {now, now - 1, now + 1, edge, now + 900 * 86400}) check_counts(s, path, at(when));
    // Renewals: a successor set through the store, by sqlite3, taken back, on a revoked row (which
    // stays revoked), and a superseded row revoked, moved and deleted.
    CHECK(s.set_superseded_by(issue::Serial::parse("0109"), issue::Serial::parse("010A")));
    CHECK(s.set_superseded_by(issue::Serial::parse("010C"), issue::Serial::parse("010D")));
    check_counts(s, path, at(now));
    raw_sql(path,
            "UPDATE certificates SET superseded_by = '7F01' WHERE serial IN ('010F', '0110', '0111', '0112');"
            "UPDATE certificates SET superseded_by = NULL WHERE serial = '010C';"
            "UPDATE certificates SET revoked_at = 1760000000 WHERE serial = '010F';"
            "UPDATE certificates SET not_after = not_after + 86400 * 800 WHERE serial = '0110';"
            "DELETE FROM certificates WHERE serial = '0111';");
    for (const int64_t when : {now, now - 1, now + 1, edge, now + 900 * 86400}) check_counts(s, path, at(when));
}

TEST_CASE("store: an older inventory gets its counts on migration", "[db][counts][migration]") {
    test::TempDir t;
    // The shipped v1 schema (migration 1 of store.cpp): valid, expired and revoked rows.
    const auto r = test::shell(
        "sqlite3 v1.db \"CREATE TABLE certificates (id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE, subject TEXT NOT NULL,"
        " sans TEXT NOT NULL DEFAULT '', not_before INTEGER NOT NULL, not_after INTEGER NOT NULL, profile TEXT NOT NULL,"
        " fingerprint TEXT NOT NULL, der BLOB NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER, revocation_reason TEXT);"
        " CREATE INDEX certificates_not_after ON certificates(not_after);"
        " CREATE INDEX certificates_subject ON certificates(subject COLLATE NOCASE);"
        " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
        " INSERT INTO certificates (serial, subject, not_before, not_after, profile, fingerprint, der, created_at, revoked_at)"
        " SELECT printf('7F%04X', i), 'CN=old', 0, 1760000000 + (i - 250) * 3600, 'p', '00', x'3000', 0,"
        " CASE WHEN i % 7 = 0 THEN 1700000000 END FROM n;"
        " PRAGMA user_version=1;\"",
        t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto s = db::Store::open(t / "v1.db", db::Store::Open::Existing);
    CHECK(s.schema_version() >= 5);
    for (const int64_t when : {int64_t{1'760'000'000}, int64_t{1'760'000'000 + 3600 * 100}, int64_t{1'700'000'000}})
        check_counts(s, t / "v1.db", at(when));
    const auto c = s.counts(at(1'760'000'000));
    CHECK(c.valid + c.revoked + c.expired == 500);
    CHECK(c.revoked == 71);
}
