// End to end: intermediate CAs (depth 2 and 3), chain.pem, path length and validity limits,
// checked with `openssl verify -x509_strict` as the independent oracle.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace pkitool::test;

namespace {

nlohmann::json db_list(const std::string& ca, const TempDir& t) {
    const auto r = run("db list --ca " + ca + " --json", t.path());
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("ca init --parent: depth 2, verified by openssl with the chain", "[cli][hierarchy]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Test Root CA,O=Example\"", t);
    run_ok("ca init --dir issuing-ca --parent root-ca --subject \"CN=Test Issuing CA,O=Example\" --path-len 0 --key-type ec:p384", t);

    CHECK(mode_of(t / "issuing-ca/private") == 0700);
    CHECK(mode_of(t / "issuing-ca/private/ca.key") == 0600);
    const auto text = shell("openssl x509 -in issuing-ca/ca.crt -noout -text", t.path()).out;
    CHECK_THAT(text, Catch::Contains("Issuer: O = Example, CN = Test Root CA"));
    CHECK_THAT(text, Catch::Contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0"));
    CHECK_THAT(text, Catch::Contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"));
    // AKI of the sub-CA = SKI of the root.
    const auto root_ski = shell("openssl x509 -in root-ca/ca.crt -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' '", t.path()).out;
    const auto aki = shell("openssl x509 -in issuing-ca/ca.crt -noout -ext authorityKeyIdentifier | tail -1 | tr -d ' '", t.path()).out;
    CHECK(!root_ski.empty());
    CHECK_THAT(aki, Catch::Contains(root_ski.substr(0, root_ski.size() - 1)));
    CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt issuing-ca/ca.crt", t.path()).code == 0);

    // chain.pem: this CA only (the root is not part of it).
    CHECK(shell("grep -c 'BEGIN CERTIFICATE' issuing-ca/chain.pem", t.path()).out == "1\n");
    CHECK(shell("cmp issuing-ca/chain.pem issuing-ca/ca.crt", t.path()).code == 0);

    // Recorded in the parent's inventory with the intermediate-ca profile.
    const auto rows = db_list("root-ca", t);
    REQUIRE(rows["count"] == 1);
    CHECK(rows["certificates"][0]["profile"] == "intermediate-ca");
    CHECK(rows["certificates"][0]["serial"] == openssl_serial("issuing-ca/ca.crt", t));
    CHECK(fs::exists(t / ("root-ca/certs/" + openssl_serial("issuing-ca/ca.crt", t) + ".pem")));

    // A leaf from the intermediate, with the chain a client sends.
    run_ok("issue --ca issuing-ca --subject CN=vm-01 --out vm.crt --key-out vm.key --chain-out chain.pem --yes", t);
    CHECK(shell("cmp chain.pem issuing-ca/chain.pem", t.path()).code == 0);
    const auto v = shell("openssl verify -x509_strict -CAfile root-ca/ca.crt -untrusted chain.pem vm.crt", t.path());
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    // Without the chain the leaf does not verify: the test above depends on it.
    CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt vm.crt", t.path()).code != 0);
    // P-384 issuer: SHA-384 signature on the leaf.
    CHECK_THAT(shell("openssl x509 -in vm.crt -noout -text", t.path()).out, Catch::Contains("ecdsa-with-SHA384"));
}

TEST_CASE("ca init --parent: depth 3 (root, policy CA, issuing CA, leaf)", "[cli][hierarchy]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Root\" --path-len 2 --key-type rsa:2048", t);
    run_ok("ca init --dir policy-ca --parent root-ca --subject \"CN=Policy CA\"", t);
    run_ok("ca init --dir issuing-ca --parent policy-ca --subject \"CN=Issuing CA\"", t);
    // Path lengths default to the most allowed: root 2 → policy 1 → issuing 0.
    CHECK_THAT(shell("openssl x509 -in policy-ca/ca.crt -noout -text", t.path()).out, Catch::Contains("CA:TRUE, pathlen:1"));
    CHECK_THAT(shell("openssl x509 -in issuing-ca/ca.crt -noout -text", t.path()).out, Catch::Contains("CA:TRUE, pathlen:0"));
    // chain.pem: issuing then policy, not the root.
    CHECK(shell("grep -c 'BEGIN CERTIFICATE' issuing-ca/chain.pem", t.path()).out == "2\n");
    CHECK(shell("openssl x509 -in issuing-ca/chain.pem -noout -subject", t.path()).out == "subject=CN = Issuing CA\n");
    CHECK(shell("cat issuing-ca/ca.crt policy-ca/ca.crt | cmp - issuing-ca/chain.pem", t.path()).code == 0);
    // Each CA recorded by its own parent.
    CHECK(db_list("root-ca", t)["count"] == 1);
    CHECK(db_list("policy-ca", t)["count"] == 1);
    CHECK(db_list("policy-ca", t)["certificates"][0]["subject"] == "CN=Issuing CA");
    // The issuing CA's validity ends no later than its parent's.
    const auto end_of = [&](const std::string& c) { return shell("date -d \"$(openssl x509 -in " + c + " -noout -enddate | cut -d= -f2)\" +%s", t.path()).out; };
    CHECK(std::stoll(end_of("issuing-ca/ca.crt")) <= std::stoll(end_of("policy-ca/ca.crt")));

    run_ok("issue --ca issuing-ca --subject CN=vm-03 --out vm.crt --key-out vm.key --chain-out chain.pem --yes", t);
    const auto v = shell("openssl verify -x509_strict -CAfile root-ca/ca.crt -untrusted chain.pem vm.crt", t.path());
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt -untrusted issuing-ca/ca.crt vm.crt", t.path()).code != 0);

    // A fourth level is refused: the issuing CA's pathlen is 0. Nothing is created or recorded.
    const auto r = run("ca init --dir deeper-ca --parent issuing-ca --subject CN=Deeper", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: issuing-ca:") && Catch::Contains("allows no CA below it"));
    CHECK(!fs::exists(t / "deeper-ca"));
    CHECK(db_list("issuing-ca", t)["count"] == 1);  // only vm-03
}

TEST_CASE("ca init --parent: path length violations are refused before anything is written", "[cli][hierarchy]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root --path-len 0", t);
    auto r = run("ca init --dir sub-ca --parent root-ca --subject CN=Sub", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("root-ca: its path length constraint") && Catch::Contains("end-entity"));
    CHECK(!fs::exists(t / "sub-ca"));
    CHECK(db_list("root-ca", t)["count"] == 0);

    run_ok("ca init --dir root2 --subject CN=Root2 --path-len 1", t);
    r = run("ca init --dir sub2 --parent root2 --subject CN=Sub2 --path-len 1", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("--path-len 1: root2 allows at most 0"));
    CHECK_THAT(r.err, Catch::Contains("hint: use --path-len 0 or less"));
    CHECK(!fs::exists(t / "sub2"));
    // No temporary directories left behind either.
    CHECK(shell("ls -A | grep -c tmp", t.path()).out == "0\n");
}

TEST_CASE("ca init --parent: a child never outlives its parent", "[cli][hierarchy]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root --days 30", t);
    const auto r = run("ca init --dir sub-ca --parent root-ca --subject CN=Sub --days 31", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("would outlive its CA"));
    CHECK(!fs::exists(t / "sub-ca"));
    CHECK(db_list("root-ca", t)["count"] == 0);
    // Without --days: the parent's remaining whole days, here 29.
    run_ok("ca init --dir sub-ca --parent root-ca --subject CN=Sub", t);
    CHECK(shell("openssl x509 -in sub-ca/ca.crt -noout -checkend $((28*86400))", t.path()).code == 0);
    CHECK(shell("openssl x509 -in sub-ca/ca.crt -noout -checkend $((30*86400))", t.path()).code == 1);
}

TEST_CASE("ca init --parent: encrypted parent key, wrong passphrase writes nothing", "[cli][hierarchy]") {
    TempDir t;
    shell("printf 'root secret\\n' > root.pass; printf 'wrong\\n' > wrong.pass; printf 'sub secret\\n' > sub.pass", t.path());
    run_ok("ca init --dir root-ca --subject CN=Root --passphrase-file root.pass", t);
    auto r = run("ca init --dir sub-ca --parent root-ca --subject CN=Sub --parent-passphrase-file wrong.pass", t.path());
    CHECK(r.code == 1);
    CHECK(!fs::exists(t / "sub-ca"));
    CHECK(db_list("root-ca", t)["count"] == 0);
    r = run("ca init --dir sub-ca --parent root-ca --subject CN=Sub --parent-passphrase-file root.pass --passphrase-file sub.pass --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["key_encrypted"] == true);
    CHECK(j["parent"] == "root-ca");
    CHECK(j["serial_in_parent"] == openssl_serial("sub-ca/ca.crt", t));
    // The new key is encrypted with its own passphrase, not the parent's.
    CHECK(shell("openssl pkey -in sub-ca/private/ca.key -passin file:sub.pass -noout", t.path()).code == 0);
    CHECK(shell("openssl pkey -in sub-ca/private/ca.key -passin file:root.pass -noout", t.path()).code != 0);
    // --parent-passphrase-file makes no sense without --parent.
    CHECK(run("ca init --dir x --subject CN=X --parent-passphrase-file root.pass", t.path()).code == 2);
}

TEST_CASE("ca init --parent: refuses an existing directory, a missing parent and the parent's own name", "[cli][hierarchy]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    CHECK(run("ca init --dir sub --parent no-such-ca --subject CN=Sub", t.path()).code == 2);
    auto r = run("ca init --dir root-ca --parent root-ca --subject CN=Sub", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("root-ca: already exists"));
    r = run("ca init --dir sub --parent root-ca --subject CN=Root", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("is the parent's own name"));
    CHECK(!fs::exists(t / "sub"));
    CHECK(db_list("root-ca", t)["count"] == 0);
}

TEST_CASE("issue --chain-out: refused for a root CA before anything is signed", "[cli][hierarchy]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    const auto r = run("issue --ca root-ca --subject CN=vm --out vm.crt --key-out vm.key --chain-out chain.pem --yes", t.path());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--chain-out: root-ca is a root CA"));
    CHECK(!fs::exists(t / "vm.crt"));
    CHECK(!fs::exists(t / "chain.pem"));
    CHECK(db_list("root-ca", t)["count"] == 0);
}

