// Keys in a PKCS#11 token (issue #11), on SoftHSM2 in a temporary directory; signatures checked
// by openssl, the token's contents by OpenSC's pkcs11-tool.
#include "base/error.h"
#include "issue/key.h"
#include "issue/random.h"
#include "tests/support/softhsm.h"
#include "tests/support/swtpm.h"

#include <botan/pubkey.h>
#include <catch2/catch.hpp>

#include <fstream>

using namespace pkitool;
using namespace pkitool::test;
using issue::KeyType;
using issue::PrivateKey;
using issue::pkcs11::Access;
using issue::pkcs11::KeyUri;

namespace {

Access softhsm(int* asked = nullptr) {
    return Access{SoftHsm::kModule, [asked](const std::string&) {
                      if (asked) ++*asked;
                      return std::string(SoftHsm::kPin);
                  }};
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return std::string(e.what()) + " | " + e.hint();
    }
    return "no error";
}

// Signs with the token key and has openssl verify it with the public key pkitool read off the token.
void openssl_verifies(const PrivateKey& key, const std::string& padding, const std::string& digest, const TempDir& t) {
    const std::string msg = "the message a token signs";
    Botan::PK_Signer signer(key.botan(), issue::rng(), padding, padding.starts_with("EMSA1") ? Botan::DER_SEQUENCE : Botan::IEEE_1363);
    const auto sig = signer.sign_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), issue::rng());
    std::ofstream(t / "msg", std::ios::binary) << msg;
    std::ofstream(t / "sig", std::ios::binary).write(reinterpret_cast<const char*>(sig.data()), sig.size());
    std::ofstream(t / "pub.pem") << key.public_pem();
    const auto r = shell("openssl dgst -" + digest + " -verify pub.pem -signature sig msg", t.path());
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("Verified OK") != std::string::npos);
}

}  // namespace

TEST_CASE("a key generated in a token signs there, and openssl verifies it", "[pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    int asked = 0;
    struct Case {
        std::string type, padding, digest;
    };
    for (const auto& c : {Case{"ec:p256", "EMSA1(SHA-256)", "sha256"}, Case{"ec:p384", "EMSA1(SHA-384)", "sha384"},
                          Case{"rsa:2048", "EMSA3(SHA-256)", "sha256"}}) {
        INFO(c.type);
        const auto uri = KeyUri::parse("pkcs11:token=pkitool;object=k-" + c.type);
        const auto made = PrivateKey::generate_in_token(uri, KeyType::parse(c.type), softhsm(&asked));
        CHECK(made.type() == KeyType::parse(c.type));
        CHECK(made.token_uri() == "pkcs11:token=pkitool;object=k-" + c.type);
        openssl_verifies(made, c.padding, c.digest, t);
        // Found again by its URI alone, with the same public key.
        const int logins = asked;
        const auto found = PrivateKey::in_token(uri, softhsm(&asked));
        CHECK(asked == logins);  // logged in already: a PKCS#11 login is per token, not per session
        CHECK(found.public_pem() == made.public_pem());
        openssl_verifies(found, c.padding, c.digest, t);
        // The private half never leaves the token.
        CHECK_THROWS_AS(found.to_pem(std::nullopt), Error);
    }
    // OpenSC's view: sensitive, never extractable, with the key identifier as CKA_ID.
    const auto objects = hsm.tool(std::string("--list-objects --login --pin ") + SoftHsm::kPin);
    INFO(objects.out << objects.err);
    CHECK(objects.out.find("k-ec:p256") != std::string::npos);
    size_t private_keys = 0;
    for (size_t at = objects.out.find("Private Key Object"); at != std::string::npos; at = objects.out.find("Private Key Object", at + 1)) {
        ++private_keys;
        const size_t access = objects.out.find("Access:", at);
        const std::string line = objects.out.substr(access, objects.out.find('\n', access) - access);
        CHECK(line == "Access:     sensitive, always sensitive, never extractable, local");
    }
    CHECK(private_keys == 3);
}

