// PKCS#12 end to end: `pkitool export p12` files read by `openssl pkcs12` (no -legacy) and by
// Python cryptography's load_key_and_certificates, which must give back the very key, leaf and
// chain bytes; openssl's files read by `key show`, `show` and the exchange; and the refusals.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;
using nlohmann::json;

namespace {

// Python cryptography's reading of a PKCS#12 file: the key as PKCS#8 DER, then each certificate
// as DER, one hex line each (leaf first, then the additional certificates in order).
constexpr const char* kLoad = R"PY(
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
data = open(sys.argv[1], 'rb').read()
password = open(sys.argv[2], 'rb').read().rstrip(b'\n') if len(sys.argv) > 2 else None
key, cert, extra = pkcs12.load_key_and_certificates(data, password)
print(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).hex())
print(cert.public_bytes(serialization.Encoding.DER).hex())
for c in extra:
    print(c.public_bytes(serialization.Encoding.DER).hex())
)PY";

// The same three things from openssl's own tools: what the PKCS#12 file must give back.
std::string expected(const TempDir& t, const std::string& key, const std::vector<std::string>& certs) {
    std::string out = shell("openssl pkcs8 -topk8 -nocrypt -in " + key + " -outform DER | xxd -p | tr -d '\\n'", t.path()).out + "\n";
    for (const auto& c : certs) out += shell("openssl x509 -in " + c + " -outform DER | xxd -p | tr -d '\\n'", t.path()).out + "\n";
    return out;
}

// A chain of two: issuing-ca under root-ca, a leaf from issuing-ca (vm.crt, vm.key), and
// chain.pem (issuing-ca then the root), all by pkitool.
void make_hierarchy(const TempDir& t) {
    run_ok("ca init --dir root-ca --subject \"CN=P12 Root\"", t);
    run_ok("ca init --dir issuing-ca --parent root-ca --subject \"CN=P12 Issuing\"", t);
    run_ok("issue --ca issuing-ca --subject CN=vm-p12 --out vm.crt --key-out vm.key --yes", t);
    run_ok("issue --ca issuing-ca --subject CN=rsa-p12 --key-type rsa:2048 --out rsa.crt --key-out rsa.key --yes", t);
    must(shell("cat issuing-ca/ca.crt root-ca/ca.crt > chain.pem", t.path()));
    std::ofstream(t / "p12.pass") << "correct horse battery\n";
    std::ofstream(t / "load.py") << kLoad;
}

void check_one_line_failure(const Result& r, const std::string& message) {
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: " + message));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 2);  // the error, and a hint at most
}

}  // namespace

TEST_CASE("export p12: openssl and Python cryptography read back the same key, leaf and chain", "[cli][pkcs12]") {
    TempDir t;
    make_hierarchy(t);
    for (const std::string leaf : {"vm", "rsa"}) {
        INFO(leaf);
        const auto r = run("export p12 --cert " + leaf + ".crt --key " + leaf + ".key --chain chain.pem --out " + leaf + ".p12 --passphrase-file p12.pass",
                           t.path());
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::StartsWith("wrote " + leaf + ".p12 ("));
        CHECK(mode_of(t / (leaf + ".p12")) == 0600);
        const auto want = expected(t, leaf + ".key", {leaf + ".crt", "issuing-ca/ca.crt", "root-ca/ca.crt"});
        // Python cryptography (OpenSSL 3 underneath, but its own PKCS#12 parsing of the result).
        const auto py = shell("/usr/bin/python3 load.py " + leaf + ".p12 p12.pass", t.path());
        INFO(py.err);
        CHECK(py.code == 0);
        CHECK(py.out == want);
        // openssl pkcs12 without -legacy: -info names the schemes, the PEM out holds the same bytes.
        const auto info = shell("openssl pkcs12 -in " + leaf + ".p12 -passin file:p12.pass -nodes -info -out all.pem", t.path());
        INFO(info.err);
        REQUIRE(info.code == 0);
        CHECK_THAT(info.err, Catch::Contains("MAC: sha256, Iteration 100000") && Catch::Contains("PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256") &&
                                 Catch::Contains("Shrouded Keybag"));
        must(shell("openssl pkey -in all.pem -out k.pem && openssl pkcs12 -in " + leaf + ".p12 -passin file:p12.pass -nokeys -clcerts -out leaf.pem && "
                   "openssl pkcs12 -in " + leaf + ".p12 -passin file:p12.pass -nokeys -cacerts -out ca.pem && "
                   "awk '/BEGIN/{n++} {print > (\"ca\" n \".pem\")}' ca.pem",
                   t.path()));
        CHECK(expected(t, "k.pem", {"leaf.pem", "ca1.pem", "ca2.pem"}) == want);
        CHECK_THAT(slurp(t / "all.pem"), Catch::Contains("friendlyName: " + std::string(leaf == "vm" ? "vm-p12" : "rsa-p12")) && Catch::Contains("localKeyID:"));
        // pkitool reads its own file wherever a key is read.
        const auto shown = run("key show " + leaf + ".p12 --passphrase-file p12.pass --json", t.path());
        REQUIRE(shown.code == 0);
        CHECK(json::parse(shown.out)["sha256"] == json::parse(run("key show " + leaf + ".key --json", t.path()).out)["sha256"]);
        CHECK(json::parse(shown.out)["container"] == "pkcs12");
        CHECK(json::parse(shown.out)["encrypted"] == true);
    }
    // --json says what was written; --force is needed to write it again.
    const auto again = run("export p12 --cert vm.crt --key vm.key --out vm.p12 --passphrase-file p12.pass --json", t.path());
    CHECK(again.code == 1);
    CHECK_THAT(again.err, Catch::Contains("vm.p12") && Catch::Contains("--force"));
    const auto j = run("export p12 --cert vm.crt --key vm.key --out vm.p12 --passphrase-file p12.pass --name 'my vm' --force --json", t.path());
    INFO(j.err);
    REQUIRE(j.code == 0);
    const auto doc = json::parse(j.out);
    CHECK(doc["kind"] == "pkcs12");
    CHECK(doc["path"] == "vm.p12");
    CHECK(doc["friendly_name"] == "my vm");
    CHECK(doc["integrity"] == "HMAC-SHA-256, 100000 iterations");
    CHECK(doc["key_encryption"] == "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 100000 iterations");
    CHECK(doc["certificate"]["subject"] == "CN=vm-p12");
    CHECK(doc["chain"].empty());
    CHECK(doc["empty_password"] == false);
}

