// Inputs every command reads the same way: `-` for standard input (pipes and redirections, capped
// like files), and OpenSSL's TRUSTED CERTIFICATE files, which show and lint both read.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;

namespace {

const std::string kPkitool = std::string("'") + PKITOOL_BINARY + "'";

struct Fixture {
    TempDir t;
    Fixture() {
        run_ok("ca init --dir ca --subject CN=Root", t);
        run_ok("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --yes", t);
    }
    Result sh(const std::string& command) const { return shell(command, t.path()); }
};

}  // namespace

TEST_CASE("input: a TRUSTED CERTIFICATE file is a certificate to show and to lint", "[cli][input]") {
    Fixture f;
    // `-trustout` alone writes the certificate under the label; `-addtrust` appends OpenSSL's trust
    // settings (X509_CERT_AUX) after its DER.
    REQUIRE(f.sh("openssl x509 -in vm.crt -trustout -out plain.pem && "
                 "openssl x509 -in vm.crt -trustout -addtrust clientAuth -setalias vm -out trusted.pem").code == 0);
    REQUIRE_THAT(slurp(f.t / "trusted.pem"), Catch::StartsWith("-----BEGIN TRUSTED CERTIFICATE-----"));
    const auto serial = openssl_serial("vm.crt", f.t);
    for (const auto* file : {"plain.pem", "trusted.pem"}) {
        INFO(file);
        const auto shown = run(std::string("show --json ") + file, f.t.path());
        INFO(shown.err);
        REQUIRE(shown.code == 0);
        const auto j = nlohmann::json::parse(shown.out)["objects"];
        REQUIRE(j.size() == 1);
        CHECK(j[0]["kind"] == "certificate");
        CHECK(j[0]["serial"] == serial);
        const auto linted = run(std::string("lint --json --anchor ca/ca.crt ") + file, f.t.path());
        INFO(linted.out);
        CHECK(linted.code == 0);
        CHECK(nlohmann::json::parse(linted.out)["summary"]["certificates"] == 1);
    }
    // Bytes after the trust settings are refused by both, as after any certificate.
    REQUIRE(f.sh("openssl x509 -in vm.crt -trustout -addtrust clientAuth -outform DER -out t.der && printf 'junk' >> t.der && "
                 "{ echo '-----BEGIN TRUSTED CERTIFICATE-----'; base64 t.der; echo '-----END TRUSTED CERTIFICATE-----'; } > junk.pem").code == 0);
    const auto show_junk = run("show junk.pem", f.t.path());
    CHECK(show_junk.code == 1);
    CHECK_THAT(show_junk.err, Catch::StartsWith("pkitool: error: junk.pem: certificate #1 has bytes after its DER encoding"));
    const auto lint_junk = run("lint junk.pem", f.t.path());
    CHECK(lint_junk.code == 1);
    CHECK_THAT(lint_junk.out, Catch::Contains("lint.parse") && Catch::Contains("certificate #1 has bytes after its DER encoding"));
}

TEST_CASE("input: - reads standard input wherever a file is read", "[cli][input]") {
    Fixture f;
    run_ok("csr new --key vm.key --subject CN=piped --out piped.csr", f.t);

    // A pipe, a redirection and /dev/stdin.
    auto r = f.sh("cat vm.crt | " + kPkitool + " show --json -");
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out)["objects"][0];
    CHECK(j["subject"] == "CN=vm");
    CHECK(j["path"] == "-");
    CHECK(f.sh(kPkitool + " show - < vm.crt").code == 0);
    CHECK_THAT(f.sh("cat vm.crt | " + kPkitool + " show /dev/stdin").out, Catch::Contains("Subject: CN=vm"));

    r = f.sh("cat vm.crt | " + kPkitool + " lint --json --anchor ca/ca.crt -");
    CHECK(r.code == 0);
    CHECK(nlohmann::json::parse(r.out)["certificates"][0]["source"] == "-");

    r = f.sh("cat piped.csr | " + kPkitool + " issue --ca ca --csr - --out piped.crt --yes");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(f.sh("openssl verify -CAfile ca/ca.crt piped.crt").code == 0);
    CHECK_THAT(f.sh("openssl x509 -in piped.crt -noout -subject").out, Catch::Contains("CN = piped"));

    r = f.sh("cat vm.key | " + kPkitool + " key show --json -");
    CHECK(r.code == 0);
    CHECK(nlohmann::json::parse(r.out)["type"] == "ec:p256");

    // Errors call it standard input; it is capped like a file, and read once only.
    r = f.sh("head -c 5000000 /dev/zero | " + kPkitool + " show -");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: standard input: larger than 4 MiB"));
    r = f.sh("head -c 5000000 /dev/zero | " + kPkitool + " issue --ca ca --csr - --out big.crt --yes");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("standard input: larger than 4 MiB"));
    CHECK_FALSE(fs::exists(f.t / "big.crt"));
    r = f.sh("echo hello | " + kPkitool + " issue --ca ca --csr - --out bad.crt --yes");
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: standard input: "));
    r = f.sh("cat vm.crt | " + kPkitool + " show - -");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("more than once"));
    CHECK(nlohmann::json::parse(run("db list --ca ca --json", f.t.path()).out)["count"] == 2);
}

