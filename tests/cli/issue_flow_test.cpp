// End to end: root CA, CSR, issuance, inventory, all checked with the openssl command.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace pkitool::test;

namespace {

void make_ca(const TempDir& t, const std::string& key_type = "ec:p256", const std::string& dir = "root-ca") {
    const auto r = run("ca init --dir " + dir + " --subject \"CN=Test Root CA,O=Example,C=US\" --key-type " + key_type, t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
}

}  // namespace

TEST_CASE("ca init: layout, permissions and the root certificate's extensions", "[cli][ca]") {
    TempDir t;
    make_ca(t);
    CHECK(mode_of(t / "root-ca/private") == 0700);
    CHECK(mode_of(t / "root-ca/private/ca.key") == 0600);
    CHECK(fs::exists(t / "root-ca/pkitool.db"));
    CHECK(shell("openssl pkey -in root-ca/private/ca.key -noout", t.path()).code == 0);
    const auto text = shell("openssl x509 -in root-ca/ca.crt -noout -text", t.path());
    REQUIRE(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("Version: 3 (0x2)"));
    CHECK_THAT(text.out, Catch::Contains("X509v3 Basic Constraints: critical\n                CA:TRUE"));
    CHECK_THAT(text.out, Catch::Contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"));
    CHECK_THAT(text.out, Catch::Contains("X509v3 Subject Key Identifier"));
    CHECK_THAT(text.out, Catch::Contains("X509v3 Authority Key Identifier"));
    CHECK_THAT(text.out, Catch::Contains("Issuer: C = US, O = Example, CN = Test Root CA"));
    // Self-signed and valid in openssl's strict mode.
    CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt root-ca/ca.crt", t.path()).code == 0);
    // SKI is SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1), computed here by openssl.
    const auto ski = shell("openssl x509 -in root-ca/ca.crt -noout -pubkey | openssl pkey -pubin -outform DER | "
                           "openssl asn1parse -inform DER -strparse 0 >/dev/null; "
                           "openssl x509 -in root-ca/ca.crt -noout -pubkey | openssl pkey -pubin -outform DER | tail -c 65 | openssl dgst -sha1 -r",
                           t.path());
    const auto shown = shell("openssl x509 -in root-ca/ca.crt -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :\\n' | tr A-F a-f", t.path());
    CHECK(ski.out.substr(0, 40) == shown.out);
}

TEST_CASE("ca init --path-len and days", "[cli][ca]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=R --path-len 1 --days 100", t.path()).code == 0);
    const auto text = shell("openssl x509 -in ca/ca.crt -noout -text", t.path()).out;
    CHECK_THAT(text, Catch::Contains("CA:TRUE, pathlen:1"));
    const auto enddate = shell("openssl x509 -in ca/ca.crt -noout -checkend 8553600", t.path());  // 99 days
    CHECK(enddate.code == 0);
    CHECK(shell("openssl x509 -in ca/ca.crt -noout -checkend 8726400", t.path()).code == 1);  // 101 days
}

TEST_CASE("issue from a CSR: openssl verifies it and sees the Roles Anywhere client profile", "[cli][issue]") {
    for (const std::string type : {"ec:p256", "ec:p384", "rsa:2048", "rsa:4096"}) {
        DYNAMIC_SECTION("CA and leaf key " << type) {
            TempDir t;
            make_ca(t, type);
            REQUIRE(run("key new --type " + type + " --out vm.key", t.path()).code == 0);
            CHECK(mode_of(t / "vm.key") == 0600);
            REQUIRE(run("csr new --key vm.key --subject \"CN=MyOnpremVM,O=Example\" --san dns:vm.example --out vm.csr", t.path()).code == 0);
            CHECK(shell("openssl req -in vm.csr -verify -noout", t.path()).code == 0);
            const auto r = run("issue --ca root-ca --csr vm.csr --out vm.crt --yes", t.path());
            INFO(r.err);
            REQUIRE(r.code == 0);
            const auto v = shell("openssl verify -x509_strict -CAfile root-ca/ca.crt vm.crt", t.path());
            INFO(v.out << v.err);
            CHECK(v.code == 0);
            const auto text = shell("openssl x509 -in vm.crt -noout -text", t.path()).out;
            CHECK_THAT(text, Catch::Contains("Version: 3 (0x2)"));
            CHECK_THAT(text, Catch::Contains("CA:FALSE"));
            CHECK_THAT(text, Catch::Contains("X509v3 Key Usage: critical\n                Digital Signature\n"));
            CHECK_THAT(text, Catch::Contains("TLS Web Client Authentication"));
            CHECK_THAT(text, Catch::Contains("DNS:vm.example"));
            CHECK_THAT(text, Catch::Contains("Subject: O = Example, CN = MyOnpremVM"));
            const bool rsa = type.rfind("rsa", 0) == 0;
            const std::string sig = rsa ? "sha256WithRSAEncryption" : type == "ec:p384" ? "ecdsa-with-SHA384" : "ecdsa-with-SHA256";
            CHECK_THAT(text, Catch::Contains("Signature Algorithm: " + sig));
            // pkitool's own lint agrees: the CA is a valid trust anchor and the leaf chains to it cleanly.
            const auto lint = run("lint vm.crt root-ca/ca.crt --anchor root-ca/ca.crt", t.path());
            INFO(lint.out << lint.err);
            CHECK(lint.code == 0);
            CHECK_THAT(lint.out, Catch::Contains("2 certificate(s): 0 error(s), 0 warning(s)"));
            // The key pkitool wrote belongs to the certificate it issued.
            CHECK(shell("openssl x509 -in vm.crt -noout -pubkey", t.path()).out == shell("openssl pkey -in vm.key -pubout", t.path()).out);
        }
    }
}

