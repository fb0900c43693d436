// Every private-key encryption openssl 3 writes, and the key files `show` must recognise. Oracle:
// openssl itself, which wrote the files and says what public key they hold.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;

namespace {

// SHA-256 of the key's SubjectPublicKeyInfo DER, as openssl computes it from `key`.
std::string openssl_fingerprint(const TempDir& t, const std::string& key) {
    const auto r = shell("openssl pkey -in " + key + " -passin file:pass -pubout -outform DER | sha256sum | cut -d' ' -f1", t.path());
    REQUIRE(r.code == 0);
    return r.out.substr(0, 64);
}

}  // namespace

TEST_CASE("key formats: every PBES2 variant openssl 3 writes is read, PEM and DER", "[cli][keys]") {
    TempDir t;
    must(shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem && openssl genrsa -out rsa.pem 2048 2>/dev/null"
               " && echo 'correct horse' > pass && echo wrong > wrong",
               t.path()));
    const std::string expected_ec = openssl_fingerprint(t, "ec.pem");
    for (const char* scheme : {"-v2 aes-128-cbc", "-v2 aes-192-cbc", "-v2 aes-256-cbc", "-v2 des3", "-v2 camellia-256-cbc", "-scrypt",
                               "-v2 aes-256-cbc -v2prf hmacWithSHA1", "-v2 aes-256-cbc -v2prf hmacWithSHA224",
                               "-v2 aes-256-cbc -v2prf hmacWithSHA384", "-v2 aes-256-cbc -v2prf hmacWithSHA512"}) {
        for (const char* form : {"PEM", "DER"}) {
            INFO(scheme << " " << form);
            must(shell(std::string("openssl pkcs8 -topk8 ") + scheme + " -in ec.pem -passout file:pass -outform " + form + " -out enc.key", t.path()));
            const auto shown = run("key show enc.key --passphrase-file pass --json", t.path());
            must(shown);
            const auto j = nlohmann::json::parse(shown.out);
            CHECK(j["sha256"] == expected_ec);
            CHECK(j["encrypted"] == true);
            CHECK_THAT(run("key show enc.key --passphrase-file wrong", t.path()).err, Catch::Contains("enc.key: cannot decrypt private key: wrong passphrase"));
            // Without a passphrase and no terminal: refused, saying the key is encrypted.
            const auto bare = run("key show enc.key", t.path());
            CHECK(bare.code == 1);
            CHECK_THAT(bare.err, Catch::Contains("enc.key: private key is encrypted"));
        }
    }
    // RSA too, with openssl's default (PBKDF2-HMAC-SHA256, AES-256-CBC).
    must(shell("openssl pkcs8 -topk8 -in rsa.pem -passout file:pass -out rsa-enc.key", t.path()));
    CHECK(nlohmann::json::parse(run("key show rsa-enc.key --passphrase-file pass --json", t.path()).out)["sha256"] == openssl_fingerprint(t, "rsa.pem"));
}

TEST_CASE("key formats: legacy and unknown encryption schemes are named, not called a wrong passphrase", "[cli][keys][bad-input]") {
    TempDir t;
    must(shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem && echo secret > pass && cp pass pass2", t.path()));
    const std::pair<const char*, const char*> cases[] = {
        {"-v1 PBE-SHA1-3DES", "pbeWithSHAAnd3-KeyTripleDES-CBC (legacy PBES1 or PKCS#12 encryption)"},
        {"-v1 PBE-SHA1-2DES", "pbeWithSHAAnd2-KeyTripleDES-CBC"},
        {"-v2 aria-256-cbc", "PBES2 with the cipher 1.2.410.200046.1.1.12"},
        {"-v2 aes-256-cbc -v2prf hmacWithSHA512-224", "PBKDF2 with the PRF 1.2.840.113549.2.12"},
    };
    for (const auto& [scheme, named] : cases) {
        INFO(scheme);
        must(shell(std::string("openssl pkcs8 -topk8 ") + scheme + " -in ec.pem -passout file:pass -out legacy.key", t.path()));
        // openssl reads it back: the file is sound, only its scheme is foreign to pkitool.
        must(shell("openssl pkey -in legacy.key -passin file:pass -noout", t.path()));
        const auto r = run("key show legacy.key --passphrase-file pass", t.path());
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::StartsWith(std::string("pkitool: error: legacy.key: unsupported key encryption: ") + named));
        CHECK_THAT(r.err, Catch::Contains("openssl pkcs8 -topk8 -scrypt -in legacy.key"));
        // The command it suggests gives a key pkitool reads.
        must(shell("openssl pkcs8 -topk8 -scrypt -in legacy.key -passin file:pass -passout file:pass2 -out new.key", t.path()));
        must(run("key show new.key --passphrase-file pass", t.path()));
    }
}

