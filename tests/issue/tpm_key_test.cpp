// TPM 2.0 keys through the TSS2 ESAPI (issue #11) on swtpm: key files made by tpm2-tools and by
// tpm2-openssl's provider, and persistent handles; every signature checked by openssl.
#include "base/error.h"
#include "issue/key.h"
#include "issue/random.h"
#include "issue/tpm2/tpm_key.h"
#include "tests/support/swtpm.h"

#include <botan/pubkey.h>
#include <botan/x509_key.h>
#include <catch2/catch.hpp>

#include <fstream>

using namespace pkitool;
using namespace pkitool::test;

namespace {

std::vector<uint8_t> bytes_of(const fs::path& p) {
    const auto s = slurp(p);
    return {s.begin(), s.end()};
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return std::string(e.what()) + " | " + e.hint();
    }
    return "no error";
}

// Signs with the TPM key, then openssl verifies with the public key pkitool read from the TPM.
void openssl_verifies(const Botan::Private_Key& key, const std::string& padding, const std::string& digest, const TempDir& t) {
    const std::string msg = "signed inside a TPM";
    Botan::PK_Signer signer(key, issue::rng(), padding, padding.starts_with("EMSA1") ? Botan::DER_SEQUENCE : Botan::IEEE_1363);
    const auto sig = signer.sign_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), issue::rng());
    std::ofstream(t / "msg", std::ios::binary) << msg;
    std::ofstream(t / "sig", std::ios::binary).write(reinterpret_cast<const char*>(sig.data()), sig.size());
    std::ofstream(t / "pub.pem") << Botan::X509::PEM_encode(key);
    const auto r = shell("openssl dgst -" + digest + " -verify pub.pem -signature sig msg", t.path());
    INFO(r.out << r.err);
    CHECK(r.out.find("Verified OK") != std::string::npos);
}

}  // namespace

TEST_CASE("TSS2 key files from tpm2-tools and tpm2-openssl, and persistent handles, sign inside the TPM", "[tpm]") {
    TempDir t;
    SwTpm tpm(t);
    // A persistent storage parent, an EC key with a password under it as a key file, and the same made persistent.
    must(tpm.run("tpm2_createprimary -Q -C o -c primary.ctx && tpm2_evictcontrol -Q -C o -c primary.ctx 0x81000010", t.path()));
    must(tpm.run("tpm2_create -Q -C 0x81000010 -G ecc256 -p keypass -u ec.pub -r ec.priv && "
                 "tpm2_encodeobject -C 0x81000010 -u ec.pub -r ec.priv -p -o ec.tss2.pem",
                 t.path()));
    must(tpm.run("tpm2_load -Q -C 0x81000010 -u ec.pub -r ec.priv -c ec.ctx && tpm2_evictcontrol -Q -C o -c ec.ctx 0x81000011", t.path()));
    const auto file_key = issue::tpm2::load_key_file(bytes_of(t / "ec.tss2.pem"), "ec.tss2.pem", std::string("keypass"));
    openssl_verifies(*file_key, "EMSA1(SHA-256)", "sha256", t);
    const auto handle_key = issue::tpm2::open_handle(*issue::tpm2::parse_handle("handle:0x81000011"), std::string("keypass"));
    CHECK(handle_key->public_key_bits() == file_key->public_key_bits());
    openssl_verifies(*handle_key, "EMSA1(SHA-384)", "sha384", t);

    // Keys sealed to the owner hierarchy's storage primary, made by another implementation.
    must(tpm.run("openssl genpkey -provider tpm2 -algorithm EC -pkeyopt group:P-256 -out owner-ec.pem", t.path()));
    must(tpm.run("openssl genpkey -provider tpm2 -algorithm RSA -pkeyopt bits:2048 -out owner-rsa.pem", t.path()));
    must(tpm.run("openssl pkey -provider tpm2 -provider default -in owner-ec.pem -pubout -out owner-ec.pub", t.path()));
    const auto owner_ec = issue::tpm2::load_key_file(bytes_of(t / "owner-ec.pem"), "owner-ec.pem", std::nullopt);
    CHECK(Botan::X509::PEM_encode(*owner_ec) == slurp(t / "owner-ec.pub"));
    openssl_verifies(*owner_ec, "EMSA1(SHA-256)", "sha256", t);
    const auto owner_rsa = issue::tpm2::load_key_file(bytes_of(t / "owner-rsa.pem"), "owner-rsa.pem", std::nullopt);
    openssl_verifies(*owner_rsa, "EMSA3(SHA-256)", "sha256", t);

    // Errors: a wrong password (said once), a missing one, an empty handle, a handle out of range.
    const auto wrong = issue::tpm2::open_handle(0x81000011, std::string("nope"));
    CHECK_THAT(error_of([&] { openssl_verifies(*wrong, "EMSA1(SHA-256)", "sha256", t); }), Catch::Contains("handle:0x81000011: wrong TPM key password"));
    CHECK_THAT(error_of([&] { issue::tpm2::open_handle(0x81000019, std::nullopt); }), Catch::Contains("handle:0x81000019: the TPM has no key there"));
    CHECK_THAT(error_of([] { issue::tpm2::parse_handle("handle:0x40000001"); }), Catch::Contains("not a TPM persistent handle"));
    // tpm2-tools 5.4 marks its key files emptyAuth even with a password: the TPM tells.
    const auto no_password = issue::tpm2::load_key_file(bytes_of(t / "ec.tss2.pem"), "ec.tss2.pem", std::nullopt);
    CHECK_THAT(error_of([&] { openssl_verifies(*no_password, "EMSA1(SHA-256)", "sha256", t); }),
               Catch::Contains("ec.tss2.pem: the TPM key has a password and none was given"));
    CHECK(issue::tpm2::is_key_file(bytes_of(t / "owner-ec.pem")));
    CHECK_FALSE(issue::tpm2::is_key_file(bytes_of(t / "owner-ec.pub")));
}