TEST_CASE("issue --batch --chain-out from an intermediate", "[cli][hierarchy]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject CN=Root", t);
    run_ok("ca init --dir sub-ca --parent root-ca --subject CN=Sub", t);
    shell("mkdir fleet; printf 'name,subject,san,key_type,days,profile\\nvm-a,CN=vm-a,,,,\\nvm-b,CN=vm-b,,,,\\n' > fleet.csv", t.path());
    run_ok("issue --ca sub-ca --batch fleet.csv --out-dir fleet --chain-out chain.pem --yes", t);
    for (const std::string vm : {"vm-a", "vm-b"})
        CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt -untrusted chain.pem fleet/" + vm + ".crt", t.path()).code == 0);
}

TEST_CASE("help of the hierarchy and revocation commands", "[cli][hierarchy]") {
    TempDir t;
    for (const std::string cmd : {"ca init", "revoke", "crl", "issue"}) {
        const auto r = run(cmd + " --help", t.path());
        INFO(cmd);
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("Examples:"));
        CHECK_THAT(r.out, !Catch::Contains("TODO"));
    }
    CHECK_THAT(run("ca init --help", t.path()).out, Catch::Contains("not including the root"));
    CHECK_THAT(run("issue --help", t.path()).out, Catch::Contains("--chain-out"));
}
