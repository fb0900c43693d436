// pkitool lint and profiles end to end: exit codes, output, JSON, and agreement with `openssl verify`.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace pkitool::test;

namespace {

std::set<std::string> rules_in(const nlohmann::json& doc) {
    std::set<std::string> out;
    for (const auto& c : doc["certificates"])
        for (const auto& f : c["findings"]) out.insert(f["rule"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("lint: certificates pkitool issues pass, as leaf, trust anchor and a whole CA directory", "[cli][lint]") {
    TempDir t;
    REQUIRE(run("ca init --dir root-ca --subject \"CN=Lint Test Root,O=Example\"", t.path()).code == 0);
    REQUIRE(run("issue --ca root-ca --subject CN=vm-ec --out vm-ec.crt --key-out vm-ec.key --yes", t.path()).code == 0);
    REQUIRE(run("issue --ca root-ca --subject CN=vm-rsa --key-type rsa:2048 --san dns:vm.example --out vm-rsa.crt --key-out vm-rsa.key --yes", t.path()).code == 0);
    const auto r = run("lint --json root-ca/certs root-ca/ca.crt --anchor root-ca/ca.crt", t.path());
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["ok"] == true);
    CHECK(doc["summary"]["certificates"] == 3);
    CHECK(doc["summary"]["errors"] == 0);
    CHECK(doc["summary"]["warnings"] == 0);
    std::set<std::string> profiles;
    for (const auto& c : doc["certificates"]) profiles.insert(c.value("profile", ""));
    CHECK(profiles == std::set<std::string>{"rolesanywhere-client", "rolesanywhere-anchor"});
    // The same verdict from openssl.
    CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt root-ca/certs/*.pem", t.path()).code == 0);
}

TEST_CASE("lint: exit codes, human and JSON output, unreadable input, agreement with openssl verify", "[cli][lint]") {
    const auto& dir = lint_corpus();

    SECTION("a defect: exit 1, findings on stdout grouped under the certificate, no error line") {
        const auto r = run("lint v1.crt sha1.crt", dir);
        CHECK(r.code == 1);
        CHECK(r.err.empty());
        CHECK_THAT(r.out, Catch::Contains("FAIL  CN=v1 (serial "));
        CHECK_THAT(r.out, Catch::Contains("  error   ra.ee.version: X.509 version 1"));
        CHECK_THAT(r.out, Catch::Contains("fix: re-issue it with `pkitool issue --profile rolesanywhere-client`"));
        CHECK_THAT(r.out, Catch::Contains("FAIL  CN=sha1 (serial "));
        CHECK_THAT(r.out, Catch::Contains("2 certificate(s): 2 error(s), 0 warning(s)"));
        // The serial shown is the one openssl shows.
        const auto serial = shell("openssl x509 -in v1.crt -noout -serial | cut -d= -f2", dir).out;
        CHECK_THAT(r.out, Catch::Contains("(serial " + serial.substr(0, serial.size() - 1) + ")"));
    }
    SECTION("warnings alone exit 0") {
        const auto r = run("lint expiring.crt --anchor root.crt", dir);
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("warning ra.validity.expiring"));
    }
    SECTION("--json: one document on stdout with every finding") {
        const auto r = run("lint --json clean-ec.crt leaf-ca.crt via-inter.crt --anchor root.crt --profile rolesanywhere-client", dir);
        CHECK(r.code == 1);
        const auto doc = nlohmann::json::parse(r.out);
        CHECK(doc["ok"] == false);
        CHECK(rules_in(doc) == std::set<std::string>{"ra.ee.basic-constraints", "ra.chain.untrusted"});
        const auto& f = doc["certificates"][1]["findings"][0];
        CHECK(f["severity"] == "error");
        CHECK_THAT(f["certificate"].get<std::string>(), Catch::StartsWith("CN=leaf-ca (serial "));
        CHECK_FALSE(f["message"].get<std::string>().empty());
        CHECK_FALSE(f["fix"].get<std::string>().empty());
        CHECK(doc["certificates"][0]["findings"].empty());
        CHECK(doc["certificates"][0]["source"] == "clean-ec.crt");
    }
    SECTION("unreadable files are findings, not crashes; DER and bundles are read") {
        REQUIRE(shell("openssl x509 -in clean-ec.crt -outform DER -out clean-ec.der", dir).code == 0);
        const auto r = run("lint --json garbage.crt truncated.crt clean-ec.der chain6.pem", dir);
        CHECK(r.code == 1);
        const auto doc = nlohmann::json::parse(r.out);
        CHECK(rules_in(doc) == std::set<std::string>{"lint.parse"});
        CHECK(doc["summary"]["certificates"] == 7);
        CHECK(doc["summary"]["errors"] == 2);
    }
    SECTION("usage errors exit 2") {
        CHECK(run("lint no-such.crt", dir).code == 2);
        const auto r = run("lint clean-ec.crt --profile nope", dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("unknown profile 'nope'"));
        CHECK(run("lint", dir).code == 2);
    }
    SECTION("chain verdicts agree with openssl verify") {
        struct Row {
            std::string lint_args, openssl_args, rule;
        };
        const std::vector<Row> rows = {
            {"via-inter.crt --chain inter.crt --anchor root.crt", "-CAfile root.crt -untrusted inter.crt via-inter.crt", ""},
            {"via-inter.crt --anchor root.crt", "-CAfile root.crt via-inter.crt", "ra.chain.untrusted"},
            {"wrong-issuer.crt --anchor root.crt", "-CAfile root.crt wrong-issuer.crt", "ra.chain.untrusted"},
            {"expired.crt --anchor root.crt", "-CAfile root.crt expired.crt", "ra.validity.expired"},
            {"future.crt --anchor root.crt", "-CAfile root.crt future.crt", "ra.validity.not-yet-valid"},
            {"revoked.crt --anchor root.crt --crl root.crl", "-crl_check -CRLfile root.crl -CAfile root.crt revoked.crt", "ra.crl.revoked"},
            {"clean-ec.crt --anchor root.crt --crl root.crl", "-crl_check -CRLfile root.crl -CAfile root.crt clean-ec.crt", ""},
            {"by-impostor.crt --anchor root.crt", "-CAfile root.crt by-impostor.crt", "ra.chain.key-id"},
        };
        for (const auto& row : rows) {
            INFO(row.lint_args);
            const auto r = run("lint --json " + row.lint_args, dir);
            const auto ossl = shell("openssl verify " + row.openssl_args, dir);
            CHECK((r.code == 0) == (ossl.code == 0));
            const auto rules = rules_in(nlohmann::json::parse(r.out));
            CHECK(rules == (row.rule.empty() ? std::set<std::string>{} : std::set<std::string>{row.rule}));
        }
    }
}

TEST_CASE("profiles list/show, and user profiles from --profiles-file or PKITOOL_PROFILES", "[cli][profiles]") {
    TempDir t;
    const auto list = run("profiles list", t.path());
    CHECK(list.code == 0);
    for (const auto* name : {"root-ca", "intermediate-ca", "rolesanywhere-client", "rolesanywhere-anchor"}) CHECK_THAT(list.out, Catch::Contains(name));
    const auto show = run("profiles show rolesanywhere-client", t.path());
    CHECK(show.code == 0);
    CHECK_THAT(show.out, Catch::Contains("digitalSignature"));
    CHECK_THAT(show.out, Catch::Contains("clientAuth"));
    const auto j = nlohmann::json::parse(run("profiles show rolesanywhere-anchor --json", t.path()).out);
    CHECK(j["role"] == "ca");
    CHECK(j["key_usage"] == nlohmann::json({"keyCertSign", "cRLSign"}));
    CHECK(run("profiles show nope", t.path()).code == 2);

    std::ofstream(t / "mine.json") << R"({"profiles": [{"name": "p384-only", "key_types": ["ec:p384"], "max_days": 30, "default_days": 30}]})";
    const auto mine = nlohmann::json::parse(run("profiles list --json --profiles-file mine.json", t.path()).out);
    CHECK(mine["profiles"].size() == 5);
    CHECK(mine["profiles"][4]["name"] == "p384-only");
    CHECK(mine["profiles"][4]["builtin"] == false);
    CHECK_THAT(run("profiles show p384-only", t.path()).err, Catch::Contains("unknown profile"));
    CHECK(shell("PKITOOL_PROFILES=mine.json '" PKITOOL_BINARY "' profiles show p384-only", t.path()).code == 0);

    // A user profile judges a certificate: a P-256 key breaks "p384-only".
    REQUIRE(run("ca init --dir ca --subject CN=R", t.path()).code == 0);
    REQUIRE(run("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --yes", t.path()).code == 0);
    const auto l = run("lint vm.crt --profile p384-only --profiles-file mine.json", t.path());
    CHECK(l.code == 1);
    CHECK_THAT(l.out, Catch::Contains("ra.key.type: key type ec:p256 is not allowed by profile p384-only"));

    // PKITOOL_PROFILES reaches `issue` too: the profile builds the certificate, and lint agrees with it.
    const std::string env = "PKITOOL_PROFILES=mine.json '" PKITOOL_BINARY "' ";
    const auto refused = shell(env + "issue --ca ca --subject CN=vm2 --profile p384-only --out vm2.crt --key-out vm2.key --yes", t.path());
    CHECK(refused.code != 0);
    CHECK_THAT(refused.err, Catch::Contains("key type ec:p256 is not allowed by profile p384-only"));
    CHECK_FALSE(fs::exists(t / "vm2.crt"));
    const auto issued = shell(env + "issue --ca ca --subject CN=vm3 --profile p384-only --key-type ec:p384 --out vm3.crt --key-out vm3.key --yes", t.path());
    INFO(issued.err);
    REQUIRE(issued.code == 0);
    // 30 days, the profile's default_days: still valid in 29 days, not in 31.
    CHECK(shell("openssl x509 -in vm3.crt -noout -checkend 2505600", t.path()).code == 0);
    CHECK(shell("openssl x509 -in vm3.crt -noout -checkend 2678400", t.path()).code == 1);
    CHECK(run("lint vm3.crt --anchor ca/ca.crt --profile p384-only --profiles-file mine.json", t.path()).code == 0);

    // A broken file: one error line naming the file and the field, exit 1.
    std::ofstream(t / "bad.json") << R"({"profiles": [{"name": "x", "key_usage": ["signing"]}]})";
    const auto bad = run("profiles list --profiles-file bad.json", t.path());
    CHECK(bad.code == 1);
    CHECK_THAT(bad.err, Catch::StartsWith("pkitool: error: bad.json: profiles[0] (x): key_usage: unknown key usage 'signing'"));
    CHECK(bad.out.empty());
}

TEST_CASE("lint and profiles --help: description and examples", "[cli][lint]") {
    TempDir t;
    for (const auto* cmd : {"lint", "profiles list", "profiles show"}) {
        const auto r = run(std::string(cmd) + " --help", t.path());
        INFO(cmd);
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("Examples:"));
        CHECK_THAT(r.out, !Catch::Contains("TODO"));
    }
    CHECK_THAT(run("profiles list --help", t.path()).out, Catch::Contains("\"profiles\": [{\"name\""));
    CHECK_THAT(run("lint --help", t.path()).out, Catch::Contains("Exit status: 0 when no error"));
}
