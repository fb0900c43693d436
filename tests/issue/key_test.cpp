// PKCS#8 encoding of generated keys.
#include "issue/key.h"

#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/ecdsa.h>
#include <botan/pem.h>
#include <botan/pkcs8.h>

#include <catch2/catch.hpp>

using pkitool::issue::KeyType;
using pkitool::issue::PrivateKey;

namespace {

// The privateKey OCTET STRING of the ECPrivateKey (RFC 5915) inside a PKCS#8 PEM.
std::vector<uint8_t> ec_scalar_octets(const std::string& pem) {
    Botan::DataSource_Memory src(pem);
    const auto der = Botan::PEM_Code::decode_check_label(src, "PRIVATE KEY");
    Botan::AlgorithmIdentifier alg;
    Botan::secure_vector<uint8_t> key_bits;
    size_t version = 99;
    Botan::BER_Decoder(der).start_cons(Botan::SEQUENCE).decode(version).decode(alg).decode(key_bits, Botan::OCTET_STRING).discard_remaining();
    size_t ec_version = 99;
    std::vector<uint8_t> scalar;
    Botan::BER_Decoder(key_bits).start_cons(Botan::SEQUENCE).decode(ec_version).decode(scalar, Botan::OCTET_STRING).discard_remaining();
    REQUIRE(version == 0);
    REQUIRE(ec_version == 1);
    return scalar;
}

}  // namespace

// Botan 2 alone writes about one P-256 scalar in 256 as 31 bytes; Python's cryptography refuses those.
TEST_CASE("key: generated EC keys always carry a scalar of the group order's length", "[key]") {
    const auto [name, order_bytes] = GENERATE(std::make_pair("ec:p256", size_t{32}), std::make_pair("ec:p384", size_t{48}));
    const int keys = std::string(name) == "ec:p256" ? 3000 : 600;
    int short_scalars = 0;
    for (int i = 0; i < keys; ++i) {
        const auto key = PrivateKey::generate(KeyType::parse(name));
        const auto& ec = dynamic_cast<const Botan::EC_PrivateKey&>(key.botan());
        if (ec.private_value().bytes() < order_bytes) ++short_scalars;
        const auto pem = key.to_pem(std::nullopt);
        const auto scalar = ec_scalar_octets(pem);
        REQUIRE(scalar.size() == order_bytes);
        REQUIRE(Botan::BigInt(scalar) == ec.private_value());
        if (ec.private_value().bytes() < order_bytes) {
            // The padded form reads back as the same key.
            Botan::DataSource_Memory src(pem);
            const auto back = Botan::PKCS8::load_key(src);
            CHECK(dynamic_cast<const Botan::EC_PrivateKey&>(*back).private_value() == ec.private_value());
            CHECK(back->public_key_bits() == key.botan().public_key_bits());
        }
    }
    // 3,000 P-256 keys hold a short scalar with near certainty (1 - (255/256)^3000): the case is exercised.
    if (std::string(name) == "ec:p256") CHECK(short_scalars > 0);
}

TEST_CASE("key: encrypted PKCS#8 of a generated EC key decrypts to the same scalar", "[key]") {
    const auto key = PrivateKey::generate(KeyType::parse("ec:p256"));
    const auto pem = key.to_pem(std::string("correct horse"));
    Botan::DataSource_Memory src(pem);
    const auto back = Botan::PKCS8::load_key(src, std::string("correct horse"));
    CHECK(dynamic_cast<const Botan::EC_PrivateKey&>(*back).private_value() ==
          dynamic_cast<const Botan::EC_PrivateKey&>(key.botan()).private_value());
}
