// End to end: revoke and crl, with openssl as the oracle (CRL signature, -crl_check on leaves).
#include "db/store.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace pkitool::test;

namespace {

void issue_leaf(const std::string& ca, const std::string& name, const TempDir& t) {
    run_ok("issue --ca " + ca + " --subject CN=" + name + " --out " + name + ".crt --key-out " + name + ".key --yes", t);
}

}  // namespace

TEST_CASE("revoke and crl: openssl verifies the CRL and refuses only the revoked leaf", "[cli][revocation]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Test Root CA\"", t);
    issue_leaf("root-ca", "good", t);
    issue_leaf("root-ca", "bad", t);
    const auto bad = openssl_serial("bad.crt", t);

    const auto r = run("revoke --ca root-ca " + bad + " --reason keyCompromise", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("pkitool crl --ca root-ca"));
    run_ok("crl --ca root-ca", t);

    const auto verify = shell("openssl crl -in root-ca/crl.pem -CAfile root-ca/ca.crt -noout", t.path());
    INFO(verify.err);
    CHECK(verify.code == 0);
    const auto text = shell("openssl crl -in root-ca/crl.pem -noout -text", t.path()).out;
    CHECK_THAT(text, Catch::Contains("Version 2 (0x1)"));
    CHECK_THAT(text, Catch::Contains("Serial Number: " + bad));
    CHECK_THAT(text, Catch::Contains("Key Compromise"));
    CHECK_THAT(text, Catch::Contains("Next Update:"));
    CHECK_THAT(text, !Catch::Contains("Serial Number: " + openssl_serial("good.crt", t)));
    // AKI = the CA's SKI.
    const auto ski = shell("openssl x509 -in root-ca/ca.crt -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' \\n'", t.path()).out;
    REQUIRE(!ski.empty());
    CHECK_THAT(text, Catch::Contains(ski));

    const auto refused = shell("openssl verify -crl_check -CAfile root-ca/ca.crt -CRLfile root-ca/crl.pem bad.crt", t.path());
    CHECK(refused.code != 0);
    CHECK_THAT(refused.out + refused.err, Catch::Contains("certificate revoked"));
    const auto accepted = shell("openssl verify -crl_check -CAfile root-ca/ca.crt -CRLfile root-ca/crl.pem good.crt", t.path());
    INFO(accepted.out << accepted.err);
    CHECK(accepted.code == 0);

    // The inventory and `show` agree.
    const auto listed = nlohmann::json::parse(run("db list --ca root-ca --status revoked --json", t.path()).out);
    REQUIRE(listed["count"] == 1);
    CHECK(listed["certificates"][0]["serial"] == bad);
    CHECK(listed["certificates"][0]["revocation"]["reason"] == "keyCompromise");
    CHECK(nlohmann::json::parse(run("db list --ca root-ca --status valid --json", t.path()).out)["count"] == 1);
    const auto shown = run("show root-ca/crl.pem", t.path());
    CHECK(shown.code == 0);
    CHECK_THAT(shown.out, Catch::Contains(bad) && Catch::Contains("reason keyCompromise"));
}

TEST_CASE("crl: cRLNumber increases by one each time, also with --out", "[cli][revocation]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    run_ok("crl --ca root-ca", t);
    CHECK(crl_number("root-ca/crl.pem", t) == 1);
    run_ok("crl --ca root-ca --days 30 --out copy.pem", t);
    CHECK(crl_number("root-ca/crl.pem", t) == 2);
    CHECK(shell("cmp copy.pem root-ca/crl.pem", t.path()).code == 0);
    // nextUpdate 30 days ahead: valid in 29 days' time, not in 31.
    const auto next = shell("date -d \"$(openssl crl -in copy.pem -noout -nextupdate | cut -d= -f2)\" +%s", t.path()).out;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(std::stoll(next) > now + 29 * 86400);
    CHECK(std::stoll(next) < now + 31 * 86400);
    // --out does not overwrite without --force, and a refused run does not use up a number.
    const auto r = run("crl --ca root-ca --out copy.pem", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("copy.pem"));
    // Deleting crl.pem does not reset the count: it lives in the inventory.
    fs::remove(t / "root-ca/crl.pem");
    const auto j = run("crl --ca root-ca --json", t.path());
    REQUIRE(j.code == 0);
    CHECK(nlohmann::json::parse(j.out)["crl_number"] == 3);
    CHECK(crl_number("root-ca/crl.pem", t) == 3);
}

