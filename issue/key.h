// Private keys: the supported key types, generation, PKCS#8 PEM storage and fingerprints.
#pragma once

#include "issue/pkcs11/key_uri.h"
#include "issue/pkcs11/session.h"
#include "issue/tpm2/tpm_key.h"

#include <botan/pk_keys.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::issue {

// The key types of the command-line contract: ec:p256 (default), ec:p384, rsa:2048/3072/4096.
class KeyType {
public:
    enum class Algorithm { EC, RSA };

    static KeyType parse(const std::string& text);  // Error on an unknown name
    static KeyType default_type() { return parse("ec:p256"); }
    static const std::vector<std::string>& names();

    Algorithm algorithm() const { return algorithm_; }
    size_t bits() const { return bits_; }            // RSA modulus or EC field size
    std::string name() const;                         // "ec:p256"
    std::string curve() const;                        // "secp256r1"; empty for RSA
    // The certificate signature hash this key signs with: SHA-384 for P-384, SHA-256 otherwise.
    std::string signature_hash() const;

    bool operator==(const KeyType&) const = default;

private:
    KeyType(Algorithm a, size_t bits) : algorithm_(a), bits_(bits) {}
    Algorithm algorithm_;
    size_t bits_;
};

// The key type of an existing key; Error when it is not one pkitool supports.
KeyType key_type_of(const Botan::Public_Key& key);

// A passphrase held only in memory; empty optional means "not encrypted".
using Passphrase = std::optional<std::string>;

class PrivateKey {
public:
    static PrivateKey generate(const KeyType& type);
    // Reads PEM or DER PKCS#8 (encrypted or not), SEC1, PKCS#1, or the key of a PKCS#12 file
    // (issue/pkcs12.h; the passphrase is its password). Errors name the file: wrong passphrase,
    // encrypted key without passphrase, not a private key.
    static PrivateKey load(const std::filesystem::path& path, const Passphrase& passphrase);
    // The same from bytes already read; `name` is what errors call them.
    static PrivateKey parse(const std::vector<uint8_t>& data, const std::string& name, const Passphrase& passphrase);
    // True when `data` is a key (or PKCS#12 file) that parse() needs a passphrase for.
    static bool is_encrypted(const std::vector<uint8_t>& data);
    // A key in a PKCS#11 token (issue #11): it signs there and never leaves it (issue/pkcs11/).
    static PrivateKey in_token(const pkcs11::KeyUri& uri, const pkcs11::Access& access);
    // A new key pair generated inside the token, sensitive and not extractable.
    static PrivateKey generate_in_token(const pkcs11::KeyUri& uri, const KeyType& type, const pkcs11::Access& access);

    // A key inside a TPM 2.0 (issue/tpm2/): a TSS2 PRIVATE KEY file's object, or a persistent handle.
    static PrivateKey in_tpm(const std::vector<uint8_t>& key_file, const std::string& name, const tpm2::KeyPassword& password);
    static PrivateKey at_tpm_handle(uint32_t handle, const tpm2::KeyPassword& password);

    // The token's URI (without PIN) for a token key; empty for a key in memory.
    std::string token_uri() const;

    const Botan::Private_Key& botan() const { return *key_; }
    KeyType type() const { return key_type_of(*key_); }

    // PKCS#8 PEM; encrypted with PBES2 (scrypt + AES-256-CBC) when a passphrase is given.
    std::string to_pem(const Passphrase& passphrase) const;
    // EncryptedPrivateKeyInfo DER with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC): what PKCS#12
    // readers (OpenSSL, Windows, Java) take in a shrouded key bag, where scrypt is not read.
    std::vector<uint8_t> to_encrypted_der(const std::string& passphrase, size_t pbkdf2_iterations) const;
    std::string public_pem() const;  // SubjectPublicKeyInfo PEM
    // The public half; shares ownership (a Botan private key is also its public key).
    std::shared_ptr<const Botan::Public_Key> public_key() const { return key_; }

private:
    explicit PrivateKey(std::shared_ptr<Botan::Private_Key> key) : key_(std::move(key)) {}
    std::shared_ptr<Botan::Private_Key> key_;
};

// Where a private key is read from: a file, or an RFC 7512 URI ("pkcs11:...") naming it in a token.
class KeyLocation {
public:
    // "pkcs11:..." is a URI (Error pointing at a bad attribute); anything else a path.
    static KeyLocation parse(const std::string& text);
    static KeyLocation file(std::filesystem::path p) { return KeyLocation(std::move(p), std::nullopt); }

    const std::optional<pkcs11::KeyUri>& uri() const { return uri_; }
    const std::filesystem::path& path() const { return path_; }  // empty for a URI
    std::string shown() const;  // the path, or the URI without PIN

    // What opening it needs: the file's passphrase, or the token's module and PIN.
    PrivateKey open(const Passphrase& passphrase, const pkcs11::Access& access) const;

private:
    KeyLocation(std::filesystem::path p, std::optional<pkcs11::KeyUri> u) : path_(std::move(p)), uri_(std::move(u)) {}
    std::filesystem::path path_;
    std::optional<pkcs11::KeyUri> uri_;
};

// SHA-256 over the SubjectPublicKeyInfo DER, lowercase hex (as `openssl pkey -pubout -outform DER | openssl dgst -sha256`).
std::string public_key_fingerprint(const Botan::Public_Key& key);

// SHA-1 over the subjectPublicKey BIT STRING contents: RFC 5280 §4.2.1.2 method (1).
std::vector<uint8_t> key_identifier(const Botan::Public_Key& key);

// A subject's public key with the encodings a certificate needs, computed once: encoding an EC
// point costs a field inversion each time, which adds up over a batch.
struct SubjectKey {
    std::shared_ptr<const Botan::Public_Key> key;
    std::vector<uint8_t> spki;    // SubjectPublicKeyInfo DER
    std::vector<uint8_t> key_id;  // key_identifier() of it

    static SubjectKey of(std::shared_ptr<const Botan::Public_Key> key);
};

// True when the private key is the one matching this public key.
bool keys_match(const Botan::Private_Key& priv, const Botan::Public_Key& pub);

}  // namespace pkitool::issue