TEST_CASE("export p12: the empty password only when asked for, and then anyone reads it", "[cli][pkcs12]") {
    TempDir t;
    make_hierarchy(t);
    // No password and no terminal: refused, nothing written.
    const auto none = run("export p12 --cert vm.crt --key vm.key --out vm.p12", t.path());
    check_one_line_failure(none, "vm.p12: the new PKCS#12 file needs a password");
    CHECK_THAT(none.err, Catch::Contains("--empty-password"));
    CHECK_FALSE(fs::exists(t / "vm.p12"));
    CHECK(run("export p12 --cert vm.crt --key vm.key --out vm.p12 --empty-password --passphrase-file p12.pass", t.path()).code == 2);
    const auto r = run("export p12 --cert vm.crt --key vm.key --chain chain.pem --out vm.p12 --empty-password", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("empty password: anyone who can read it has the key"));
    const auto want = expected(t, "vm.key", {"vm.crt", "issuing-ca/ca.crt", "root-ca/ca.crt"});
    const auto py = shell("/usr/bin/python3 load.py vm.p12", t.path());  // password None
    INFO(py.err);
    CHECK(py.out == want);
    must(shell("openssl pkcs12 -in vm.p12 -passin pass: -nodes -info -out all.pem", t.path()));
    CHECK(run("key show vm.p12", t.path()).code == 0);
}

TEST_CASE("export p12: a key, chain or file that do not belong is one line naming it, and nothing is written", "[cli][pkcs12]") {
    TempDir t;
    make_hierarchy(t);
    const std::string out = " --out out.p12 --passphrase-file p12.pass";
    check_one_line_failure(run("export p12 --cert vm.crt --key rsa.key" + out, t.path()), "rsa.key: is not the key of vm.crt");
    must(shell("cat root-ca/ca.crt issuing-ca/ca.crt > reversed.pem", t.path()));
    check_one_line_failure(run("export p12 --cert vm.crt --key vm.key --chain reversed.pem" + out, t.path()),
                           "reversed.pem: certificate 1 (CN=P12 Root) did not issue the certificate (CN=vm-p12)");
    std::ofstream(t / "garbage.crt") << "not a certificate\n";
    check_one_line_failure(run("export p12 --cert garbage.crt --key vm.key" + out, t.path()), "garbage.crt: ");
    check_one_line_failure(run("export p12 --cert vm.crt --key garbage.crt" + out, t.path()), "garbage.crt: ");
    run_ok("key new --out enc.key --passphrase-file p12.pass", t);
    std::ofstream(t / "wrong.pass") << "wrong\n";
    check_one_line_failure(run("export p12 --cert vm.crt --key enc.key --key-passphrase-file wrong.pass" + out, t.path()), "enc.key: cannot decrypt");
    CHECK_FALSE(fs::exists(t / "out.p12"));
    CHECK(run("export p12 --key vm.key" + out, t.path()).code == 2);
}