TEST_CASE("input: --batch refuses the flags its rows replace, and makes --out-dir", "[cli][input][batch]") {
    Fixture f;
    std::ofstream(f.t / "fleet.csv") << "name,subject,san,key_type,days,profile\nvm-01,CN=vm-01,,,,\n";
    const std::string batch = "issue --ca ca --batch fleet.csv --out-dir fleet --yes ";
    for (const std::string flag : {"--out x.crt", "--subject CN=x", "--san dns:x.example", "--key-type rsa:2048", "--days 10"}) {
        INFO(flag);
        const auto r = run(batch + flag, f.t.path());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("excludes") && Catch::Contains("--batch") && Catch::Contains(flag.substr(0, flag.find(' '))));
    }
    auto r = run("issue --ca ca --subject CN=x --out x.crt --key-out x.key --out-dir fleet --yes", f.t.path());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--out-dir requires --batch"));
    r = run("issue --ca ca --batch fleet.csv --yes", f.t.path());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--batch requires --out-dir"));
    CHECK_FALSE(fs::exists(f.t / "fleet"));
    CHECK_FALSE(fs::exists(f.t / "x.crt"));

    // A missing --out-dir is made, private; one whose parent is missing is refused before signing.
    r = run("issue --ca ca --batch fleet.csv --out-dir no/such/fleet --yes", f.t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: no/such/fleet: "));
    CHECK_FALSE(fs::exists(f.t / "no"));
    r = run(batch, f.t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(mode_of(f.t / "fleet") == 0700);
    CHECK(mode_of(f.t / "fleet" / "vm-01.key") == 0600);
    CHECK(f.sh("openssl verify -CAfile ca/ca.crt fleet/vm-01.crt").code == 0);
    CHECK(nlohmann::json::parse(run("db list --ca ca --json", f.t.path()).out)["count"] == 2);
}

TEST_CASE("input: issue reads --profiles-file like lint", "[cli][input][profiles]") {
    Fixture f;
    std::ofstream(f.t / "mine.json") << R"({"profiles": [{"name": "short", "max_days": 7, "default_days": 7}]})";
    run_ok("issue --ca ca --subject CN=short --profile short --profiles-file mine.json --out short.crt --key-out short.key --yes", f.t);
    CHECK(f.sh("openssl x509 -in short.crt -noout -checkend 518400").code == 0);   // 6 days
    CHECK(f.sh("openssl x509 -in short.crt -noout -checkend 691200").code == 1);   // 8 days
    std::ofstream(f.t / "fleet.csv") << "name,subject,san,key_type,days,profile\nvm-01,CN=vm-01,,,,short\n";
    fs::create_directory(f.t / "fleet");
    run_ok("issue --ca ca --batch fleet.csv --out-dir fleet --profiles-file mine.json --yes", f.t);
    CHECK(f.sh("openssl x509 -in fleet/vm-01.crt -noout -checkend 691200").code == 1);
    const auto r = run("issue --ca ca --subject CN=x --profile short --out x.crt --key-out x.key --yes", f.t.path());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("unknown profile 'short'"));
}
