// Bad input: one clear error line naming the file and the problem, the right exit code,
// no file written and no inventory row added.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;

namespace {

struct Fixture {
    TempDir t;
    Fixture() {
        REQUIRE(run("ca init --dir ca --subject CN=Root", t.path()).code == 0);
        REQUIRE(run("key new --out vm.key", t.path()).code == 0);
        REQUIRE(run("csr new --key vm.key --subject CN=vm --out vm.csr", t.path()).code == 0);
    }
    size_t rows() const { return nlohmann::json::parse(run("db list --ca ca --json", t.path()).out)["count"].get<size_t>(); }
    void write(const std::string& name, const std::string& data) const { std::ofstream(t / name, std::ios::binary) << data; }
    Result issue_csr(const std::string& csr) const { return run("issue --ca ca --csr " + csr + " --out out.crt --yes", t.path()); }
};

// The contract: "pkitool: error: <file>: <problem>" on the first line, then only "hint: " lines.
void check_error(const Result& r, int code, const std::string& needle) {
    INFO(r.err);
    CHECK(r.code == code);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: "));
    CHECK_THAT(r.err, Catch::Contains(needle));
    CHECK((!r.err.empty() && r.err.back() == '\n'));
    for (size_t at = r.err.find('\n') + 1; at < r.err.size(); at = r.err.find('\n', at) + 1) CHECK(r.err.compare(at, 6, "hint: ") == 0);
    CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("bad input: corrupt and truncated PEM, wrong object types", "[cli][bad-input]") {
    Fixture f;
    const std::string pem = slurp(f.t / "vm.csr");
    f.write("truncated.csr", pem.substr(0, pem.size() / 2));
    check_error(f.issue_csr("truncated.csr"), 1, "truncated.csr: ");
    f.write("garbage.csr", "this is not a request\n");
    check_error(f.issue_csr("garbage.csr"), 1, "garbage.csr: ");
    f.write("empty.csr", "");
    check_error(f.issue_csr("empty.csr"), 1, "empty.csr: file is empty");
    check_error(f.issue_csr("ca/ca.crt"), 1, "ca/ca.crt: holds a PEM \"CERTIFICATE\", expected certificate request");
    check_error(run("key show ca/ca.crt", f.t.path()), 1, "ca/ca.crt: holds a certificate, expected a private key");
    f.write("bad.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    check_error(run("key show bad.key", f.t.path()), 1, "bad.key: not a valid PKCS#8 private key");
    check_error(run("show garbage.csr", f.t.path()), 1, "garbage.csr: not a certificate, CSR, CRL or key");
    CHECK_FALSE(fs::exists(f.t / "out.crt"));
    CHECK(f.rows() == 0);
}

TEST_CASE("bad input: DER is accepted where PEM is usual, and the reverse", "[cli][bad-input]") {
    Fixture f;
    REQUIRE(shell("openssl req -in vm.csr -outform DER -out vm.der.csr", f.t.path()).code == 0);
    REQUIRE(f.issue_csr("vm.der.csr").code == 0);
    REQUIRE(shell("openssl x509 -in out.crt -outform DER -out out.der", f.t.path()).code == 0);
    const auto shown = run("show out.der --json", f.t.path());
    REQUIRE(shown.code == 0);
    CHECK(nlohmann::json::parse(shown.out)["objects"][0]["subject"] == "CN=vm");
    REQUIRE(shell("openssl pkcs8 -topk8 -nocrypt -in vm.key -outform DER -out vm.der.key", f.t.path()).code == 0);
    CHECK(run("key show vm.der.key", f.t.path()).code == 0);
    // `openssl pkey -outform DER` writes SEC1, not PKCS#8: read too (issue #10).
    REQUIRE(shell("openssl pkey -in vm.key -outform DER -out vm.sec1.key", f.t.path()).code == 0);
    CHECK(run("key show vm.sec1.key", f.t.path()).code == 0);
    // A truncated DER CSR is still an error naming the file.
    const auto der = slurp(f.t / "vm.der.csr");
    f.write("cut.der.csr", der.substr(0, der.size() - 10));
    check_error(f.issue_csr("cut.der.csr"), 1, "cut.der.csr: ");
}

TEST_CASE("bad input: a CSR with one byte flipped fails its signature check", "[cli][bad-input]") {
    Fixture f;
    REQUIRE(shell("openssl req -in vm.csr -outform DER -out vm.der", f.t.path()).code == 0);
    std::string der = slurp(f.t / "vm.der");
    // Flip a byte inside the subject's CN value ("vm"), so the structure still parses.
    const auto at = der.find("vm");
    REQUIRE(at != std::string::npos);
    der[at] = 'w';
    f.write("flipped.csr", der);
    check_error(f.issue_csr("flipped.csr"), 1, "flipped.csr: the request's signature does not verify");
    CHECK_FALSE(fs::exists(f.t / "out.crt"));
    CHECK(f.rows() == 0);
}

TEST_CASE("bad input: a CA key that does not match the CA certificate", "[cli][bad-input]") {
    Fixture f;
    fs::copy_file(f.t / "vm.key", f.t / "ca/private/ca.key", fs::copy_options::overwrite_existing);
    check_error(f.issue_csr("vm.csr"), 1, "ca/private/ca.key: does not match the CA certificate");
    CHECK_FALSE(fs::exists(f.t / "out.crt"));
    CHECK(f.rows() == 0);
}

TEST_CASE("bad input: encrypted keys, wrong and missing passphrases", "[cli][bad-input]") {
    TempDir t;
    std::ofstream(t / "pass") << "correct horse\n";
    std::ofstream(t / "wrong") << "battery staple\n";
    REQUIRE(run("ca init --dir ca --subject CN=Root --passphrase-file pass", t.path()).code == 0);
    // openssl reads the encrypted CA key with the passphrase and refuses without it.
    CHECK(shell("openssl pkey -in ca/private/ca.key -passin 'pass:correct horse' -noout", t.path()).code == 0);
    CHECK(shell("openssl pkey -in ca/private/ca.key -passin pass:nope -noout", t.path()).code != 0);
    CHECK_THAT(slurp(t / "ca/private/ca.key"), Catch::StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    check_error(run("issue --ca ca --subject CN=a --out a.crt --key-out a.key --yes", t.path()), 1, "ca/private/ca.key: private key is encrypted");
    check_error(run("issue --ca ca --subject CN=a --out a.crt --key-out a.key --yes --passphrase-file wrong", t.path()), 1,
                "ca/private/ca.key: cannot decrypt private key: wrong passphrase");
    CHECK_FALSE(fs::exists(t / "a.crt"));
    CHECK_FALSE(fs::exists(t / "a.key"));
    CHECK(run("issue --ca ca --subject CN=a --out a.crt --key-out a.key --yes --passphrase-file pass", t.path()).code == 0);
    // The environment variable works too.
    CHECK(shell("PKITOOL_PASSPHRASE='correct horse' '" PKITOOL_BINARY "' issue --ca ca --subject CN=b --out b.crt --key-out b.key --yes", t.path()).code == 0);
}

TEST_CASE("bad input: CA directories", "[cli][bad-input]") {
    Fixture f;
    check_error(run("issue --ca missing --csr vm.csr --out x.crt --yes", f.t.path()), 1, "missing: no such CA directory");
    check_error(run("db list --ca missing", f.t.path()), 1, "missing: no such CA directory");
    const auto before = slurp(f.t / "ca/ca.crt");
    check_error(run("ca init --dir ca --subject CN=Other", f.t.path()), 1, "ca: already exists");
    CHECK(slurp(f.t / "ca/ca.crt") == before);
    // No temporary directory is left behind by a refused or failed init.
    for (const auto& e : fs::directory_iterator(f.t.path())) CHECK(e.path().filename().string().rfind(".ca.tmp", 0) != 0);
}

TEST_CASE("bad input: existing outputs are not overwritten without --force", "[cli][bad-input]") {
    Fixture f;
    f.write("out.crt", "keep me");
    check_error(f.issue_csr("vm.csr"), 1, "out.crt: already exists");
    CHECK(slurp(f.t / "out.crt") == "keep me");
    CHECK(f.rows() == 0);
    check_error(run("key new --out vm.key", f.t.path()), 1, "vm.key: already exists");
    CHECK(run("issue --ca ca --csr vm.csr --out out.crt --yes --force", f.t.path()).code == 0);
    CHECK_THAT(slurp(f.t / "out.crt"), Catch::StartsWith("-----BEGIN CERTIFICATE-----"));
}

TEST_CASE("bad input: subjects and key types", "[cli][bad-input]") {
    Fixture f;
    check_error(run("issue --ca ca --subject \"CN=a,bogus\" --out a.crt --key-out a.key --yes", f.t.path()), 2, "is not TYPE=value");
    check_error(run("issue --ca ca --subject \"\" --out a.crt --key-out a.key --yes", f.t.path()), 2, "subject is empty");
    check_error(run("csr new --key vm.key --subject \"\" --out e.csr", f.t.path()), 2, "--subject is empty");
    check_error(run("ca init --dir ca2 --subject \"QQ=x\"", f.t.path()), 2, "unknown attribute type 'QQ'");
    const auto r = run("issue --ca ca --subject CN=a --key-type ec:p521 --out a.crt --key-out a.key --yes", f.t.path());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("ec:p521"));
    check_error(run("issue --ca ca --subject CN=a --days 5000 --out a.crt --key-out a.key --yes", f.t.path()), 2, "allows 1 to 825 days");
    for (const auto* name : {"a.crt", "a.key", "e.csr", "ca2"}) CHECK_FALSE(fs::exists(f.t / name));
    CHECK(f.rows() == 0);
}

TEST_CASE("bad input: a certificate never outlives its CA", "[cli][bad-input]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=Short --days 30", t.path()).code == 0);
    const auto r = run("issue --ca ca --subject CN=a --out a.crt --key-out a.key --yes", t.path());
    // The profile's default was not asked for on the command line, but --days is how to change it.
    check_error(r, 1, "--days 365 (profile rolesanywhere-client's default): the certificate would outlive its CA");
    CHECK_THAT(r.err, Catch::Contains("hint: use --days 29 or less"));
    CHECK(run("issue --ca ca --subject CN=a --days 29 --out a.crt --key-out a.key --yes", t.path()).code == 0);
}

TEST_CASE("bad input: extra input is refused, not ignored (issue #8, defect 8)", "[cli][bad-input]") {
    Fixture f;
    // Two requests in one file: which one would be signed?
    REQUIRE(run("csr new --key vm.key --subject CN=other --out other.csr", f.t.path()).code == 0);
    f.write("two.csr", slurp(f.t / "vm.csr") + slurp(f.t / "other.csr"));
    check_error(f.issue_csr("two.csr"), 1, "two.csr: holds 2 PEM blocks");
    // A certificate with bytes after its DER: openssl refuses it too.
    REQUIRE(shell("openssl x509 -in ca/ca.crt -outform DER -out ca.der && cp ca.der junk.der && printf 'junk' >> junk.der", f.t.path()).code == 0);
    CHECK(shell("openssl x509 -inform DER -in junk.der -noout", f.t.path()).code == 0);  // openssl reads the first object only...
    auto r = run("lint junk.der", f.t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Catch::Contains("lint.parse") && Catch::Contains("bytes follow the DER certificate"));
    CHECK(run("lint ca.der", f.t.path()).code == 0);
    check_error(run("lint ca.der --anchor junk.der", f.t.path()), 1, "junk.der: bytes follow the DER certificate");
    CHECK_FALSE(fs::exists(f.t / "out.crt"));
    CHECK(f.rows() == 0);
}

TEST_CASE("bad input: input files are size-capped (issue #8, defect 9)", "[cli][bad-input]") {
    Fixture f;
    // /dev/zero used to be read until std::bad_alloc.
    check_error(run("show /dev/zero", f.t.path()), 1, "/dev/zero: larger than 4 MiB");
    check_error(f.issue_csr("/dev/zero"), 1, "/dev/zero: larger than 4 MiB");
    REQUIRE(shell("head -c 5000000 /dev/zero > big.pem", f.t.path()).code == 0);
    check_error(run("show big.pem", f.t.path()), 1, "big.pem: larger than 4 MiB");
    check_error(run("lint --anchor big.pem ca/ca.crt", f.t.path()), 1, "big.pem: larger than 4 MiB");
    const auto r = run("lint big.pem", f.t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Catch::Contains("larger than 4 MiB"));
}

TEST_CASE("bad input: one file for two outputs, and content errors exit 1 (issue #8, defect 10)", "[cli][bad-input]") {
    Fixture f;
    check_error(run("issue --ca ca --subject CN=a --out same.crt --key-out same.crt --yes", f.t.path()), 2,
                "--out and --key-out name the same file same.crt");
    check_error(run("issue --ca ca --subject CN=a --out same.crt --key-out ./same.crt --yes", f.t.path()), 2, "name the same file");
    CHECK_FALSE(fs::exists(f.t / "same.crt"));
    CHECK(f.rows() == 0);
    // A CSR with an empty subject is the file's fault, not the command line's.
    REQUIRE(shell("openssl req -new -key vm.key -subj / -out empty-subject.csr 2>/dev/null || "
                  "openssl req -new -key vm.key -subj '/' -out empty-subject.csr",
                  f.t.path()).code == 0);
    check_error(f.issue_csr("empty-subject.csr"), 1, "the subject is empty");
    // A fleet row's days are the row's, worded as such.
    fs::create_directory(f.t / "fleet");
    f.write("fleet.csv", "name,subject,san,key_type,days,profile\nvm-01,CN=a,,,900,\n");
    const auto r = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes", f.t.path());
    check_error(r, 1, "fleet.csv:2: days 900: profile rolesanywhere-client allows 1 to 825 days");
    CHECK_THAT(r.err, Catch::Contains("hint: set days to 825 or less"));
    CHECK(r.err.find("--days") == std::string::npos);
    CHECK(f.rows() == 0);
}

TEST_CASE("keys as openssl writes them by default: SEC1 and PKCS#1, PEM and DER (issue #10)", "[cli][keys]") {
    Fixture f;
    REQUIRE(shell("openssl ecparam -name prime256v1 -genkey -out ec-params.key && openssl genrsa -traditional -out rsa1.key 2048 2>/dev/null &&"
                  "openssl ecparam -name secp384r1 -genkey -noout -outform DER -out ec384.der &&"
                  "openssl rsa -in rsa1.key -traditional -outform DER -out rsa1.der 2>/dev/null",
                  f.t.path()).code == 0);
    CHECK_THAT(slurp(f.t / "ec-params.key"), Catch::StartsWith("-----BEGIN EC PARAMETERS-----"));
    CHECK_THAT(slurp(f.t / "rsa1.key"), Catch::StartsWith("-----BEGIN RSA PRIVATE KEY-----"));
    for (const std::string key : {"ec-params.key", "rsa1.key", "ec384.der", "rsa1.der"}) {
        INFO(key);
        // The public key pkitool derives is the one openssl derives.
        const auto ours = run("key public " + key, f.t.path());
        INFO(ours.err);
        REQUIRE(ours.code == 0);
        const std::string inform = key.find(".der") != std::string::npos ? " -inform DER" : "";
        CHECK(ours.out == shell("openssl pkey" + inform + " -in " + key + " -pubout", f.t.path()).out);
        // And it signs: a CSR openssl verifies, issued and matched to the key.
        run_ok("csr new --key " + key + " --subject CN=legacy --out legacy.csr --force", f.t);
        CHECK(shell("openssl req -in legacy.csr -verify -noout", f.t.path()).code == 0);
    }
    REQUIRE(shell("openssl genrsa -traditional -aes128 -passout pass:secret -out old-enc.key 2048 2>/dev/null", f.t.path()).code == 0);
    check_error(run("key show old-enc.key", f.t.path()), 1, "old-enc.key: a legacy encrypted PEM key (Proc-Type: 4,ENCRYPTED) is not read");
}