TEST_CASE("pkcs12: openssl's files read by key show, show and the exchange key sources", "[cli][pkcs12]") {
    TempDir t;
    make_hierarchy(t);
    must(shell("openssl pkcs12 -export -in vm.crt -inkey vm.key -certfile chain.pem -passout file:p12.pass -out pass.p12 && "
               "openssl pkcs12 -export -in vm.crt -inkey vm.key -passout pass: -out empty.p12 && "
               "openssl pkcs12 -export -in vm.crt -inkey vm.key -keypbe NONE -certpbe NONE -nomac -passout pass: -out plain.p12 && "
               "openssl pkcs12 -export -in vm.crt -inkey vm.key -descert -passout file:p12.pass -out des.p12 && "
               "openssl pkcs12 -export -in vm.crt -inkey vm.key -legacy -passout file:p12.pass -out legacy.p12",
               t.path()));
    const auto key_sha = json::parse(run("key show vm.key --json", t.path()).out)["sha256"];
    for (const std::string f : {"pass.p12", "des.p12"}) {
        const auto r = run("key show " + f + " --passphrase-file p12.pass --json", t.path());
        INFO(f << ": " << r.err);
        REQUIRE(r.code == 0);
        CHECK(json::parse(r.out)["sha256"] == key_sha);
        const auto env = shell("PKITOOL_PASSPHRASE='correct horse battery' '" PKITOOL_BINARY "' key public " + f, t.path());
        CHECK(env.out == run("key public vm.key", t.path()).out);
    }
    for (const std::string f : {"empty.p12", "plain.p12"}) {
        const auto r = run("key show " + f + " --json", t.path());
        INFO(f << ": " << r.err);
        REQUIRE(r.code == 0);
        CHECK(json::parse(r.out)["sha256"] == key_sha);
        CHECK(json::parse(r.out)["encrypted"] == false);
    }
    // show says what is in it: its protection, the key, the leaf, then the chain issuer first.
    const auto shown = run("show pass.p12 --passphrase-file p12.pass --json", t.path());
    INFO(shown.err);
    REQUIRE(shown.code == 0);
    const auto d = json::parse(shown.out)["objects"][0];
    CHECK(d["kind"] == "pkcs12");
    CHECK(d["integrity"] == "HMAC-SHA-256, 2048 iterations");
    CHECK(d["private_key"]["sha256"] == key_sha);
    CHECK(d["certificate"]["subject"] == "CN=vm-p12");
    REQUIRE(d["chain"].size() == 2);
    CHECK(d["chain"][0]["subject"] == "CN=P12 Issuing");
    CHECK(d["chain"][1]["subject"] == "CN=P12 Root");
    const auto text = run("show pass.p12 --passphrase-file p12.pass", t.path());
    CHECK_THAT(text.out, Catch::Contains("PKCS#12 file:") && Catch::Contains("Subject: CN=vm-p12") && Catch::Contains("Private key (encrypted):"));
    const auto locked = run("show pass.p12", t.path());
    REQUIRE(locked.code == 0);
    CHECK_THAT(locked.out, Catch::Contains("PKCS#12 file (protected by a password"));
    // The refusals, one line each.
    std::ofstream(t / "wrong.pass") << "wrong\n";
    check_one_line_failure(run("key show pass.p12 --passphrase-file wrong.pass", t.path()), "pass.p12: wrong password (the PKCS#12 MAC does not verify)");
    check_one_line_failure(run("key show pass.p12", t.path()), "pass.p12: the PKCS#12 file is protected by a password");
    check_one_line_failure(run("key show legacy.p12 --passphrase-file p12.pass", t.path()),
                           "legacy.p12: unsupported scheme pbeWithSHAAnd40BitRC2-CBC (openssl -legacy); re-export it with openssl 3 without -legacy");
    must(shell("head -c 700 pass.p12 > cut.p12 && head -c 600 /dev/urandom > noise.p12", t.path()));
    check_one_line_failure(run("key show cut.p12 --passphrase-file p12.pass", t.path()), "cut.p12: corrupt or truncated PKCS#12 file");
    check_one_line_failure(run("show cut.p12 --passphrase-file p12.pass", t.path()), "cut.p12: corrupt or truncated PKCS#12 file");
    CHECK(run("key show noise.p12", t.path()).code == 1);
    CHECK(run("show noise.p12", t.path()).code == 1);
    // The exchange's key sources: sign-string with the key from the file (checked by openssl).
    const auto sig = shell("'" PKITOOL_BINARY "' exchange sign-string --certificate pass.p12 --passphrase-file p12.pass --json", t.path());
    INFO(sig.err);
    REQUIRE(sig.code == 0);
    const auto sj = json::parse(sig.out);
    std::ofstream(t / "signed.hex") << sj["signedData"].get<std::string>();
    std::ofstream(t / "sig.hex") << sj["signature"].get<std::string>();
    must(shell("xxd -r -p signed.hex > signed.bin && xxd -r -p sig.hex > sig.bin && openssl x509 -in vm.crt -pubkey -noout > pub.pem && "
               "openssl dgst -sha256 -verify pub.pem -signature sig.bin signed.bin",
               t.path()));
    const auto chain = run("exchange credential-process --certificate pass.p12 --passphrase-file p12.pass --intermediates chain.pem "
                           "--trust-anchor-arn arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta "
                           "--profile-arn arn:aws:rolesanywhere:us-east-1:123456789012:profile/p --role-arn arn:aws:iam::123456789012:role/r",
                           t.path());
    CHECK(chain.code == 2);
    CHECK_THAT(chain.err, Catch::Contains("can't specify certificate chain when using PKCS#12 files"));
    const auto missing = run("exchange sign-string --certificate vm.crt", t.path());
    CHECK(missing.code == 2);
    CHECK_THAT(missing.err, Catch::Contains("--private-key is missing"));
}

