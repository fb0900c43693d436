// Trust decisions as users reach them (issue #8): pathLenConstraint at issuance and in lint and
// emulate, unknown critical extensions, and `show` naming every extension. openssl is the oracle.
#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;
using nlohmann::json;

namespace {

// A CreateSession by the independent Python client against a quick-form emulator of `anchor`.
json session(const TempDir& t, const std::string& anchor, const std::string& cert, const std::string& key, const std::string& chain = "") {
    Background emulate(std::string("'") + PKITOOL_BINARY + "' emulate --anchor " + anchor + " --port 0 --json", t.path(), "endpoint", 60);
    const auto info = json::parse(emulate.ready_line());
    const auto r = shell("timeout 60 /usr/bin/python3 '" PKITOOL_SOURCE_DIR "/tests/support/create_session.py' '" + info["endpoint"].get<std::string>() +
                             "' " + cert + " " + key + " '" + info["trustAnchorArn"].get<std::string>() + "' '" + info["profileArn"].get<std::string>() +
                             "' '" + info["roleArn"].get<std::string>() + "' '{}' '" + chain + "'",
                         t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return json::parse(r.out);
}

}  // namespace

TEST_CASE("trust: a CA under pathlen:0 is never issued, and one made elsewhere is refused by lint and emulate", "[cli][trust]") {
    TempDir t;
    run_ok("ca init --dir root --subject \"CN=Root\" --path-len 0", t);
    // Defect 1: `issue --profile intermediate-ca` used to sign it; a fleet row too.
    auto r = run("issue --ca root --profile intermediate-ca --subject CN=Sub --out sub.crt --key-out sub.key --yes", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("allows no CA below it"));
    CHECK(!fs::exists(t / "sub.crt"));
    CHECK(!fs::exists(t / "sub.key"));
    fs::create_directory(t / "fleet");
    std::ofstream(t / "fleet.csv") << "name,subject,san,key_type,days,profile\nvm-01,CN=vm-01,,,,\nsub,CN=Sub,,,,intermediate-ca\n";
    r = run("issue --ca root --batch fleet.csv --out-dir fleet --yes", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("allows no CA below it"));
    CHECK(fs::is_empty(t / "fleet"));
    CHECK(json::parse(run("db list --ca root --json", t.path()).out)["count"] == 0);

    // The same sub-CA made with openssl under pkitool's root, and a leaf under it.
    const auto made = shell(
        "printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign,cRLSign\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid\\n' > ca.ext &&"
        "printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid\\n' > leaf.ext &&"
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sub.key &&"
        "openssl req -new -key sub.key -subj /CN=Sub -out sub.csr &&"
        "openssl x509 -req -in sub.csr -CA root/ca.crt -CAkey root/private/ca.key -set_serial 7 -days 5 -sha256 -extfile ca.ext -out sub.crt &&"
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out vm.key &&"
        "openssl req -new -key vm.key -subj /CN=vm -out vm.csr &&"
        "openssl x509 -req -in vm.csr -CA sub.crt -CAkey sub.key -set_serial 8 -days 5 -sha256 -extfile leaf.ext -out vm.crt",
        t.path());
    INFO(made.err);
    REQUIRE(made.code == 0);
    const auto verify = shell("openssl verify -x509_strict -CAfile root/ca.crt -untrusted sub.crt vm.crt", t.path());
    CHECK(verify.code != 0);
    CHECK_THAT(verify.out + verify.err, Catch::Contains("path length constraint exceeded"));
    r = run("lint vm.crt --chain sub.crt --anchor root/ca.crt", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Catch::Contains("ra.chain.path-len"));
    const auto s = session(t, "root/ca.crt", "vm.crt", "vm.key", "sub.crt");
    CHECK(s["status"] == 403);
    CHECK_THAT(s["body"]["message"].get<std::string>(), Catch::Contains("[ra.chain.path-len]"));
}

TEST_CASE("trust: an unknown critical extension is refused by lint and emulate, and shown by show", "[cli][trust]") {
    TempDir t;
    run_ok("ca init --dir root --subject \"CN=Root\"", t);
    const auto made = shell(
        "printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nsubjectKeyIdentifier=hash\\n"
        "authorityKeyIdentifier=keyid\\n1.3.6.1.4.1.55555.7=critical,ASN1:NULL\\n' > leaf.ext &&"
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out vm.key &&"
        "openssl req -new -key vm.key -subj /CN=vm -out vm.csr &&"
        "openssl x509 -req -in vm.csr -CA root/ca.crt -CAkey root/private/ca.key -set_serial 9 -days 5 -sha256 -extfile leaf.ext -out vm.crt",
        t.path());
    INFO(made.err);
    REQUIRE(made.code == 0);
    const auto verify = shell("openssl verify -x509_strict -CAfile root/ca.crt vm.crt", t.path());
    CHECK(verify.code != 0);
    CHECK_THAT(verify.out + verify.err, Catch::Contains("unsupported certificate extension") || Catch::Contains("unhandled critical extension"));
    auto r = run("lint vm.crt --anchor root/ca.crt", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Catch::Contains("ra.chain.critical-extension") && Catch::Contains("1.3.6.1.4.1.55555.7"));
    const auto s = session(t, "root/ca.crt", "vm.crt", "vm.key");
    CHECK(s["status"] == 403);
    CHECK_THAT(s["body"]["message"].get<std::string>(), Catch::Contains("1.3.6.1.4.1.55555.7") && Catch::Contains("[ra.chain.critical-extension]"));
    r = run("show vm.crt", t.path());
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("1.3.6.1.4.1.55555.7") && Catch::Contains("critical"));
}
