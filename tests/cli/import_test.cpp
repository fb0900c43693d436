// ca import (issue #10): a CA built and run with `openssl ca` exactly as the AWS Roles Anywhere
// blog does (req, ca -selfsign, three leaves, a keyCompromise revocation, a CRL) is adopted;
// openssl then judges pkitool's CRL and the certificates pkitool issues next. Also intermediates
// (openssl and easy-rsa) with their chains, holds, and index lines whose files are missing.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>

using namespace pkitool::test;
using nlohmann::json;

namespace {

void openssl_ca(const TempDir& t) {
    std::ofstream(t / "ca.cnf") << "[ca]\ndefault_ca = CA_default\n"
                                   "[CA_default]\ndir = ./ossl\ndatabase = $dir/index.txt\nnew_certs_dir = $dir/newcerts\n"
                                   "certificate = $dir/ca.crt\nprivate_key = $dir/private/ca.key\nserial = $dir/serial\n"
                                   "crlnumber = $dir/crlnumber\ndefault_md = sha256\ndefault_days = 365\ndefault_crl_days = 30\n"
                                   "policy = policy_any\nunique_subject = no\ncopy_extensions = none\n"
                                   "[policy_any]\ncommonName = supplied\n"
                                   "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = Blog Root CA\n"
                                   "[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign,digitalSignature\n"
                                   "subjectKeyIdentifier = hash\n"
                                   "[v3_leaf]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n"
                                   "extendedKeyUsage = clientAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n";
    const auto r = shell(
        "mkdir -p ossl/newcerts ossl/private && touch ossl/index.txt && echo 1000 > ossl/serial && echo 10 > ossl/crlnumber &&"
        "openssl genrsa -out ossl/private/ca.key 2048 2>/dev/null &&"
        "openssl req -config ca.cnf -new -key ossl/private/ca.key -out ossl/ca.csr &&"
        "openssl ca -batch -config ca.cnf -selfsign -extensions v3_ca -in ossl/ca.csr -out ossl/ca.crt -days 3650 2>/dev/null &&"
        "for n in vm-a vm-b vm-c; do openssl genrsa -out $n.key 2048 2>/dev/null &&"
        "  openssl req -new -key $n.key -subj /CN=$n -out $n.csr &&"
        "  openssl ca -batch -config ca.cnf -extensions v3_leaf -in $n.csr -out $n.crt 2>/dev/null || exit 1; done &&"
        "openssl ca -batch -config ca.cnf -revoke vm-b.crt -crl_reason keyCompromise 2>/dev/null &&"
        "openssl ca -batch -config ca.cnf -gencrl -out ossl/crl.pem 2>/dev/null",
        t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
}

}  // namespace

TEST_CASE("ca import: an openssl CA is adopted with its certificates, revocation and CRL number", "[cli][import]") {
    TempDir t;
    openssl_ca(t);
    const auto before = shell("find ossl -type f | sort | xargs sha256sum", t.path()).out;
    const auto r = run("ca import --dir root-ca --cert ossl/ca.crt --key ossl/private/ca.key --openssl-index ossl/index.txt --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = json::parse(r.out);
    CHECK(j["certificates"] == 4);  // the self-signed CA itself is in openssl's index too
    CHECK(j["revoked"] == 1);
    CHECK(shell("find ossl -type f | sort | xargs sha256sum", t.path()).out == before);  // the source is only read
    CHECK(mode_of(t / "root-ca/private/ca.key") == 0600);

    const auto list = json::parse(run("db list --ca root-ca --json", t.path()).out);
    CHECK(list["count"] == 4);
    const auto revoked = json::parse(run("db list --ca root-ca --status revoked --json", t.path()).out);
    REQUIRE(revoked["count"] == 1);
    CHECK(revoked["certificates"][0]["subject"] == "CN=vm-b");

    // pkitool's CRL: openssl verifies it, refuses the revoked leaf, accepts the others, and the
    // cRLNumber continues openssl's.
    run_ok("crl --ca root-ca", t);
    CHECK(crl_number("root-ca/crl.pem", t) > crl_number("ossl/crl.pem", t));
    CHECK(shell("openssl crl -in root-ca/crl.pem -CAfile ossl/ca.crt -noout", t.path()).code == 0);
    CHECK_THAT(shell("openssl crl -in root-ca/crl.pem -noout -text", t.path()).out, Catch::Contains("Key Compromise"));
    const std::string verify = "openssl verify -crl_check -CAfile ossl/ca.crt -CRLfile root-ca/crl.pem ";
    CHECK(shell(verify + "vm-a.crt", t.path()).code == 0);
    CHECK(shell(verify + "vm-c.crt", t.path()).code == 0);
    CHECK(shell(verify + "vm-b.crt", t.path()).code != 0);

    // Issuing goes on under the same CA, with random serials.
    run_ok("issue --ca root-ca --subject CN=vm-d --out vm-d.crt --key-out vm-d.key --yes", t);
    CHECK(shell("openssl verify -x509_strict -CAfile ossl/ca.crt vm-d.crt", t.path()).code == 0);
    CHECK(json::parse(run("db list --ca root-ca --json", t.path()).out)["count"] == 5);
}

TEST_CASE("ca import: what cannot be vouched for is refused, naming the line, and nothing is created", "[cli][import]") {
    TempDir t;
    openssl_ca(t);
    const auto refused = [&](const std::string& args, const std::string& needle) {
        const auto r = run("ca import --dir root-ca --cert ossl/ca.crt " + args, t.path());
        INFO(args << "\n" << r.err);
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::Contains(needle));
        CHECK_FALSE(fs::exists(t / "root-ca"));
    };
    refused("--key vm-a.key", "vm-a.key: does not match the CA certificate");
    REQUIRE(shell("cp ossl/index.txt bad-index.txt && printf 'V\\tnot-a-date\\t\\t1003\\tunknown\\t/CN=x\\n' >> bad-index.txt", t.path()).code == 0);
    refused("--key ossl/private/ca.key --openssl-index bad-index.txt --newcerts ossl/newcerts", "bad-index.txt:5: expiry 'not-a-date'");
    REQUIRE(shell("sed 's/\\t1003\\t/\\t10FF\\t/' ossl/index.txt > missing-index.txt && grep -q 10FF missing-index.txt", t.path()).code == 0);
    refused("--key ossl/private/ca.key --openssl-index missing-index.txt --newcerts ossl/newcerts", "serial 10FF has no certificate file");
    // A certificate in newcerts/ that another CA signed.
    REQUIRE(shell("cp -r ossl/newcerts forged && openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=forged -set_serial 0x1002 "
                  "-days 3 -out forged/1002.pem 2>/dev/null",
                  t.path()).code == 0);
    refused("--key ossl/private/ca.key --openssl-index ossl/index.txt --newcerts forged", "forged/1002.pem: not signed by the key of ossl/ca.crt");
}

// easy-rsa 3.1 (Debian's) as its users run it: init-pki, build-ca, three certificates, one revoked
// (which moves it to revoked/certs_by_serial/), a CRL. pkitool adopts the PKI directory; openssl
// then judges pkitool's CRL against easy-rsa's own certificate files.
TEST_CASE("ca import: an easy-rsa PKI is adopted, revoked certificates included", "[cli][import]") {
    TempDir t;
    const std::string easyrsa = "EASYRSA_BATCH=1 EASYRSA_PKI=" + (t / "pki").string() + " /usr/share/easy-rsa/easyrsa ";
    const auto made = shell(easyrsa + "init-pki && EASYRSA_REQ_CN='Ersa Root' " + easyrsa + "build-ca nopass && " + easyrsa +
                                "build-client-full vm1 nopass && " + easyrsa + "build-client-full vm2 nopass && " + easyrsa +
                                "build-server-full web nopass && " + easyrsa + "revoke vm1 keyCompromise && " + easyrsa + "gen-crl",
                            t.path());
    INFO(made.out << made.err);
    REQUIRE(made.code == 0);
    const auto revoked_serial = shell("ls pki/revoked/certs_by_serial | sed 's/\\.crt$//'", t.path()).out;
    REQUIRE(revoked_serial.size() > 2);
    const auto before = shell("find pki -type f -exec sha256sum {} + | sort", t.path()).out;

    const auto r = run("ca import --dir root-ca --easyrsa pki --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto summary = json::parse(r.out);
    CHECK(summary["certificates"] == 3);
    CHECK(summary["revoked"] == 1);
    CHECK(shell("find pki -type f -exec sha256sum {} + | sort", t.path()).out == before);  // the source is only read

    const auto list = json::parse(run("db list --ca root-ca --json", t.path()).out)["certificates"];
    REQUIRE(list.size() == 3);
    CHECK(std::count_if(list.begin(), list.end(), [](const json& c) { return c["status"] == "revoked"; }) == 1);
    run_ok("crl --ca root-ca", t);
    // easy-rsa 3.1 marks its CA's basicConstraints non-critical: openssl -x509_strict refuses the
    // CA and so does pkitool's lint (the same verdict); the CRL is judged without -x509_strict.
    const auto strict = shell("openssl verify -x509_strict -CAfile root-ca/ca.crt pki/issued/vm2.crt", t.path());
    CHECK(strict.code != 0);
    CHECK_THAT(strict.out + strict.err, Catch::Contains("Basic Constraints of CA cert not marked critical"));
    const auto lint = run("lint pki/issued/vm2.crt --anchor root-ca/ca.crt", t.path());
    CHECK(lint.code == 1);
    CHECK_THAT(lint.out, Catch::Contains("rfc5280.ca.basic-constraints-critical"));
    const auto verify = [&](const std::string& cert) {
        return shell("openssl verify -crl_check -CAfile root-ca/ca.crt -CRLfile root-ca/crl.pem " + cert, t.path());
    };
    const auto bad = verify("pki/revoked/certs_by_serial/" + revoked_serial.substr(0, revoked_serial.find('\n')) + ".crt");
    CHECK(bad.code != 0);
    CHECK_THAT(bad.out + bad.err, Catch::Contains("certificate revoked"));
    CHECK(verify("pki/issued/vm2.crt").code == 0);
    CHECK(verify("pki/issued/web.crt").code == 0);
    // Refusals name what is missing; nothing is created.
    const auto no_pki = run("ca import --dir other --easyrsa root-ca", t.path());
    CHECK(no_pki.code == 1);
    CHECK_THAT(no_pki.err, Catch::Contains("not an easy-rsa PKI directory"));
    CHECK_FALSE(fs::exists(t / "other"));
    CHECK(run("ca import --dir other --easyrsa pki --cert pki/ca.crt", t.path()).code == 2);
    CHECK(run("ca import --dir other", t.path()).code == 2);
}

namespace {

// An `openssl ca` configuration for the CA in directory `dir`, with the sections the tests use.
std::string ca_config(const std::string& dir, const std::string& cn) {
    return "[ca]\ndefault_ca = CA_default\n"
           "[CA_default]\ndir = ./" + dir + "\ndatabase = $dir/index.txt\nnew_certs_dir = $dir/newcerts\n"
           "certificate = $dir/ca.crt\nprivate_key = $dir/private/ca.key\nserial = $dir/serial\n"
           "crlnumber = $dir/crlnumber\ndefault_md = sha256\ndefault_days = 365\ndefault_crl_days = 30\n"
           "policy = policy_any\nunique_subject = no\ncopy_extensions = none\n"
           "[policy_any]\ncommonName = supplied\norganizationName = optional\n"
           "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = " + cn + "\n"
           "[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
           "subjectKeyIdentifier = hash\n"
           "[v3_int]\nbasicConstraints = critical,CA:TRUE,pathlen:0\nkeyUsage = critical,keyCertSign,cRLSign\n"
           "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"
           "[v3_leaf]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n"
           "extendedKeyUsage = clientAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n";
}

// Root → intermediate with openssl, as its documentation runs a two-level CA: the root signs the
// intermediate's request with `openssl ca -extensions v3_int`, the intermediate issues three
// leaves with its own `openssl ca` and revokes vm-b.
void openssl_hierarchy(const TempDir& t) {
    std::ofstream(t / "root.cnf") << ca_config("root", "Two Level Root");
    std::ofstream(t / "int.cnf") << ca_config("int", "Two Level Issuing CA");
    const auto r = shell(
        "for d in root int; do mkdir -p $d/newcerts $d/private && touch $d/index.txt && echo 01 > $d/serial && echo 01 > $d/crlnumber || exit 1; done &&"
        "openssl genrsa -out root/private/ca.key 2048 2>/dev/null &&"
        "openssl req -config root.cnf -new -key root/private/ca.key -out root/ca.csr &&"
        "openssl ca -batch -config root.cnf -selfsign -extensions v3_ca -in root/ca.csr -out root/ca.crt -days 3650 2>/dev/null &&"
        "openssl ecparam -genkey -name prime256v1 -noout -out int/private/ca.key &&"
        "openssl req -config int.cnf -new -key int/private/ca.key -out int/ca.csr &&"
        "openssl ca -batch -config root.cnf -extensions v3_int -in int/ca.csr -out int/ca.crt -days 1825 2>/dev/null &&"
        "for n in vm-a vm-b vm-c; do openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key -subj /CN=$n -out $n.csr 2>/dev/null &&"
        "  openssl ca -batch -config int.cnf -extensions v3_leaf -in $n.csr -out $n.crt 2>/dev/null || exit 1; done &&"
        "openssl ca -batch -config int.cnf -revoke vm-b.crt -crl_reason superseded 2>/dev/null",
        t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
}

}  // namespace

TEST_CASE("ca import: an intermediate CA is adopted with its chain, and openssl judges what it issues next", "[cli][import]") {
    TempDir t;
    openssl_hierarchy(t);
    const auto r = run("ca import --dir issuing --cert int/ca.crt --key int/private/ca.key --chain root/ca.crt --openssl-index int/index.txt --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = json::parse(r.out);
    CHECK(j["certificates"] == 3);
    CHECK(j["revoked"] == 1);
    CHECK(j["intermediate"] == true);
    CHECK(j["chain_parents"] == 0);
    CHECK(j["findings"].is_array());
    // chain.pem as `ca init --parent` writes it: this CA, then its parents below the root.
    CHECK(shell("openssl x509 -in issuing/chain.pem -noout -fingerprint", t.path()).out ==
          shell("openssl x509 -in int/ca.crt -noout -fingerprint", t.path()).out);
    CHECK(shell("grep -c 'BEGIN CERTIFICATE' issuing/chain.pem", t.path()).out == "1\n");

    run_ok("issue --ca issuing --subject CN=vm-d --out vm-d.crt --key-out vm-d.key --chain-out vm-d-chain.pem --yes", t);
    run_ok("crl --ca issuing", t);
    const std::string verify = "openssl verify -x509_strict -CAfile root/ca.crt -untrusted int/ca.crt -crl_check -CRLfile issuing/crl.pem ";
    for (const auto* good : {"vm-a.crt", "vm-c.crt", "vm-d.crt"}) {
        const auto v = shell(verify + good, t.path());
        INFO(good << ": " << v.out << v.err);
        CHECK(v.code == 0);
    }
    const auto revoked = shell(verify + "vm-b.crt", t.path());
    CHECK(revoked.code != 0);
    CHECK_THAT(revoked.out + revoked.err, Catch::Contains("certificate revoked"));
    // What a client presents: the issued chain leads to the root too.
    CHECK(shell("openssl verify -x509_strict -CAfile root/ca.crt -untrusted vm-d-chain.pem vm-d.crt", t.path()).code == 0);
    // pathlen:0 on the imported CA: pkitool refuses a sub-CA under it, as validators would.
    const auto sub = run("ca init --dir deeper --parent issuing --subject CN=Deeper", t.path());
    CHECK(sub.code == 1);
    CHECK_THAT(sub.err, Catch::Contains("path length"));

    // A chain.pem-style file (the CA first, then the root) is taken as well; a certificate off the
    // path (another root of the same name) is said and left out.
    REQUIRE(shell("cat int/ca.crt root/ca.crt > full.pem && openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null -subj '/CN=Two Level Root' "
                  "-days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign -out other.crt 2>/dev/null && "
                  "cat other.crt full.pem > mixed.pem",
                  t.path()).code == 0);
    run_ok("ca import --dir issuing2 --cert int/ca.crt --key int/private/ca.key --chain full.pem", t);
    const auto mixed = run("ca import --dir issuing3 --cert int/ca.crt --key int/private/ca.key --chain mixed.pem", t.path());
    CHECK(mixed.code == 0);
    CHECK_THAT(mixed.err, Catch::Contains("mixed.pem: CN=Two Level Root (serial ") && Catch::Contains("is not on the path to the root; left out of chain.pem"));
    CHECK(shell("grep -c 'BEGIN CERTIFICATE' issuing3/chain.pem", t.path()).out == "1\n");
}

TEST_CASE("ca import: a chain that does not lead to the CA, or has no root, is refused naming the file", "[cli][import]") {
    TempDir t;
    openssl_hierarchy(t);
    REQUIRE(shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -subj '/CN=Two Level Root' -days 30 "
                  "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign -out other-root.crt 2>/dev/null",
                  t.path()).code == 0);
    const auto refused = [&](const std::string& args, const std::string& needle) {
        const auto r = run("ca import --dir issuing --cert int/ca.crt --key int/private/ca.key " + args, t.path());
        INFO(args << "\n" << r.err);
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: ") && Catch::Contains(needle));
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 2);  // the error line and at most one hint
        CHECK_FALSE(fs::exists(t / "issuing"));
    };
    refused("", "int/ca.crt: not self-signed: an intermediate CA is imported with its chain");
    // Same name as the real root, another key: the signature does not verify.
    refused("--chain other-root.crt", "other-root.crt: does not lead from int/ca.crt to a root: ra.chain.");
    refused("--chain vm-a.crt", "vm-a.crt: ends at CN=vm-a");
    refused("--chain vm-a.crt", "which is not self-signed");
    refused("--chain int/ca.crt", "int/ca.crt: holds no certificate but int/ca.crt itself");
    const auto root = run("ca import --dir r --cert root/ca.crt --key root/private/ca.key --chain root/ca.crt", t.path());
    CHECK(root.code == 1);
    CHECK_THAT(root.err, Catch::Contains("root/ca.crt: is self-signed"));
}

// easy-rsa 3.1 builds a sub-CA with `build-ca subca` (a request in reqs/ca.req); the root PKI
// signs it with `sign-req ca`, and the signed certificate becomes the sub-CA's ca.crt.
TEST_CASE("ca import: an easy-rsa sub-CA is adopted with --chain, and told what lint finds", "[cli][import]") {
    TempDir t;
    const auto easyrsa = [&](const std::string& pki) { return "EASYRSA_BATCH=1 EASYRSA_PKI=" + (t / pki).string() + " /usr/share/easy-rsa/easyrsa "; };
    const auto made = shell(easyrsa("root") + "init-pki && EASYRSA_REQ_CN='Ersa Root' " + easyrsa("root") + "build-ca nopass && " + easyrsa("sub") +
                                "init-pki && EASYRSA_REQ_CN='Ersa Sub' " + easyrsa("sub") + "build-ca nopass subca && " + easyrsa("root") +
                                "import-req sub/reqs/ca.req sub && " + easyrsa("root") + "sign-req ca sub && cp root/issued/sub.crt sub/ca.crt && " +
                                easyrsa("sub") + "build-client-full vm1 nopass && " + easyrsa("sub") + "build-client-full vm2 nopass && " + easyrsa("sub") +
                                "revoke vm1 keyCompromise",
                            t.path());
    INFO(made.out << made.err);
    REQUIRE(made.code == 0);
    const auto r = run("ca import --dir sub-ca --easyrsa sub --chain root/ca.crt", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    // easy-rsa marks its CAs' basicConstraints non-critical: lint's verdict, told at import.
    CHECK_THAT(r.err, Catch::Contains("lint: error rfc5280.ca.basic-constraints-critical: CN=Ersa Sub"));
    CHECK_THAT(r.err, Catch::Contains("fix: "));
    CHECK_THAT(r.err, Catch::Contains("2 certificate(s), 1 revoked (0 on hold)"));
    run_ok("crl --ca sub-ca", t);
    const std::string verify = "openssl verify -CAfile root/ca.crt -untrusted sub-ca/chain.pem -crl_check -CRLfile sub-ca/crl.pem ";
    CHECK(shell(verify + "sub/issued/vm2.crt", t.path()).code == 0);
    const auto revoked = shell(verify + "sub/revoked/certs_by_serial/*.crt", t.path());
    CHECK(revoked.code != 0);
    CHECK_THAT(revoked.out + revoked.err, Catch::Contains("certificate revoked"));
    const auto j = json::parse(run("ca import --dir sub-ca2 --easyrsa sub --chain root/ca.crt --json", t.path()).out);
    const auto& findings = j["findings"];
    CHECK(std::any_of(findings.begin(), findings.end(), [](const json& f) {
        return f["rule"] == "rfc5280.ca.basic-constraints-critical" && f["severity"] == "error" && !f["fix"].get<std::string>().empty();
    }));
}

namespace {

// A root CA with six leaves, each revoked in one of the forms `openssl ca` knows for holds and
// compromise, and openssl's own CRL of them.
void openssl_holds(const TempDir& t) {
    std::ofstream(t / "ca.cnf") << ca_config("ossl", "Hold Root");
    const auto r = shell(
        "mkdir -p ossl/newcerts ossl/private && touch ossl/index.txt && echo 1000 > ossl/serial && echo 10 > ossl/crlnumber &&"
        "openssl genrsa -out ossl/private/ca.key 2048 2>/dev/null &&"
        "openssl req -config ca.cnf -new -key ossl/private/ca.key -out ossl/ca.csr &&"
        "openssl ca -batch -config ca.cnf -selfsign -extensions v3_ca -in ossl/ca.csr -out ossl/ca.crt -days 3650 2>/dev/null &&"
        "for n in a b c d e f; do openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key -subj /CN=$n -out $n.csr 2>/dev/null &&"
        "  openssl ca -batch -config ca.cnf -extensions v3_leaf -in $n.csr -out $n.crt 2>/dev/null || exit 1; done &&"
        "openssl ca -batch -config ca.cnf -revoke a.crt -crl_hold holdInstructionReject 2>/dev/null &&"
        "openssl ca -batch -config ca.cnf -revoke b.crt -crl_reason certificateHold 2>/dev/null &&"
        "openssl ca -batch -config ca.cnf -revoke c.crt -crl_reason removeFromCRL 2>/dev/null &&"
        "openssl ca -batch -config ca.cnf -revoke d.crt -crl_hold 1.2.840.10040.2.2 2>/dev/null &&"
        "openssl ca -batch -config ca.cnf -revoke e.crt -crl_compromise 20240101000000Z 2>/dev/null &&"
        "openssl ca -batch -config ca.cnf -revoke f.crt -crl_reason cessationOfOperation 2>/dev/null &&"
        "openssl ca -batch -config ca.cnf -gencrl -out ossl/crl.pem 2>/dev/null",
        t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
}

// `openssl crl -text`'s revoked entries by serial, each the text of its block.
std::map<std::string, std::string> crl_entries(const std::string& crl, const TempDir& t) {
    const auto text = shell("openssl crl -in " + crl + " -noout -text", t.path()).out;
    std::map<std::string, std::string> out;
    const std::string marker = "    Serial Number: ";
    for (size_t at = text.find(marker); at != std::string::npos;) {
        const size_t next = text.find(marker, at + 1);
        const size_t end = std::min(next, text.find("    Signature Algorithm", at));
        const auto block = text.substr(at, end - at);
        out[block.substr(marker.size(), block.find('\n') - marker.size())] = block;
        at = next;
    }
    return out;
}

}  // namespace

TEST_CASE("ca import: holds are revocations with reason certificateHold and their instruction, as openssl's CRL has them", "[cli][import]") {
    TempDir t;
    openssl_holds(t);
    const auto r = run("ca import --dir root-ca --cert ossl/ca.crt --key ossl/private/ca.key --openssl-index ossl/index.txt", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("ossl/index.txt:4: serial 1003: removeFromCRL, a released hold: recorded as not revoked"));
    CHECK_THAT(r.err, Catch::Contains("7 certificate(s), 5 revoked (3 on hold)"));
    run_ok("crl --ca root-ca", t);

    // The oracle: openssl's own CRL of the same index. Every entry it lists is in pkitool's, with
    // the same date, reason and hold instruction code; two differences are by design: the
    // released hold 1003 is left out (openssl lists it as removeFromCRL, which only a delta CRL
    // may carry), and -crl_compromise's Invalidity Date is not kept.
    auto theirs = crl_entries("ossl/crl.pem", t);
    const auto ours = crl_entries("root-ca/crl.pem", t);
    REQUIRE(theirs.size() == 6);
    CHECK_THAT(theirs["1003"], Catch::Contains("Remove From CRL"));
    theirs.erase("1003");
    const auto invalidity = theirs["1005"].find("            Invalidity Date:");
    REQUIRE(invalidity != std::string::npos);
    theirs["1005"] = theirs["1005"].substr(0, invalidity);
    CHECK(ours == theirs);
    CHECK_THAT(ours.at("1001"), Catch::Contains("Certificate Hold") && Catch::Contains("Hold Instruction Reject"));
    CHECK_THAT(ours.at("1004"), Catch::Contains("Hold Instruction Call Issuer"));
    CHECK_THAT(ours.at("1002"), Catch::Contains("Certificate Hold") && !Catch::Contains("Hold Instruction Code"));

    const std::string verify = "openssl verify -crl_check -CAfile ossl/ca.crt -CRLfile root-ca/crl.pem ";
    const auto held = shell(verify + "a.crt", t.path());
    CHECK(held.code != 0);
    CHECK_THAT(held.out + held.err, Catch::Contains("certificate revoked"));
    // removeFromCRL: valid again, for openssl reading its own CRL and for pkitool's.
    CHECK(shell("openssl verify -crl_check -CAfile ossl/ca.crt -CRLfile ossl/crl.pem c.crt", t.path()).code == 0);
    CHECK(shell(verify + "c.crt", t.path()).code == 0);

    // db list and show say it.
    const auto shown = run("db show --ca root-ca 1001", t.path());
    CHECK_THAT(shown.out, Catch::Contains("Status: revoked (certificateHold, ") && Catch::Contains("hold instruction holdInstructionReject)"));
    const auto listed = json::parse(run("db list --ca root-ca --status revoked --json", t.path()).out)["certificates"];
    CHECK(std::count_if(listed.begin(), listed.end(), [](const json& c) { return c["revocation"]["reason"] == "certificateHold"; }) == 3);
    CHECK(json::parse(run("db show --ca root-ca 1001 --json", t.path()).out)["revocation"]["hold_instruction"] == "1.2.840.10040.2.3");
    CHECK(json::parse(run("db show --ca root-ca 1003 --json", t.path()).out)["status"] == "valid");

    // pkitool puts nothing on hold itself, but makes a hold final.
    CHECK(run("revoke --ca root-ca 1004 --reason certificateHold", t.path()).code == 2);
    run_ok("revoke --ca root-ca 1001 --reason keyCompromise", t);
    run_ok("crl --ca root-ca", t);
    const auto after = crl_entries("root-ca/crl.pem", t);
    CHECK_THAT(after.at("1001"), Catch::Contains("Key Compromise") && !Catch::Contains("Hold"));
    CHECK(after.size() == 5);
}

TEST_CASE("ca import --allow-missing: index lines without their file are recorded from the line, and said so", "[cli][import]") {
    TempDir t;
    openssl_ca(t);
    // vm-b (revoked) and vm-c (valid) lost their newcerts/ files.
    const auto serial_of = [&](const std::string& cert) { return openssl_serial(cert, t); };
    const auto b = serial_of("vm-b.crt"), c = serial_of("vm-c.crt");
    REQUIRE(shell("cp -r ossl/newcerts partial && rm partial/" + b + ".pem partial/" + c + ".pem", t.path()).code == 0);
    const std::string args = "ca import --cert ossl/ca.crt --key ossl/private/ca.key --openssl-index ossl/index.txt --newcerts partial ";
    const auto refused = run(args + "--dir root-ca", t.path());
    CHECK(refused.code == 1);
    CHECK_THAT(refused.err, Catch::Contains("serial " + b + " has no certificate file"));

    const auto r = run(args + "--dir root-ca --allow-missing", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("ossl/index.txt:3: serial " + b + ": no certificate file (partial/" + b + ".pem); recorded from the index line alone"));
    CHECK_THAT(r.err, Catch::Contains("ossl/index.txt:4: serial " + c + ": no certificate file"));
    CHECK_THAT(r.err, Catch::Contains("4 certificate(s), 1 revoked (0 on hold), 2 without their file"));
    const auto j = json::parse(run(args + "--dir root-ca2 --allow-missing --json", t.path()).out);
    CHECK(j["missing"] == 2);
    CHECK(j["missing_certificates"].size() == 2);

    // Every reader of the DER copes: show, show --pem, show --json, list, check.
    const auto shown = run("db show --ca root-ca " + c, t.path());
    CHECK(shown.code == 0);
    CHECK_THAT(shown.out, Catch::Contains("Subject: CN=vm-c") && Catch::Contains("certificate file was missing at import"));
    const auto pem = run("db show --ca root-ca " + c + " --pem", t.path());
    CHECK(pem.code == 1);
    CHECK(pem.out.empty());
    CHECK_THAT(pem.err, Catch::Contains(c + ": certificate file was missing at import"));
    const auto sj = json::parse(run("db show --ca root-ca " + c + " --json", t.path()).out);
    CHECK(sj["certificate"].is_null());
    CHECK(sj["pem"].is_null());
    CHECK(sj["not_before"].is_null());
    CHECK(sj["certificate_missing"] == true);
    CHECK(sj["status"] == "valid");
    const auto list = json::parse(run("db list --ca root-ca --json", t.path()).out);
    CHECK(list["count"] == 4);
    CHECK_THAT(run("db list --ca root-ca", t.path()).out, Catch::Contains("CN=vm-c"));
    const auto check = run("db check --ca root-ca", t.path());
    CHECK(check.code == 0);
    CHECK_THAT(check.out, Catch::Contains(c + "  CN=vm-c  certificate file was missing at import"));
    // The revoked one is still on the CRL: openssl refuses vm-b with pkitool's CRL.
    run_ok("crl --ca root-ca", t);
    const std::string verify = "openssl verify -crl_check -CAfile ossl/ca.crt -CRLfile root-ca/crl.pem ";
    const auto revoked = shell(verify + "vm-b.crt", t.path());
    CHECK(revoked.code != 0);
    CHECK_THAT(revoked.out + revoked.err, Catch::Contains("certificate revoked"));
    CHECK(shell(verify + "vm-c.crt", t.path()).code == 0);
    // And it can still be revoked by serial.
    run_ok("revoke --ca root-ca " + c + " --reason superseded", t);
}

// pathLenConstraint above the imported CA (RFC 5280 §4.2.1.9): a root allowing no CA below it
// refuses the chain, as openssl does; a root allowing one level only is said, since pkitool keeps
// chain.pem without the root.
TEST_CASE("ca import: the root's path length is judged on import", "[cli][import]") {
    TempDir t;
    const auto made = shell(
        "for p in 0 1; do openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root$p.key -subj /CN=Root$p -days 90 "
        "  -addext basicConstraints=critical,CA:TRUE,pathlen:$p -addext keyUsage=critical,keyCertSign,cRLSign -out root$p.crt 2>/dev/null &&"
        "  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int$p.key -subj /CN=Int$p -out int$p.csr 2>/dev/null &&"
        "  printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign,cRLSign\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid\\n' > ext.cnf &&"
        "  openssl x509 -req -in int$p.csr -CA root$p.crt -CAkey root$p.key -CAcreateserial -days 30 -extfile ext.cnf -out int$p.crt 2>/dev/null || exit 1; done",
        t.path());
    INFO(made.err);
    REQUIRE(made.code == 0);
    CHECK(shell("openssl verify -x509_strict -CAfile root0.crt int0.crt", t.path()).code == 0);  // a CA's own path ends at it
    const auto refused = run("ca import --dir i0 --cert int0.crt --key int0.key --chain root0.crt", t.path());
    CHECK(refused.code == 1);
    CHECK_THAT(refused.err, Catch::Contains("root0.crt: the CA chain already breaks a path length constraint: pathlen:0 with 1 CA levels below: "
                                            "nothing int0.crt issues would be accepted by a validator"));
    CHECK_FALSE(fs::exists(t / "i0"));
    const auto warned = run("ca import --dir i1 --cert int1.crt --key int1.key --chain root1.crt --json", t.path());
    INFO(warned.err);
    REQUIRE(warned.code == 0);
    const auto findings = json::parse(warned.out)["findings"];
    CHECK(std::any_of(findings.begin(), findings.end(), [](const json& f) {
        return f["rule"] == "ca.import.root-path-len" && f["severity"] == "warning" &&
               f["message"].get<std::string>().find("allows 0 CA level(s) below this CA") != std::string::npos;
    }));
}

// The path engine stops searching past a depth; a chain deeper than that reached no root, and
// adopting its last intermediate as the root would have dropped it from chain.pem.
TEST_CASE("ca import: a chain too deep to reach its root is refused, not cut short", "[cli][import]") {
    TempDir t;
    std::ofstream(t / "ca.ext") << "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                                   "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
    must(shell("set -e\n"
               "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout c0.key -subj /CN=c0 -days 30 "
               "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out c0.crt 2>/dev/null\n"
               "cp c0.crt chain.pem\n"
               "for i in $(seq 1 20); do\n"
               "  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout c$i.key -subj /CN=c$i -out c$i.csr 2>/dev/null\n"
               "  openssl x509 -req -in c$i.csr -CA c$((i-1)).crt -CAkey c$((i-1)).key -set_serial $i -days 30 -extfile ca.ext -out c$i.crt 2>/dev/null\n"
               "  [ $i -lt 20 ] && cat c$i.crt >> chain.pem\n"
               "done\n"
               "true",
               t.path()));
    // openssl, told to go deep enough, finds the path: the chain is sound, only long.
    must(shell("openssl verify -verify_depth 30 -CAfile c0.crt -untrusted chain.pem c20.crt", t.path()));
    const auto r = run("ca import --dir deep --cert c20.crt --key c20.key --chain chain.pem", t.path());
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: chain.pem: does not lead from c20.crt to a"));
    CHECK_FALSE(fs::exists(t / "deep"));
}