TEST_CASE("revoke: twice, unknown serial, bad reason", "[cli][revocation]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    issue_leaf("root-ca", "vm", t);
    const auto s = openssl_serial("vm.crt", t);
    run_ok("revoke --ca root-ca " + s + " --reason superseded", t);
    auto r = run("revoke --ca root-ca " + s + " --reason keyCompromise", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: " + s) && Catch::Contains("already revoked") && Catch::Contains("superseded"));
    // Two hints, a line each: the domain's plain one, then its next step as the CLI's command.
    CHECK_THAT(r.err, Catch::EndsWith("\nhint: a revocation is final\nhint: publish a new CRL with `pkitool crl --ca root-ca`\n"));
    // The first reason stands.
    CHECK(nlohmann::json::parse(run("db show --ca root-ca " + s + " --json", t.path()).out).dump().find("superseded") != std::string::npos);

    r = run("revoke --ca root-ca 0123456789ABCDEF", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("0123456789ABCDEF") && Catch::Contains("no certificate with this serial"));
    CHECK_THAT(r.err, Catch::Contains("\nhint: list the serials with `pkitool db list --ca root-ca`\n"));
    CHECK(run("revoke --ca root-ca " + s + " --reason certificateHold", t.path()).code == 2);
    CHECK(run("revoke --ca root-ca not-hex", t.path()).code != 0);
}

TEST_CASE("revocation in a hierarchy: -crl_check_all over root and intermediate CRLs", "[cli][revocation]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    run_ok("ca init --dir sub-ca --parent root-ca --subject CN=Sub", t);
    issue_leaf("sub-ca", "good", t);
    issue_leaf("sub-ca", "bad", t);
    run_ok("revoke --ca sub-ca " + openssl_serial("bad.crt", t) + " --reason cessationOfOperation", t);
    run_ok("crl --ca sub-ca", t);
    run_ok("crl --ca root-ca", t);
    CHECK(shell("openssl crl -in sub-ca/crl.pem -CAfile sub-ca/ca.crt -noout", t.path()).code == 0);
    CHECK(shell("openssl crl -in sub-ca/crl.pem -CAfile root-ca/ca.crt -noout", t.path()).code != 0);  // signed by the sub-CA, not the root
    const std::string check = "openssl verify -x509_strict -crl_check_all -CAfile root-ca/ca.crt -untrusted sub-ca/chain.pem "
                              "-CRLfile root-ca/crl.pem -CRLfile sub-ca/crl.pem ";
    const auto good = shell(check + "good.crt", t.path());
    INFO(good.out << good.err);
    CHECK(good.code == 0);
    CHECK(shell(check + "bad.crt", t.path()).code != 0);

    // Revoking the intermediate in its parent makes every leaf under it fail.
    run_ok("revoke --ca root-ca " + openssl_serial("sub-ca/ca.crt", t) + " --reason caCompromise", t);
    run_ok("crl --ca root-ca", t);
    CHECK_THAT(shell("openssl crl -in root-ca/crl.pem -noout -text", t.path()).out, Catch::Contains("CA Compromise"));
    CHECK(shell(check + "good.crt", t.path()).code != 0);
}

TEST_CASE("crl: 10,000 revoked certificates, verified by openssl, with a size warning", "[cli][revocation][slow]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    constexpr size_t kEntries = 10'000;
    {
        // Through the library in one transaction: 10,000 `pkitool revoke` processes would take minutes.
        auto store = pkitool::db::Store::open(t / "root-ca/pkitool.db", pkitool::db::Store::Open::Existing);
        pkitool::db::Store::Transaction tx(store);
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        for (size_t i = 0; i < kEntries; ++i) {
            const auto reason = static_cast<pkitool::db::Reason>(i % 6);
            REQUIRE(store.insert(pkitool::db::CertificateRecord{pkitool::issue::Serial::random(), "CN=bulk-" + std::to_string(i), "", now, now + std::chrono::hours(24 * 365),
                                                                "rolesanywhere-client", "00", {0x30, 0x00}, now, pkitool::db::Revocation{now, reason}}));
        }
        tx.commit();
    }
    const auto r = run("crl --ca root-ca --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["entries"] == kEntries);
    // ~10,000 entries is well past what Roles Anywhere imports: the operator is told.
    CHECK(j["rolesanywhere_size"] == "too-large");
    CHECK_THAT(r.err, Catch::Contains("warning:") && Catch::Contains("300,000"));

    CHECK(shell("openssl crl -in root-ca/crl.pem -CAfile root-ca/ca.crt -noout", t.path()).code == 0);
    const auto count = shell("openssl crl -in root-ca/crl.pem -noout -text | grep -c 'Serial Number:'", t.path());
    CHECK(count.out == std::to_string(kEntries) + "\n");
    const auto compromised = shell("openssl crl -in root-ca/crl.pem -noout -text | grep -c 'Key Compromise'", t.path());
    CHECK(compromised.out == std::to_string(kEntries / 6 + (kEntries % 6 > 1 ? 1 : 0)) + "\n");
}

TEST_CASE("crl: a CRL small enough is not warned about", "[cli][revocation]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    const auto r = run("crl --ca root-ca", t.path());
    CHECK(r.code == 0);
    CHECK_THAT(r.err, !Catch::Contains("warning"));
}