TEST_CASE("key formats: show recognises DER keys, SEC1 and PKCS#1 PEM, and DER public keys", "[cli][keys][show]") {
    TempDir t;
    must(shell("openssl ecparam -genkey -name prime256v1 -out sec1.pem && openssl genrsa -traditional -out pkcs1.pem 2048 2>/dev/null"
               " && openssl pkcs8 -topk8 -nocrypt -in sec1.pem -outform DER -out plain.der"
               " && echo secret > pass && openssl pkcs8 -topk8 -in sec1.pem -passout file:pass -outform DER -out enc.der"
               " && openssl pkey -in sec1.pem -pubout -outform DER -out pub.der",
               t.path()));
    // The EC PARAMETERS block that `openssl ecparam -genkey` writes first must not hide the key.
    REQUIRE(slurp(t / "sec1.pem").rfind("-----BEGIN EC PARAMETERS-----", 0) == 0);
    const auto shown = run("show --json sec1.pem pkcs1.pem plain.der enc.der pub.der", t.path());
    must(shown);
    const auto objects = nlohmann::json::parse(shown.out)["objects"];
    REQUIRE(objects.size() == 5);
    const std::string ec = openssl_fingerprint(t, "sec1.pem");
    CHECK(objects[0]["kind"] == "private_key");
    CHECK(objects[0]["sha256"] == ec);
    CHECK(objects[1]["kind"] == "private_key");
    CHECK(objects[1]["sha256"] == openssl_fingerprint(t, "pkcs1.pem"));
    CHECK(objects[2]["kind"] == "private_key");
    CHECK(objects[2]["sha256"] == ec);
    CHECK(objects[3]["kind"] == "private_key");
    CHECK(objects[3]["encrypted"] == true);
    // A SubjectPublicKeyInfo is not mistaken for an encrypted key (both open with two SEQUENCEs).
    CHECK(objects[4]["kind"] == "public_key");
    CHECK(objects[4]["sha256"] == ec);
    const auto decrypted = run("show --json enc.der --passphrase-file pass", t.path());
    must(decrypted);
    CHECK(nlohmann::json::parse(decrypted.out)["objects"][0]["sha256"] == ec);
}

// A key file chooses its own key-derivation cost; a hostile one must not hold the machine.
TEST_CASE("key formats: a key-derivation cost beyond the caps is refused before any work", "[cli][keys][bad-input]") {
    TempDir t;
    must(shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem && echo secret > pass"
               " && openssl pkcs8 -topk8 -iter 20000000 -in ec.pem -passout file:pass -out slow.key",
               t.path()));
    const auto slow = run("key show slow.key --passphrase-file pass", t.path());
    CHECK(slow.code == 1);
    CHECK_THAT(slow.err, Catch::StartsWith("pkitool: error: slow.key: PBKDF2 cost of 20000000 iterations is beyond pkitool's cap of 10000000\n"));
    // openssl refuses to write scrypt above 32 MiB, so the DER is built here: N=2^20, r=8 is 1 GiB.
    std::ofstream(t / "huge.py") << R"PY(
import sys
def tlv(tag, body): 
    n = len(body)
    head = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag]) + head + body
def oid(text):
    parts = [int(x) for x in text.split('.')]
    out = bytes([40 * parts[0] + parts[1]])
    for v in parts[2:]:
        enc = [v & 0x7F]
        while v > 0x7F:
            v >>= 7
            enc.insert(0, 0x80 | (v & 0x7F))
        out += bytes(enc)
    return tlv(6, out)
def integer(v): return tlv(2, v.to_bytes((v.bit_length() + 8) // 8, 'big'))
seq = lambda *xs: tlv(0x30, b''.join(xs))
scrypt = seq(oid('1.3.6.1.4.1.11591.4.11'), seq(tlv(4, b'\x01' * 16), integer(1 << 20), integer(8), integer(1)))
aes = seq(oid('2.16.840.1.101.3.4.1.42'), tlv(4, b'\x02' * 16))
sys.stdout.buffer.write(seq(seq(oid('1.2.840.113549.1.5.13'), seq(scrypt, aes)), tlv(4, b'\x03' * 48)))
)PY";
    must(shell("python3 huge.py > huge.der && openssl asn1parse -inform DER -in huge.der > /dev/null", t.path()));
    const auto huge = run("key show huge.der --passphrase-file pass", t.path());
    CHECK(huge.code == 1);
    CHECK_THAT(huge.err, Catch::StartsWith("pkitool: error: huge.der: scrypt cost N=1048576 r=8 p=1 is beyond pkitool's cap"));
}
