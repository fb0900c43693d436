// End to end: `pkitool ca renew` (issue #13), judged by the openssl command: what the CA issued
// before keeps verifying against the renewed certificate (same key), or old relying parties reach
// the new key through the cross-certificate (--rekey).
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace pkitool::test;

namespace {

// The extension lines of `openssl x509 -text` that must survive a renewal.
std::string extensions(const std::string& cert, const TempDir& t) {
    return shell("openssl x509 -in " + cert + " -noout -ext basicConstraints,keyUsage,subjectKeyIdentifier", t.path()).out;
}

std::string verify(const std::string& args, const TempDir& t) {
    const auto r = shell("openssl verify -x509_strict " + args + " 2>&1", t.path());
    return r.out;
}

std::string public_key(const std::string& key, const TempDir& t) { return shell("openssl pkey -in " + key + " -pubout", t.path()).out; }

}  // namespace

TEST_CASE("ca renew: a root keeps its key, and what it issued verifies against the new certificate", "[cli][ca][ca-renew]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Test Root CA,O=Example\" --path-len 1 --days 30", t);
    run_ok("issue --ca root-ca --subject CN=old-vm --days 10 --out old.crt --key-out old.key --yes", t);
    const auto old_serial = openssl_serial("root-ca/ca.crt", t);
    const auto old_pem = slurp(t / "root-ca/ca.crt");
    const auto old_ext = extensions("root-ca/ca.crt", t);
    const auto old_pub = public_key("root-ca/private/ca.key", t);

    const auto r = run("ca renew --dir root-ca --days 3650 --yes", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("same key: every certificate this CA issued verifies against the new certificate"));
    CHECK(openssl_serial("root-ca/ca.crt", t) != old_serial);
    CHECK(slurp(t / ("root-ca/previous/" + old_serial + ".crt")) == old_pem);
    CHECK(extensions("root-ca/ca.crt", t) == old_ext);
    CHECK_THAT(old_ext, Catch::Contains("pathlen:1"));
    CHECK(shell("openssl x509 -in root-ca/ca.crt -noout -subject", t.path()).out ==
          shell("openssl x509 -in root-ca/previous/" + old_serial + ".crt -noout -subject", t.path()).out);
    CHECK(public_key("root-ca/private/ca.key", t) == old_pub);
    // The oracle: the leaf issued before verifies against the new root alone.
    CHECK(verify("-CAfile root-ca/ca.crt old.crt", t) == "old.crt: OK\n");
    // The renewed certificate lasts the days asked.
    CHECK_THAT(shell("openssl x509 -in root-ca/ca.crt -noout -checkend " + std::to_string(3000 * 86400), t.path()).out,
               Catch::Contains("will not expire"));
    // The CA still opens (the inventory follows its certificate) and issues under the new one.
    run_ok("issue --ca root-ca --subject CN=new-vm --out new.crt --key-out new.key --yes", t);
    CHECK(verify("-CAfile root-ca/ca.crt new.crt", t) == "new.crt: OK\n");
    CHECK(run("db list --ca root-ca", t.path()).code == 0);
    CHECK_FALSE(fs::exists(t / "root-ca/renewal.commit"));
    CHECK_FALSE(fs::exists(t / "root-ca/ca.crt.next"));
}

TEST_CASE("ca renew: an intermediate is renewed by its parent, its chain updated", "[cli][ca][ca-renew]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Test Root CA\"", t);
    run_ok("ca init --dir issuing-ca --parent root-ca --subject \"CN=Test Issuing CA\" --path-len 0 --days 60", t);
    run_ok("issue --ca issuing-ca --subject CN=old-vm --days 10 --out old.crt --key-out old.key --yes", t);
    const auto old_serial = openssl_serial("issuing-ca/ca.crt", t);
    const auto old_ext = extensions("issuing-ca/ca.crt", t);

    const auto no_parent = run("ca renew --dir issuing-ca --yes", t.path());
    CHECK(no_parent.code == 1);
    CHECK_THAT(no_parent.err, Catch::Contains("issuing-ca/ca.crt: an intermediate CA is renewed by its parent"));
    CHECK_THAT(no_parent.err, Catch::Contains("--parent PARENT_DIR"));
    CHECK(openssl_serial("issuing-ca/ca.crt", t) == old_serial);  // nothing written

    const auto wrong_parent = run("ca renew --dir root-ca --parent issuing-ca --yes", t.path());
    CHECK(wrong_parent.code == 1);
    CHECK_THAT(wrong_parent.err, Catch::Contains("a root CA signs itself"));

    const auto r = run("--json ca renew --dir issuing-ca --parent root-ca --yes", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["previous_path"] == "issuing-ca/previous/" + old_serial + ".crt");
    CHECK(j["rekey"] == false);
    const auto new_serial = openssl_serial("issuing-ca/ca.crt", t);
    CHECK(new_serial != old_serial);
    CHECK(j["serial_in_parent"] == new_serial);
    CHECK(extensions("issuing-ca/ca.crt", t) == old_ext);
    // chain.pem starts with the renewed certificate.
    CHECK(openssl_serial("issuing-ca/chain.pem", t) == new_serial);
    CHECK(verify("-CAfile root-ca/ca.crt -untrusted issuing-ca/chain.pem old.crt", t) == "old.crt: OK\n");
    CHECK(verify("-CAfile root-ca/ca.crt issuing-ca/ca.crt", t) == "issuing-ca/ca.crt: OK\n");
    // The parent recorded it.
    CHECK(run("db show --ca root-ca " + new_serial, t.path()).code == 0);
    run_ok("issue --ca issuing-ca --subject CN=new-vm --days 10 --out new.crt --key-out new.key --yes", t);
    CHECK(verify("-CAfile root-ca/ca.crt -untrusted issuing-ca/chain.pem new.crt", t) == "new.crt: OK\n");
}

