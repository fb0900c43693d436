// Private keys held in hardware (a PKCS#11 token, a TPM 2.0): Botan keys whose signature
// operation hashes in software and has the hardware sign the digest. X509_CA, self-signed
// certificates, CSRs, CRLs and SigV4 take any Botan::Private_Key, so these sign everything a file
// key signs. Botan 2.19 as Debian builds it has no PKCS#11 module, and its own needs
// CKM_ECDSA_SHA256, which SoftHSM2 does not offer (Botan issue #3891).
#pragma once

#include <botan/bigint.h>
#include <botan/ec_group.h>
#include <botan/pk_keys.h>
#include <botan/point_gfp.h>

#include <memory>
#include <string>
#include <vector>

namespace pkitool::issue {

// The hardware's half: sign a digest computed in software.
class DigestSigner {
public:
    virtual ~DigestSigner() = default;
    // `hash` is Botan's name ("SHA-256"); the result is r‖s (each the group order's length) for
    // EC keys, the PKCS#1 v1.5 signature for RSA keys (RFC 8017 §8.2.1). Error when it fails.
    virtual std::vector<uint8_t> sign(const std::string& hash, const std::vector<uint8_t>& digest) = 0;
    // Where the key is, for messages and records: "pkcs11:token=...;object=..." (no PIN), "handle:0x81000002".
    virtual std::string location() const = 0;
};

std::shared_ptr<Botan::Private_Key> held_ecdsa_key(const Botan::EC_Group& group, const Botan::PointGFp& point, std::shared_ptr<DigestSigner> signer);
std::shared_ptr<Botan::Private_Key> held_rsa_key(const Botan::BigInt& n, const Botan::BigInt& e, std::shared_ptr<DigestSigner> signer);

// The signer of a key made above; nullptr for any other key.
const DigestSigner* held_signer(const Botan::Private_Key& key);

}  // namespace pkitool::issue
