// ca import (issue #10): a CA built and run with `openssl ca` exactly as the AWS Roles Anywhere
// blog does (req, ca -selfsign, three leaves, a keyCompromise revocation, a CRL) is adopted;
// openssl then judges pkitool's CRL and the certificates pkitool issues next.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

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