TEST_CASE("a key pkcs11-tool made is found by label or by id, and its errors name what is wrong", "[pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    hsm.add_token("second");  // before the module starts: SoftHSM2 reads its tokens once
    must(hsm.tool(std::string("--token-label pkitool --login --pin ") + SoftHsm::kPin + " --keypairgen --key-type EC:prime256v1 --label tool-key --id 0a0b"));
    must(hsm.tool(std::string("--token-label pkitool --login --pin ") + SoftHsm::kPin + " --keypairgen --key-type rsa:2048 --label other --id 0c"));
    const auto by_label = PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=tool-key"), softhsm());
    const auto by_id = PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;id=%0a%0b"), softhsm());
    CHECK(by_label.public_pem() == by_id.public_pem());
    openssl_verifies(by_id, "EMSA1(SHA-256)", "sha256", t);

    CHECK_THAT(error_of([] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool"), softhsm()); }),
               Catch::Contains("several private keys match") && Catch::Contains("'tool-key' (id 0a0b)") && Catch::Contains("'other' (id 0c)"));
    // A key type pkitool cannot sign with (Ed25519, which SoftHSM2 makes) is named, not used.
    must(hsm.tool(std::string("--token-label pkitool --login --pin ") + SoftHsm::kPin + " --keypairgen --key-type EC:edwards25519 --label ed"));
    CHECK_THAT(error_of([] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=ed"), softhsm()); }),
               Catch::Contains("key 'ed' (id none) is neither an EC nor an RSA key"));
    CHECK_THAT(error_of([] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=nope"), softhsm()); }),
               Catch::Contains("unable to find matching private key"));
    CHECK_THAT(error_of([] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=elsewhere;object=tool-key"), softhsm()); }),
               Catch::Contains("no matching slots") && Catch::Contains("tokens present: ") && Catch::Contains("'pkitool' (serial") && Catch::Contains("'second' (serial"));
    CHECK_THAT(error_of([] { PrivateKey::generate_in_token(KeyUri::parse("pkcs11:token=pkitool;object=other"), KeyType::default_type(), softhsm()); }),
               Catch::Contains("already holds a key labelled 'other'"));
    CHECK_THAT(error_of([] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=x"), Access{"/nonexistent/module.so", {}}); }),
               Catch::Contains("/nonexistent/module.so: cannot load PKCS#11 module"));
    CHECK_THAT(error_of([] { PrivateKey::in_token(KeyUri::parse("pkcs11:object=tool-key"), softhsm()); }),
               Catch::Contains("multiple matching slots") && Catch::Contains("'pkitool'") && Catch::Contains("'second'"));
}

TEST_CASE("a wrong PIN is said once and never tried again in the process", "[pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    must(hsm.tool(std::string("--login --pin ") + SoftHsm::kPin + " --keypairgen --key-type EC:prime256v1 --label k --id 01"));
    int asked = 0;
    const Access wrong{SoftHsm::kModule, [&](const std::string& token) {
                           ++asked;
                           CHECK(token == "token 'pkitool'");
                           return std::string("9999");
                       }};
    const auto e = error_of([&] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=k"), wrong); });
    CHECK_THAT(e, Catch::Contains("token 'pkitool': wrong PIN (CKR_PIN_INCORRECT)"));
    CHECK(e.find("9999") == std::string::npos);
    CHECK(asked == 1);
    // The refused PIN is not tried again in this process, even when given anew: each try counts.
    CHECK_THAT(error_of([&] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=k"), wrong); }),
               Catch::Contains("its PIN was refused earlier in this process"));
    CHECK(asked == 1);
}

TEST_CASE("a URI's PIN comes from pin-value or pin-source (its first line, file:// too)", "[pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    must(hsm.tool(std::string("--login --pin ") + SoftHsm::kPin + " --keypairgen --key-type EC:prime256v1 --label k --id 01"));
    CHECK_THAT(error_of([] { PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=k"), Access{SoftHsm::kModule, {}}); }),
               Catch::Contains("token 'pkitool' needs a PIN"));
    std::ofstream(t / "pin") << SoftHsm::kPin << "\nsecond line, not part of the PIN\n";
    const auto from_file = PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=k?pin-source=file://localhost" + (t / "pin").string()),
                                                Access{SoftHsm::kModule, {}});
    const auto uri = KeyUri::parse("pkcs11:token=pkitool;object=k?pin-value=1234&module-path=/usr/lib/softhsm/libsofthsm2.so");
    CHECK(uri.shown() == "pkcs11:token=pkitool;object=k?module-path=/usr/lib/softhsm/libsofthsm2.so");
    const auto from_value = PrivateKey::in_token(uri, Access{});
    CHECK(from_file.public_pem() == from_value.public_pem());
}

TEST_CASE("a PKCS#11 URI with a bad attribute is refused, naming the attribute", "[pkcs11]") {
    CHECK_THAT(error_of([] { KeyUri::parse("pkcs11:token=pkitool;lable=root"); }), Catch::Contains("attribute 'lable=root': unknown attribute"));
    CHECK_THAT(error_of([] { KeyUri::parse("pkcs11:token=pki%zztool"); }), Catch::Contains("attribute 'token=pki%zztool'"));
    CHECK_THAT(error_of([] { KeyUri::parse("pkcs11:object=a?pin-value=secret&colour=red"); }),
               Catch::Contains("attribute 'colour': unknown attribute"));
    // Whatever may hold a PIN is never shown: pin-value in the path, misspelt ones, query values.
    for (const std::string text : {"pkcs11:token=t;pin-value=5555;lable=x", "pkcs11:object=a?pin-valeu=5555", "pkcs11:object=a?PIN_VALUE=5555",
                                   "pkcs11:object=a;pin_value=5555"}) {
        INFO(text);
        const auto e = error_of([&] { KeyUri::parse(text); });
        CHECK_THAT(e, Catch::Contains("attribute '"));
        CHECK(e.find("5555") == std::string::npos);
    }
    CHECK(KeyUri::parse("pkcs11:token=t;pin-value=5555;object=k").shown() == "pkcs11:token=t;object=k");
    const auto e = error_of([] { KeyUri::parse("pkcs11:object=a?pin-value=se%zzcret"); });
    CHECK(e.find("secret") == std::string::npos);
    CHECK(e.find("se%zz") == std::string::npos);
    CHECK(KeyUri::parse("pkcs11:token=My%20Token;object=root-ca").object() == "root-ca");
}

TEST_CASE("a key generated in a software TPM through tpm2-pkcs11 signs there, and openssl verifies it", "[pkcs11][tpm]") {
    TempDir t;
    SwTpm tpm(t);
    const Access access{SwTpm::kModule, [](const std::string&) { return std::string(SwTpm::kPin); }};
    for (const auto& [type, padding, digest] : {std::tuple{"ec:p256", "EMSA1(SHA-256)", "sha256"}, std::tuple{"rsa:2048", "EMSA3(SHA-256)", "sha256"}}) {
        INFO(type);
        const auto uri = KeyUri::parse(std::string("pkcs11:token=tpm;object=k-") + type);
        const auto made = PrivateKey::generate_in_token(uri, KeyType::parse(type), access);
        openssl_verifies(made, padding, digest, t);
        const auto found = PrivateKey::in_token(uri, access);
        CHECK(found.public_pem() == made.public_pem());
    }
    const auto objects = tpm.tool(std::string("--list-objects --login --pin ") + SwTpm::kPin);
    INFO(objects.out << objects.err);
    CHECK(objects.out.find("k-ec:p256") != std::string::npos);
    CHECK(objects.out.find("never extractable") != std::string::npos);
}

TEST_CASE("a token that goes away mid-signature is said to be gone", "[pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    must(hsm.tool(std::string("--login --pin ") + SoftHsm::kPin + " --keypairgen --key-type EC:prime256v1 --label k --id 01"));
    ScopedEnv env({"PKITOOL_TEST_SIGNATURES_LEFT"});
    env.set("PKITOOL_TEST_SIGNATURES_LEFT", "1");
    const auto key = PrivateKey::in_token(KeyUri::parse("pkcs11:token=pkitool;object=k"), Access{PKITOOL_REMOVABLE_TOKEN, softhsm().pin});
    const std::string msg = "m";
    Botan::PK_Signer signer(key.botan(), issue::rng(), "EMSA1(SHA-256)", Botan::DER_SEQUENCE);
    CHECK(!signer.sign_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), issue::rng()).empty());
    CHECK_THAT(error_of([&] { signer.sign_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), issue::rng()); }),
               Catch::Contains("token 'pkitool': the token is gone") && Catch::Contains("CKR_DEVICE_REMOVED"));
}
