// PKCS#12 files (RFC 7292): a private key, its certificate and the chain under one password.
// Read: a PFX (§4) in password integrity mode, its MAC (§4 MacData, keyed by the Appendix B KDF)
// checked before anything is decrypted; Data and EncryptedData contents (§4.1); KeyBag,
// PKCS8ShroudedKeyBag, CertBag and SafeContentsBag (§4.2); PBES2 (RFC 8018 §6.2) or the 3DES
// schemes of Appendix C. Public-key modes (signedData, envelopedData) and RC2/RC4 are refused.
// Written: as OpenSSL 3 writes by default, but PBKDF2-HMAC-SHA256 + AES-256-CBC and HMAC-SHA256
// at kPkcs12Iterations.
#pragma once

#include "issue/key.h"

#include <botan/x509cert.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pkitool::issue {

// What a file may make the reader spend: its KDF iteration counts (MacData, PBKDF2-params,
// pkcs-12PbeParams) and scrypt costs come from the file itself.
struct Pkcs12Limits {
    size_t max_iterations = 10'000'000;  // a few seconds; OpenSSL 3 writes 2048, Windows 2000
    size_t max_bags = 1000;
};

// PBES2-params (RFC 8018 §6.2, Appendix A.2 and A.4; RFC 7914 §7 for scrypt) checked before any
// derivation, for PKCS#12 bags and encrypted PKCS#8 keys alike: the description of the scheme, or
// an Error naming the part Botan lacks or the cost past Pkcs12Limits' caps.
std::string check_pbes2_parameters(const std::vector<uint8_t>& params);

// PBKDF2 and MAC iterations of the files pkitool writes, where OpenSSL 3 writes 2048: each of
// the three derivations then takes tens of milliseconds, and Windows, Java, NSS and OpenSSL read
// any count.
constexpr size_t kPkcs12Iterations = 100'000;

struct Pkcs12 {
    std::optional<PrivateKey> key;
    std::optional<Botan::X509_Certificate> leaf;  // the certificate whose public key is the key's
    // Every other certificate: the leaf's issuer first and on up as far as they chain, then the
    // rest in file order.
    std::vector<Botan::X509_Certificate> chain;
    std::string friendly_name;  // the leaf's (else the key's) friendlyName attribute, when any
    // How the file is protected, for `show`: "HMAC-SHA-256, 2048 iterations" or "none";
    // "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 2048 iterations" or "none".
    std::string integrity, key_encryption, certificate_encryption;

    // True when `data` opens like a PFX (a SEQUENCE, version 3, a ContentInfo), even truncated.
    static bool detect(std::span<const uint8_t> data);
    // True when `data` is a PFX that the empty password does not open.
    static bool needs_password(std::span<const uint8_t> data);
    // The contents, with errors naming `name`: "wrong password (the PKCS#12 MAC does not
    // verify)"; a password-protected file read without one says so with a Passphrase step. An
    // empty or missing password tries both empty forms, as OpenSSL does. More than one private
    // key is refused.
    static Pkcs12 parse(std::span<const uint8_t> data, const std::string& name, const Passphrase& password,
                        const Pkcs12Limits& limits = {});
    static Pkcs12 load(const std::filesystem::path& path, const Passphrase& password);
};

// What export writes: `key` with its certificate and chain (issuer first).
struct Pkcs12Contents {
    const PrivateKey& key;
    const Botan::X509_Certificate& leaf;
    const std::vector<Botan::X509_Certificate>& chain;
    std::string friendly_name;  // on the key and the leaf, with a localKeyID joining them
    size_t iterations = kPkcs12Iterations;
};

// Error (naming no file: the caller knows which one it read) when chain[i] is not the issuer of
// the certificate before it (by name and signature): "certificate 2 (CN=B) did not issue
// certificate 1 (CN=A)".
void check_chain_order(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& chain);
// The DER of the PFX under `password` (empty allowed: the caller decides whether it may be);
// Error when the key is not the leaf's or the chain does not chain.
std::vector<uint8_t> encode_pkcs12(const Pkcs12Contents& contents, const std::string& password);

}  // namespace pkitool::issue