TEST_CASE("pkcs12: the passwords asked on the terminal, read and written", "[cli][pkcs12]") {
    TempDir t;
    make_hierarchy(t);
    const auto on_terminal = [&](const std::string& args, const std::vector<std::string>& answers) {
        return pkitool::test::on_terminal("'" + std::string(PKITOOL_BINARY) + "' " + args, answers, t.path());
    };
    const auto made = on_terminal("export p12 --cert vm.crt --key vm.key --out vm.p12", {"typed secret", "typed secret"});
    INFO(made.out);
    REQUIRE(made.code == 0);
    CHECK_THAT(made.out, Catch::Contains("Password for the new vm.p12: ") && Catch::Contains("The same password again: ") && !Catch::Contains("typed secret"));
    must(shell("openssl pkcs12 -in vm.p12 -passin pass:'typed secret' -nodes -noout", t.path()));
    const auto differ = on_terminal("export p12 --cert vm.crt --key vm.key --out other.p12", {"one", "two"});
    CHECK(differ.code == 1);
    CHECK_THAT(differ.out, Catch::Contains("the two passwords typed for other.p12 differ"));
    CHECK_FALSE(fs::exists(t / "other.p12"));
    const auto read = on_terminal("key show vm.p12", {"typed secret"});
    INFO(read.out);
    REQUIRE(read.code == 0);
    CHECK_THAT(read.out, Catch::Contains("Passphrase for vm.p12: ") && Catch::Contains("Container:  PKCS#12"));
}

// A key bag must hold PKCS#8, never another PFX: one nested in the next recursed once per level,
// and a few MiB of nesting ran the stack out, with no password needed.
TEST_CASE("pkcs12: a key bag holding another PKCS#12 file is refused, however deep", "[cli][pkcs12][bad-input]") {
    TempDir t;
    must(shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem"
               " && openssl req -new -x509 -key k.pem -subj /CN=vm -days 30 -out vm.crt"
               " && openssl pkcs12 -export -in vm.crt -inkey k.pem -keypbe NONE -certpbe NONE -nomac -passout pass: -out inner.p12",
               t.path()));
    std::ofstream(t / "nest.py") << R"PY(
import sys
def tlv(tag, body):
    n = len(body)
    head = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag]) + head + body
seq = lambda *xs: tlv(0x30, b''.join(xs))
data_oid = bytes.fromhex('06092a864886f70d010701')     # 1.2.840.113549.1.7.1 data
key_bag = bytes.fromhex('060b2a864886f70d010c0a0101')  # 1.2.840.113549.1.12.10.1.1 keyBag
def wrap(pfx):  # a PFX whose one key bag is `pfx`, no MAC (RFC 7292 section 4)
    safe_contents = seq(seq(key_bag, tlv(0xA0, pfx)))
    auth_safe = seq(seq(data_oid, tlv(0xA0, tlv(0x04, safe_contents))))
    return seq(tlv(0x02, b'\x03'), seq(data_oid, tlv(0xA0, tlv(0x04, auth_safe))))
pfx = open('inner.p12', 'rb').read()
for _ in range(int(sys.argv[1])):
    pfx = wrap(pfx)
sys.stdout.buffer.write(pfx)
)PY";
    for (const char* depth : {"1", "3000"}) {
        INFO("depth " << depth);
        must(shell(std::string("python3 nest.py ") + depth + " > nested.p12", t.path()));
        const auto r = run("key show nested.p12", t.path());
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: nested.p12: ") && Catch::Contains("another PKCS#12 file"));
    }
}
