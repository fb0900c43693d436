// Schema v7 (issue #13): a renewed row's successor, the derived status superseded, the links both
// ways, and the index that serves `db list --status superseded` (EXPLAIN QUERY PLAN is the oracle).
#include "db/store.h"
#include "tests/support/cli.h"
#include "tests/support/inventory_under_test.h"

#include <catch2/catch.hpp>

using namespace pkitool;
using namespace std::chrono;

namespace {

db::CertificateRecord row(const std::string& serial_hex, db::Time not_after) {
    return db::CertificateRecord{issue::Serial::parse(serial_hex), "CN=" + serial_hex, "", not_after - days(365), not_after, "rolesanywhere-client",
                                 "ab", {0x30, 0x03, 1, 2, 3}, not_after - days(365), std::nullopt};
}

}  // namespace

TEST_CASE("store: a superseded row links to its successor, and revoked wins over superseded", "[db][renewal]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto store = inv.open_new();
    if (!inv.postgres()) CHECK(store.schema_version() == 7);
    const auto now = floor<seconds>(system_clock::now());
    REQUIRE(store.insert(row("0A", now + days(10))));
    REQUIRE(store.insert(row("0B", now + days(400))));
    REQUIRE(store.insert(row("0C", now - days(1))));  // expired, then renewed
    REQUIRE(store.insert(row("0D", now + days(400))));
    CHECK(store.longest_lifetime() == days(365));

    CHECK(store.set_superseded_by(issue::Serial::parse("0A"), issue::Serial::parse("0B")));
    CHECK_FALSE(store.set_superseded_by(issue::Serial::parse("0A"), issue::Serial::parse("0D")));  // once
    CHECK_FALSE(store.set_superseded_by(issue::Serial::parse("FF"), issue::Serial::parse("0D")));  // unknown
    CHECK(store.set_superseded_by(issue::Serial::parse("0C"), issue::Serial::parse("0D")));

    const auto a = store.find(issue::Serial::parse("0A"));
    REQUIRE(a->superseded_by);
    CHECK(a->superseded_by->hex() == "0B");
    CHECK(a->status(now) == db::Status::Superseded);
    CHECK(store.find(issue::Serial::parse("0C"))->status(now) == db::Status::Superseded);  // superseded wins over expired
    CHECK(store.find_renewed_by(issue::Serial::parse("0B"))->serial.hex() == "0A");
    CHECK_FALSE(store.find_renewed_by(issue::Serial::parse("0A")));

    const auto listed = [&](std::optional<db::Status> status, std::optional<seconds> within = std::nullopt) {
        db::Query q;
        q.status = status;
        q.expiring_within = within;
        q.now = now;
        std::vector<std::string> serials;
        store.list(q, [&](const db::CertificateRecord& r) { serials.push_back(r.serial.hex()); });
        return serials;
    };
    CHECK(listed(db::Status::Superseded) == std::vector<std::string>{"0C", "0A"});
    CHECK(listed(db::Status::Valid) == std::vector<std::string>{"0B", "0D"});
    CHECK(listed(db::Status::Expired).empty());
    CHECK(listed(std::nullopt, days(30)).empty());  // 0A is due, but renewed already

    db::Query superseded;
    superseded.status = db::Status::Superseded;
    const auto steps = store.plan(superseded);
    std::string text;
    for (const auto& s : steps) text += s + "\n";
    CHECK_THAT(text, Catch::Contains(inv.postgres() ? "superseded" : "certificates_superseded_by"));

    REQUIRE(store.revoke(issue::Serial::parse("0A"), db::Revocation{now, db::Reason::Superseded}) == db::RevokeResult::Revoked);
    CHECK(store.find(issue::Serial::parse("0A"))->status(now) == db::Status::Revoked);
    CHECK(listed(db::Status::Superseded) == std::vector<std::string>{"0C"});
    CHECK(db::parse_status("superseded") == db::Status::Superseded);
}
