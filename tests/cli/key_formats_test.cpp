// Every private-key encryption openssl 3 writes, and the key files `show` must recognise. Oracle:
// openssl itself, which wrote the files and says what public key they hold.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

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
