// CRLs signed by an Authority: entries carry their own revocation dates and reasons, the number
// comes from the inventory, and the DER is what RFC 5280 §5.1 allows (checked with openssl).
#include "ca/authority.h"
#include "tests/support/cli.h"

#include <botan/x509_ext.h>

#include <catch2/catch.hpp>

using namespace pkitool;
using namespace pkitool::ca;
using pkitool::test::TempDir;

namespace {

db::Time at(int64_t unix_seconds) { return db::Time(std::chrono::seconds(unix_seconds)); }

Authority make_root(const TempDir& t) {
    Authority::init_root(RootRequest{t / "ca", issue::Subject::parse("CN=CRL Test CA"), issue::KeyType::default_type(), 30, std::nullopt, std::nullopt});
    auto a = Authority::open(t / "ca");
    a.unlock(std::nullopt);
    return a;
}

db::CertificateRecord revoked_record(const issue::Serial& s, db::Time when, db::Reason reason) {
    return db::CertificateRecord{s, "CN=r", "", at(1'700'000'000), at(1'900'000'000), "rolesanywhere-client", "00", {0x30, 0x00},
                                 at(1'700'000'000), db::Revocation{when, reason}};
}

}  // namespace

TEST_CASE("crl: entries keep their revocation dates and reasons, unspecified has no extensions", "[ca][crl]") {
    TempDir t;
    auto ca = make_root(t);
    const auto compromised = issue::Serial::random(), plain = issue::Serial::random();
    REQUIRE(ca.store().insert(revoked_record(compromised, at(1'760'000'000), db::Reason::KeyCompromise)));
    REQUIRE(ca.store().insert(revoked_record(plain, at(1'760'000'100), db::Reason::Unspecified)));
    REQUIRE(ca.store().insert(revoked_record(issue::Serial::random(), at(1'760'000'200), db::Reason::Superseded)));

    const auto issued = ca.issue_crl(std::chrono::days(7));
    CHECK(issued.number == 1);
    CHECK(issued.entries == 3);
    const auto& crl = issued.crl;
    std::unique_ptr<Botan::Public_Key> pub(ca.certificate().subject_public_key());
    CHECK(crl.check_signature(*pub));
    CHECK(crl.issuer_dn() == ca.certificate().subject_dn());
    CHECK(crl.authority_key_id() == ca.certificate().subject_key_id());
    CHECK(crl.next_update().to_std_timepoint() - crl.this_update().to_std_timepoint() == std::chrono::days(7));
    const auto& entries = crl.get_revoked();
    REQUIRE(entries.size() == 3);
    CHECK(Botan::BigInt::decode(entries[0].serial_number()) == compromised.value());
    CHECK(entries[0].expire_time().to_std_timepoint() == at(1'760'000'000));
    CHECK(entries[0].reason_code() == Botan::KEY_COMPROMISE);
    CHECK(Botan::BigInt::decode(entries[1].serial_number()) == plain.value());
    CHECK(entries[1].extensions().extensions().empty());
    CHECK(entries[2].reason_code() == Botan::SUPERSEDED);
    CHECK(test::slurp(ca.layout().crl()) == issued.pem);

    // openssl as the independent reader: signature, v2, and no empty crlEntryExtensions
    // SEQUENCE (Botan's own CRL_Entry writes one, which RFC 5280 forbids).
    const auto verify = test::shell("openssl crl -in ca/crl.pem -CAfile ca/ca.crt -noout", t.path());
    INFO(verify.err);
    CHECK(verify.code == 0);
    const auto asn1 = test::shell("openssl asn1parse -in ca/crl.pem", t.path());
    REQUIRE(asn1.code == 0);
    CHECK_THAT(asn1.out, !Catch::Contains("l=   0 cons: SEQUENCE"));
    const auto text = test::shell("openssl crl -in ca/crl.pem -noout -text", t.path()).out;
    CHECK_THAT(text, Catch::Contains("Version 2 (0x1)"));
    CHECK_THAT(text, Catch::Contains("Key Compromise"));
    CHECK_THAT(text, Catch::Contains("Superseded"));
}

// A hold imported from openssl (issue #10): reason certificateHold (6), and the holdInstructionCode
// entry extension when one was recorded, as `openssl ca -gencrl` writes them.
TEST_CASE("crl: a hold carries certificateHold and its hold instruction code", "[ca][crl][import]") {
    TempDir t;
    auto ca = make_root(t);
    auto held = revoked_record(issue::Serial::parse("1001"), at(1'760'000'000), db::Reason::CertificateHold);
    held.revocation->hold_instruction = "1.2.840.10040.2.3";
    REQUIRE(ca.store().insert(held));
    REQUIRE(ca.store().insert(revoked_record(issue::Serial::parse("1002"), at(1'760'000'100), db::Reason::CertificateHold)));
    const auto issued = ca.issue_crl(std::chrono::days(7));
    const auto& entries = issued.crl.get_revoked();
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].reason_code() == Botan::CERTIFICATE_HOLD);
    CHECK(entries[0].extensions().extension_set(Botan::OID("2.5.29.23")));
    CHECK(entries[1].reason_code() == Botan::CERTIFICATE_HOLD);
    CHECK_FALSE(entries[1].extensions().extension_set(Botan::OID("2.5.29.23")));
    const auto text = test::shell("openssl crl -in ca/crl.pem -noout -text", t.path());
    REQUIRE(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("Serial Number: 1001\n        Revocation Date: Oct  9 08:53:20 2025 GMT\n        CRL entry extensions:\n"
                                         "            X509v3 CRL Reason Code: \n                Certificate Hold\n"
                                         "            Hold Instruction Code: \n                Hold Instruction Reject\n"));
    CHECK_THAT(text.out, Catch::Contains("Serial Number: 1002\n        Revocation Date: Oct  9 08:55:00 2025 GMT\n        CRL entry extensions:\n"
                                         "            X509v3 CRL Reason Code: \n                Certificate Hold\n    "));
    CHECK(test::shell("openssl crl -in ca/crl.pem -CAfile ca/ca.crt -noout", t.path()).code == 0);
}

TEST_CASE("crl: an empty CRL has no revokedCertificates field and numbers keep increasing", "[ca][crl]") {
    TempDir t;
    auto ca = make_root(t);
    const auto first = ca.issue_crl(std::chrono::days(1));
    CHECK(first.number == 1);
    CHECK(first.entries == 0);
    CHECK_THAT(test::shell("openssl crl -in ca/crl.pem -noout -text", t.path()).out, Catch::Contains("No Revoked Certificates"));
    CHECK(ca.issue_crl(std::chrono::days(1)).number == 2);
    CHECK(ca.issue_crl(std::chrono::days(1)).crl.crl_number() == 3);
}

TEST_CASE("crl: revoke through the Authority: unknown and repeated serials are errors naming the serial", "[ca][crl]") {
    TempDir t;
    auto ca = make_root(t);
    const auto s = issue::Serial::random();
    REQUIRE(ca.store().insert(revoked_record(s, at(1'760'000'000), db::Reason::KeyCompromise)));
    CHECK_THROWS_WITH(ca.revoke(s, db::Reason::Superseded), Catch::Contains(s.hex()) && Catch::Contains("already revoked"));
    const auto unknown = issue::Serial::random();
    CHECK_THROWS_WITH(ca.revoke(unknown, db::Reason::Superseded), Catch::Contains(unknown.hex()) && Catch::Contains("no certificate"));
    // A hold is the one revocation that can still become final (RFC 5280 §5.3.1), once.
    const auto held = issue::Serial::random();
    auto hold = revoked_record(held, at(1'760'000'000), db::Reason::CertificateHold);
    hold.revocation->hold_instruction = "1.2.840.10040.2.3";
    REQUIRE(ca.store().insert(hold));
    const auto now = Clock::now();
    const auto final_one = ca.revoke(held, db::Reason::KeyCompromise, now);
    CHECK(final_one.revocation->reason == db::Reason::KeyCompromise);
    CHECK_FALSE(final_one.revocation->hold_instruction);
    CHECK(final_one.revocation->at == std::chrono::floor<std::chrono::seconds>(now));
    CHECK_THROWS_WITH(ca.revoke(held, db::Reason::Superseded), Catch::Contains("already revoked"));
}

TEST_CASE("crl: Roles Anywhere size classes", "[ca][crl]") {
    CHECK(rolesanywhere_fit(1000) == CrlSize::Fits);
    CHECK(rolesanywhere_fit(269'999) == CrlSize::Fits);
    CHECK(rolesanywhere_fit(270'000) == CrlSize::NearLimit);
    CHECK(rolesanywhere_fit(300'000) == CrlSize::NearLimit);
    CHECK(rolesanywhere_fit(300'001) == CrlSize::TooLarge);
}
