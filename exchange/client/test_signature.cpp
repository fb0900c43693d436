// The fixed test string and its signature.
#include "exchange/client/test_signature.h"

#include "issue/random.h"
#include "base/error.h"

#include <botan/ec_group.h>
#include <botan/ecc_key.h>
#include <botan/hash.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

namespace pkitool::exchange {

namespace {

// The version digit the helper puts after the banner; a new test string would bump it.
constexpr const char* kBanner = "AWS Roles Anywhere Credential Helper Signing Test";
constexpr const char* kVersion = "1";

std::vector<uint8_t> key_bytes(const Botan::Public_Key& key) {
    if (const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(&key)) return ec->public_point().encode(Botan::PointGFp::UNCOMPRESSED);
    if (const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key)) return rsa->public_key_bits();  // RSAPublicKey DER
    throw Error(key.algo_name() + " keys cannot sign Roles Anywhere requests", "use an RSA or EC key");
}

const char* hash_name(TestDigest digest) {
    switch (digest) {
        case TestDigest::Sha256: return "SHA-256";
        case TestDigest::Sha384: return "SHA-384";
        case TestDigest::Sha512: return "SHA-512";
    }
    return "SHA-256";
}

}  // namespace

std::string to_string(TestDigest digest) {
    switch (digest) {
        case TestDigest::Sha256: return "SHA256";
        case TestDigest::Sha384: return "SHA384";
        case TestDigest::Sha512: return "SHA512";
    }
    return "SHA256";
}

std::optional<TestDigest> parse_test_digest(std::string_view text) {
    for (const auto d : {TestDigest::Sha256, TestDigest::Sha384, TestDigest::Sha512})
        if (text == to_string(d)) return d;
    return std::nullopt;
}

std::string test_string_to_sign(const Botan::Public_Key& key) {
    const auto bytes = key_bytes(key);
    auto sha256 = Botan::HashFunction::create_or_throw("SHA-256");
    sha256->update("IAM RA");
    sha256->update(bytes);
    const auto suffix = sha256->final_stdvec();
    return std::string(kBanner) + kVersion + std::string(suffix.begin(), suffix.end());
}

std::vector<uint8_t> sign_test_string(const issue::PrivateKey& key, TestDigest digest) {
    const auto& k = key.botan();
    const std::string data = test_string_to_sign(k);
    const bool ec = dynamic_cast<const Botan::EC_PublicKey*>(&k) != nullptr;
    const std::string padding = std::string(ec ? "EMSA1(" : "EMSA3(") + hash_name(digest) + ")";
    Botan::PK_Signer signer(k, issue::rng(), padding, ec ? Botan::DER_SEQUENCE : Botan::IEEE_1363);
    return signer.sign_message(reinterpret_cast<const uint8_t*>(data.data()), data.size(), issue::rng());
}

bool signs_for(const issue::PrivateKey& key, const Botan::Public_Key& pub) {
    if (!issue::keys_match(key.botan(), pub)) return false;
    const std::string data = test_string_to_sign(pub);
    const bool ec = dynamic_cast<const Botan::EC_PublicKey*>(&pub) != nullptr;
    const auto signature = sign_test_string(key, TestDigest::Sha256);
    Botan::PK_Verifier verifier(pub, ec ? "EMSA1(SHA-256)" : "EMSA3(SHA-256)", ec ? Botan::DER_SEQUENCE : Botan::IEEE_1363);
    return verifier.verify_message(reinterpret_cast<const uint8_t*>(data.data()), data.size(), signature.data(), signature.size());
}

}  // namespace pkitool::exchange
