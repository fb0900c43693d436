// aws_signing_helper's `sign-string` check: a signature over a fixed string that depends only on
// the public key, so a script can prove that a key (file today, token later) signs as Roles
// Anywhere expects without calling the service (IAM Roles Anywhere User Guide, "Credential helper").
#pragma once

#include "issue/key.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pkitool::exchange {

// The digests the helper offers: the data is hashed with it, then signed (RSA PKCS#1 v1.5,
// ECDSA with a DER signature), as CreateSession signatures are.
enum class TestDigest { Sha256, Sha384, Sha512 };

std::string to_string(TestDigest digest);  // "SHA256", "SHA384", "SHA512"
std::optional<TestDigest> parse_test_digest(std::string_view text);

// "AWS Roles Anywhere Credential Helper Signing Test" || "1" || SHA-256("IAM RA" || key bytes),
// where the key bytes are the uncompressed EC point (SEC 1 §2.3.3) or the PKCS#1 RSAPublicKey
// DER (RFC 8017 §A.1.1). Error for keys that are neither RSA nor EC.
std::string test_string_to_sign(const Botan::Public_Key& key);

// The key's signature over test_string_to_sign of its own public key.
std::vector<uint8_t> sign_test_string(const issue::PrivateKey& key, TestDigest digest);

// True when the key's signature over the test string verifies with `pub`: how a key held in a
// token is proved to be a certificate's, as aws_signing_helper proves it (checkPrivateKeyMatchesCert
// in its pkcs11_signer.go), since the public half a token shows beside a key is only a claim.
bool signs_for(const issue::PrivateKey& key, const Botan::Public_Key& pub);

}  // namespace pkitool::exchange