TEST_CASE("ca renew --rekey: a new key, a cross-certificate from the old one, and what to re-upload", "[cli][ca][ca-renew]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Test Root CA\"", t);
    const auto old_serial = openssl_serial("root-ca/ca.crt", t);
    const auto old_pub = public_key("root-ca/private/ca.key", t);

    const auto r = run("ca renew --dir root-ca --rekey --yes", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("re-upload root-ca/ca.crt as the Roles Anywhere trust anchor"));
    CHECK(public_key("root-ca/private/ca.key", t) != old_pub);
    CHECK(mode_of(t / "root-ca/private/ca.key") == 0600);
    CHECK(public_key("root-ca/previous/" + old_serial + ".key", t) == old_pub);
    CHECK(mode_of(t / ("root-ca/previous/" + old_serial + ".key")) == 0600);
    // The new certificate's key is the new key.
    CHECK(shell("openssl x509 -in root-ca/ca.crt -noout -pubkey", t.path()).out == public_key("root-ca/private/ca.key", t));

    run_ok("issue --ca root-ca --subject CN=new-vm --out new.crt --key-out new.key --yes", t);
    CHECK(verify("-CAfile root-ca/ca.crt new.crt", t) == "new.crt: OK\n");
    // A relying party that trusts only the old root reaches the new key through cross.pem.
    const auto old_root = "root-ca/previous/" + old_serial + ".crt";
    CHECK(verify("-CAfile " + old_root + " new.crt", t) != "new.crt: OK\n");
    CHECK(verify("-CAfile " + old_root + " -untrusted root-ca/cross.pem new.crt", t) == "new.crt: OK\n");

    // A second rekey: the first cross-certificate is kept beside the certificate it came after,
    // so a party still trusting the first root reaches the third key through both.
    const auto first_cross = slurp(t / "root-ca/cross.pem");
    const auto second_serial = openssl_serial("root-ca/ca.crt", t);
    run_ok("ca renew --dir root-ca --rekey --yes", t);
    CHECK(slurp(t / ("root-ca/previous/" + second_serial + ".cross.pem")) == first_cross);
    CHECK_FALSE(fs::exists(t / "root-ca/cross.pem.next"));
    run_ok("issue --ca root-ca --subject CN=third-vm --out third.crt --key-out third.key --yes", t);
    // The cross-certificates alone (each file also holds the self-signed certificate it came
    // after, which openssl would otherwise take as the end of the chain).
    must(shell("(openssl x509 -in root-ca/cross.pem; openssl x509 -in root-ca/previous/" + second_serial + ".cross.pem) > both.pem", t.path()));
    CHECK(verify("-CAfile " + old_root + " -untrusted both.pem third.crt", t) == "third.crt: OK\n");
}

TEST_CASE("ca renew: files staged by a renewal that crashed before its commit are dropped", "[cli][ca][ca-renew]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Test Root CA\"", t);
    const auto before = slurp(t / "root-ca/ca.crt");
    // A crash after staging, before the commit marker: the old CA stays as it was.
    must(shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root-ca/private/ca.key.next "
               "-subj /CN=half -out root-ca/ca.crt.next 2>/dev/null",
               t.path()));
    run_ok("issue --ca root-ca --subject CN=vm --out vm.crt --key-out vm.key --yes", t);
    CHECK(slurp(t / "root-ca/ca.crt") == before);
    CHECK_FALSE(fs::exists(t / "root-ca/ca.crt.next"));
    CHECK_FALSE(fs::exists(t / "root-ca/private/ca.key.next"));
    CHECK(verify("-CAfile root-ca/ca.crt vm.crt", t) == "vm.crt: OK\n");
}

TEST_CASE("ca renew: a renewal that crashed after its commit marker is finished by the next command", "[cli][ca][ca-renew]") {
    TempDir t;
    run_ok("ca init --dir root-ca --subject \"CN=Test Root CA\"", t);
    // The renewed certificate, made on a copy, staged in the original with the marker written: the
    // state a crash between the marker and the moves leaves behind.
    must(shell("cp -a root-ca copy-ca", t.path()));
    run_ok("ca renew --dir copy-ca --yes", t);
    const auto fp = [&](const std::string& cert) {
        auto out = shell("openssl x509 -in " + cert + " -outform DER | sha256sum", t.path()).out;
        return out.substr(0, 64);
    };
    must(shell("cp copy-ca/ca.crt root-ca/ca.crt.next && printf '%s\\n%s\\n' " + fp("root-ca/ca.crt") + " " + fp("copy-ca/ca.crt") +
                   " > root-ca/renewal.commit",
               t.path()));
    run_ok("issue --ca root-ca --subject CN=vm --out vm.crt --key-out vm.key --yes", t);
    CHECK(slurp(t / "root-ca/ca.crt") == slurp(t / "copy-ca/ca.crt"));
    CHECK_FALSE(fs::exists(t / "root-ca/renewal.commit"));
    CHECK_FALSE(fs::exists(t / "root-ca/ca.crt.next"));
    CHECK(verify("-CAfile root-ca/ca.crt vm.crt", t) == "vm.crt: OK\n");
    CHECK(run("db list --ca root-ca", t.path()).code == 0);  // the inventory follows the certificate
}
