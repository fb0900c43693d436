// sign-string's fixed test string and signature, pinned against values the openssl command and
// Python's hashlib computed (the commands are in the comments), and read-certificate-data's fields.
#include "base/pem.h"
#include "exchange/client/certificate_data.h"
#include "exchange/client/test_signature.h"
#include "issue/random.h"
#include "issue/x509_file.h"

#include <botan/base64.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/pkcs8.h>

#include <catch2/catch.hpp>

using namespace pkitool::exchange;

namespace {

const std::string kData = PKITOOL_SOURCE_DIR "/tests/data/exchange/";
const std::string kBanner = "AWS Roles Anywhere Credential Helper Signing Test1";

std::string suffix_hex(const std::string& s) {
    REQUIRE(s.size() == kBanner.size() + 32);
    REQUIRE(s.substr(0, kBanner.size()) == kBanner);
    return Botan::hex_encode(reinterpret_cast<const uint8_t*>(s.data()) + kBanner.size(), 32, false);
}

std::string sha256_hex(const std::vector<uint8_t>& data) {
    auto h = Botan::HashFunction::create_or_throw("SHA-256");
    return Botan::hex_encode(h->process(data), false);
}

}  // namespace

TEST_CASE("test signature: the string to sign for an EC key hashes the uncompressed point", "[exchange][sign-string]") {
    // The private scalar 1: its public point is P-256's generator G (SEC 2 §2.4.2). hashlib:
    // sha256(b'IAM RA' + b'\x04' + Gx + Gy) = 6118302b…
    Botan::ECDSA_PrivateKey key(pkitool::issue::rng(), Botan::EC_Group("secp256r1"), Botan::BigInt(1));
    CHECK(suffix_hex(test_string_to_sign(key)) == "6118302bc1d29e492f2f65f751f211934ff42db490d1571504a0f96eef7957be");
}

TEST_CASE("test signature: RSA over the PKCS#1 public key, signatures pinned by openssl", "[exchange][sign-string]") {
    // openssl rsa -pubin -in rsa-test.pub.pem -RSAPublicKey_out -outform DER | (printf 'IAM RA'; cat) | openssl dgst -sha256
    const auto key = pkitool::issue::PrivateKey::load(kData + "rsa-test.key", std::nullopt);
    const auto data = test_string_to_sign(key.botan());
    CHECK(suffix_hex(data) == "175282f083998e88c645e703c873cf598c19aaf855455bb567e7438dccb8fc30");
    // PKCS#1 v1.5 is deterministic: openssl dgst -sha{256,384,512} -sign rsa-test.key data.bin | openssl dgst -sha256
    CHECK(sha256_hex(sign_test_string(key, TestDigest::Sha256)) == "8f30b0ff322cd0cbeeaa6312abf2dde5fb6044e2e0086115bfb08a7f4eb4eb99");
    CHECK(sha256_hex(sign_test_string(key, TestDigest::Sha384)) == "2a15b21a49752b81d443917550c9c94856d715b58c9e5afa8e65500f9bdf68a8");
    CHECK(sha256_hex(sign_test_string(key, TestDigest::Sha512)) == "b211ac096bd5c1c2c1d7591408042b6142c5bf130af4907eac25d9a112b3178e");
}

TEST_CASE("test signature: digest names round-trip, others are refused", "[exchange][sign-string]") {
    for (const auto d : {TestDigest::Sha256, TestDigest::Sha384, TestDigest::Sha512}) CHECK(parse_test_digest(to_string(d)) == d);
    CHECK_FALSE(parse_test_digest("sha256"));
    CHECK_FALSE(parse_test_digest("SHA1"));
}

TEST_CASE("certificate data: key type, decimal serial, algorithms and the DER, in the helper's order", "[exchange][sign-string]") {
    const auto cert = pkitool::pem::load_certificate(kData + "rsa-test.crt");
    const auto d = CertificateData::of(cert);
    CHECK(d.key_type == "RSA");
    CHECK(d.serial_number == "85968058272638546416180");  // python3 -c "print(int('1234567890ABCDEF1234', 16))"
    CHECK(d.supported_algorithms == std::vector<std::string>{"RSASHA256", "RSASHA384", "RSASHA512"});
    // openssl x509 -in rsa-test.crt -outform DER | openssl dgst -sha256
    const auto der = Botan::base64_decode(d.certificate_data);
    CHECK(sha256_hex(std::vector<uint8_t>(der.begin(), der.end())) == "40899a28e63cc253f89db27e1fd6db9ce961bc3f583e8259aea6e18291b0e335");
    CHECK_THAT(d.json(), Catch::StartsWith("{\"keyType\":\"RSA\",\"certificateData\":\"MII") &&
                             Catch::EndsWith("\",\"serialNumber\":\"85968058272638546416180\",\"supportedAlgorithms\":[\"RSASHA256\",\"RSASHA384\",\"RSASHA512\"]}"));
}
