// Store: revocation (once only), the revoked list, the cRLNumber counter, and the v1 → v2 migration.
#include "db/store.h"
#include "base/error.h"
#include "tests/support/cli.h"
#include "tests/support/inventory_under_test.h"

#include <catch2/catch.hpp>

using namespace pkitool;
using namespace pkitool::db;
using pkitool::test::TempDir;

namespace {

Time at(int64_t unix_seconds) { return Time(std::chrono::seconds(unix_seconds)); }

CertificateRecord record(const issue::Serial& serial, std::optional<Revocation> revocation = std::nullopt) {
    return CertificateRecord{serial, "CN=test", "", at(1'700'000'000), at(1'900'000'000), "rolesanywhere-client",
                             "00", {0x30, 0x00}, at(1'700'000'000), revocation};
}

}  // namespace

TEST_CASE("store: revoke once, with time and reason, unknown and repeated revocations are told apart", "[db][revoke]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto store = inv.open_new();
    const auto a = issue::Serial::random(), b = issue::Serial::random();
    REQUIRE(store.insert(record(a)));
    REQUIRE(store.insert(record(b)));

    CHECK(store.revoke(a, {at(1'800'000'000), Reason::KeyCompromise}) == RevokeResult::Revoked);
    const auto row = store.find(a);
    REQUIRE(row->revocation);
    CHECK(row->revocation->at == at(1'800'000'000));
    CHECK(row->revocation->reason == Reason::KeyCompromise);
    CHECK(row->status(at(1'750'000'000)) == Status::Revoked);

    // The second attempt must not rewrite the first revocation's date or reason.
    CHECK(store.revoke(a, {at(1'850'000'000), Reason::Superseded}) == RevokeResult::AlreadyRevoked);
    CHECK(store.find(a)->revocation->at == at(1'800'000'000));
    CHECK(store.find(a)->revocation->reason == Reason::KeyCompromise);
    CHECK(store.revoke(issue::Serial::random(), {at(1'800'000'000), Reason::Unspecified}) == RevokeResult::NotFound);

    const auto revoked = store.revocations();
    REQUIRE(revoked.size() == 1);
    CHECK(revoked[0].serial == a);
    Query q;
    q.status = Status::Revoked;
    REQUIRE(store.list(q, [](const CertificateRecord&) {}) == 1);
    q.status = Status::Valid;
    q.now = at(1'750'000'000);
    std::vector<issue::Serial> valid;
    REQUIRE(store.list(q, [&](const CertificateRecord& r) { valid.push_back(r.serial); }) == 1);
    CHECK(valid[0] == b);
}

TEST_CASE("store: insert keeps a record's revocation, revocations come oldest first", "[db][revoke]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto store = inv.open_new();
    const auto late = issue::Serial::random(), early = issue::Serial::random();
    REQUIRE(store.insert(record(late, Revocation{at(1'800'000'500), Reason::CessationOfOperation})));
    REQUIRE(store.insert(record(early, Revocation{at(1'800'000'000), Reason::Unspecified})));
    const auto revoked = store.revocations();
    REQUIRE(revoked.size() == 2);
    CHECK(revoked[0].serial == early);
    CHECK(revoked[0].revocation.reason == Reason::Unspecified);
    CHECK(revoked[1].serial == late);
    CHECK(revoked[1].revocation.reason == Reason::CessationOfOperation);
}

TEST_CASE("store: the cRLNumber increases by one and a rolled-back number is reused", "[db][crl]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto store = inv.open_new();
    CHECK(store.last_crl_number() == 0);
    {
        Store::Transaction tx(store);
        CHECK(store.next_crl_number() == 1);
        tx.commit();
    }
    {
        Store::Transaction tx(store);
        CHECK(store.next_crl_number() == 2);
        // not committed: a CRL that failed to sign does not use up its number
    }
    CHECK(store.last_crl_number() == 1);
    {
        Store::Transaction tx(store);
        CHECK(store.next_crl_number() == 2);
        tx.commit();
    }
    // Survives reopening: the number lives in the inventory, not in crl.pem.
    auto again = inv.reopen();
    CHECK(again.last_crl_number() == 2);
}

TEST_CASE("store: reasons by name", "[db][revoke]") {
    CHECK(to_string(Reason::KeyCompromise) == "keyCompromise");
    CHECK(to_string(Reason::CertificateHold) == "certificateHold");
    CHECK(parse_reason("cessationOfOperation") == Reason::CessationOfOperation);
    for (const auto& name : reason_names()) CHECK(to_string(parse_reason(name)) == name);
    CHECK(reason_names().size() == 6);
    try {
        parse_reason("certificateHold");
        FAIL("certificateHold was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::Usage);
    }
}

// `ca import` (issue #10): a hold keeps its instruction, and a row from an index line alone has
// no DER (a zero-length blob, which the NOT NULL column takes).
TEST_CASE("store: holds and their instruction, rows without a certificate", "[db][revoke][import]") {
    const auto backend = GENERATE(values<std::string>({"sqlite", "postgresql"}));
    test::InventoryUnderTest inv(backend);
    INFO("backend: " << backend);
    auto store = inv.open_new();
    const auto held = issue::Serial::random(), plain_hold = issue::Serial::random(), bare = issue::Serial::random();
    REQUIRE(store.insert(record(held, Revocation{at(1'800'000'000), Reason::CertificateHold, "1.2.840.10040.2.3"})));
    REQUIRE(store.insert(record(plain_hold, Revocation{at(1'800'000'100), Reason::CertificateHold})));
    auto r = record(bare);
    r.der.clear();
    r.fingerprint.clear();
    REQUIRE(store.insert(r));
    CHECK(store.find(held)->revocation->reason == Reason::CertificateHold);
    CHECK(store.find(held)->revocation->hold_instruction == "1.2.840.10040.2.3");
    CHECK_FALSE(store.find(plain_hold)->revocation->hold_instruction);
    CHECK_FALSE(store.find(bare)->has_certificate());
    CHECK(store.find(held)->has_certificate());
    const auto revoked = store.revocations();
    REQUIRE(revoked.size() == 2);
    CHECK(revoked[0].revocation.hold_instruction == "1.2.840.10040.2.3");
    CHECK(revoked[1].revocation.reason == Reason::CertificateHold);
    // Made final: the instruction goes with the hold.
    CHECK(store.revoke(held, {at(1'800'000'500), Reason::KeyCompromise}) == RevokeResult::Revoked);
    CHECK(store.find(held)->revocation->reason == Reason::KeyCompromise);
    CHECK_FALSE(store.find(held)->revocation->hold_instruction);
    CHECK(store.revoke(held, {at(1'800'000'600), Reason::Superseded}) == RevokeResult::AlreadyRevoked);
}

TEST_CASE("store: a schema v1 inventory is migrated, rows and revocations kept", "[db][migration]") {
    TempDir t;
    // The shipped v1 schema (migration 1 of store.cpp), with one revoked row from before reasons were typed.
    const auto r = test::shell(
        "sqlite3 v1.db \"CREATE TABLE certificates (id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE, subject TEXT NOT NULL,"
        " sans TEXT NOT NULL DEFAULT '', not_before INTEGER NOT NULL, not_after INTEGER NOT NULL, profile TEXT NOT NULL,"
        " fingerprint TEXT NOT NULL, der BLOB NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER, revocation_reason TEXT);"
        " INSERT INTO certificates (serial, subject, not_before, not_after, profile, fingerprint, der, created_at, revoked_at)"
        " VALUES ('0A1B', 'CN=old', 1, 2000000000, 'rolesanywhere-client', '00', x'3000', 1, 1800000000);"
        " PRAGMA user_version=1;\"",
        t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto store = Store::open(t / "v1.db", Store::Open::Existing);
    CHECK(store.schema_version() == 7);
    CHECK(store.last_crl_number() == 0);
    CHECK_FALSE(store.ca_fingerprint());  // recorded by the first Authority::open
    const auto revoked = store.revocations();
    REQUIRE(revoked.size() == 1);
    CHECK(revoked[0].serial.hex() == "0A1B");
    CHECK(revoked[0].revocation.reason == Reason::Unspecified);
}