TEST_CASE("issue with a generated key, then inventory: db list and db show", "[cli][issue][db]") {
    TempDir t;
    make_ca(t);
    const auto r = run("--json issue --ca root-ca --subject CN=vm-01 --san ip:10.0.0.7 --out vm.crt --key-out vm.key --yes", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const std::string serial = j["serial"];
    // Serial as openssl prints it, certificate copy under certs/.
    CHECK(shell("openssl x509 -in vm.crt -noout -serial", t.path()).out == "serial=" + serial + "\n");
    CHECK(slurp(t / ("root-ca/certs/" + serial + ".pem")) == slurp(t / "vm.crt"));
    CHECK(mode_of(t / "vm.key") == 0600);

    const auto list = run("db list --ca root-ca --json", t.path());
    REQUIRE(list.code == 0);
    const auto lj = nlohmann::json::parse(list.out);
    REQUIRE(lj["count"] == 1);
    CHECK(lj["certificates"][0]["serial"] == serial);
    CHECK(lj["certificates"][0]["status"] == "valid");
    CHECK(lj["certificates"][0]["subject"] == "CN=vm-01");
    CHECK(lj["certificates"][0]["sans"] == "ip:10.0.0.7");
    CHECK(lj["certificates"][0]["profile"] == "rolesanywhere-client");
    const auto fp = shell("openssl x509 -in vm.crt -outform DER | openssl dgst -sha256 -r | cut -c1-64", t.path()).out;
    CHECK(lj["certificates"][0]["sha256_fingerprint"].get<std::string>() + "\n" == fp);

    CHECK(nlohmann::json::parse(run("db list --ca root-ca --expiring 400d --json", t.path()).out)["count"] == 1);
    CHECK(nlohmann::json::parse(run("db list --ca root-ca --expiring 30d --json", t.path()).out)["count"] == 0);
    CHECK(nlohmann::json::parse(run("db list --ca root-ca --subject VM-0 --json", t.path()).out)["count"] == 1);
    CHECK(nlohmann::json::parse(run("db list --ca root-ca --status revoked --json", t.path()).out)["count"] == 0);

    const auto pem = run("db show --ca root-ca " + serial + " --pem", t.path());
    CHECK(pem.out == slurp(t / "vm.crt"));
    const auto show = run("db show --ca root-ca " + serial, t.path());
    CHECK_THAT(show.out, Catch::Contains("Status: valid"));
    const auto missing = run("db show --ca root-ca 0123", t.path());
    CHECK(missing.code == 1);
    CHECK_THAT(missing.err, Catch::Contains("no certificate with serial 0123"));
}

TEST_CASE("issue without --yes and without a terminal refuses and writes nothing", "[cli][issue]") {
    TempDir t;
    make_ca(t);
    const auto r = run("issue --ca root-ca --subject CN=x --out x.crt --key-out x.key", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: refusing to sign"));
    CHECK_THAT(r.err, Catch::Contains("hint: "));
    CHECK_FALSE(fs::exists(t / "x.crt"));
    CHECK_FALSE(fs::exists(t / "x.key"));
    CHECK(nlohmann::json::parse(run("db list --ca root-ca --json", t.path()).out)["count"] == 0);
}

TEST_CASE("issue: the review prompt signs on y and refuses on anything else", "[cli][issue]") {
    REQUIRE(has_tool("script"));  // util-linux `script` gives the child a real terminal (package bsdutils)
    TempDir t;
    make_ca(t);
    const std::string bin = PKITOOL_BINARY;
    const auto yes = shell("printf 'y\\n' | script -qec \"'" + bin + "' issue --ca root-ca --subject CN=asked --out a.crt --key-out a.key\" /dev/null", t.path());
    CHECK_THAT(yes.out, Catch::Contains("Sign this certificate? [y/N]"));
    CHECK_THAT(yes.out, Catch::Contains("Subject:"));
    CHECK_THAT(yes.out, Catch::Contains("Key usage:"));
    CHECK(fs::exists(t / "a.crt"));
    const auto no = shell("printf 'n\\n' | script -qec \"'" + bin + "' issue --ca root-ca --subject CN=declined --out b.crt --key-out b.key\" /dev/null", t.path());
    CHECK_THAT(no.out, Catch::Contains("declined"));
    CHECK_FALSE(fs::exists(t / "b.crt"));
    CHECK(nlohmann::json::parse(run("db list --ca root-ca --json", t.path()).out)["count"] == 1);
}
