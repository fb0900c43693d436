// Key generation and PKCS#8 encoding through Botan; every failure becomes a one-line Error naming the file.
#include "issue/key.h"

#include "issue/pkcs11/token_key.h"

#include "issue/pkcs12.h"
#include "issue/random.h"
#include "base/error.h"
#include "base/files.h"

#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/oids.h>
#include <botan/pem.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include <algorithm>
#include <optional>

namespace pkitool::issue {

namespace {

struct Known {
    const char* name;
    KeyType::Algorithm algorithm;
    size_t bits;
    const char* curve;
};

constexpr Known kKnown[] = {
    {"ec:p256", KeyType::Algorithm::EC, 256, "secp256r1"},
    {"ec:p384", KeyType::Algorithm::EC, 384, "secp384r1"},
    {"rsa:2048", KeyType::Algorithm::RSA, 2048, ""},
    {"rsa:3072", KeyType::Algorithm::RSA, 3072, ""},
    {"rsa:4096", KeyType::Algorithm::RSA, 4096, ""},
};

const Known& known(KeyType::Algorithm a, size_t bits) {
    for (const auto& k : kKnown)
        if (k.algorithm == a && k.bits == bits) return k;
    throw Error("internal: unknown key type");
}

// OpenSSL's own `pkcs8 -scrypt` parameters (N=16384, r=8, p=1); Botan derives them from this
// "iteration" figure. A larger N exceeds OpenSSL's 32 MiB scrypt memory cap and `openssl pkey`
// could no longer read the key.
constexpr size_t kScryptIterations = 65536;

// The DER body of the PEM block labelled `label`, or nullopt when there is none. Other blocks
// (the "EC PARAMETERS" that `openssl ecparam -genkey` writes first) are skipped.
std::optional<Botan::secure_vector<uint8_t>> pem_block(const std::string& text, const std::string& label) {
    const std::string begin = "-----BEGIN " + label + "-----", end = "-----END " + label + "-----";
    const auto b = text.find(begin);
    if (b == std::string::npos) return std::nullopt;
    const auto e = text.find(end, b);
    if (e == std::string::npos) throw Error("the PEM block \"" + label + "\" has no END line");
    const std::string block = text.substr(b, e + end.size() - b);
    if (block.find("Proc-Type:") != std::string::npos)
        throw Error("a legacy encrypted PEM key (Proc-Type: 4,ENCRYPTED) is not read", "convert it to encrypted PKCS#8: openssl pkcs8 -topk8 -scrypt -in FILE");
    Botan::DataSource_Memory src(block);
    std::string got;
    return Botan::PEM_Code::decode(src, got);
}

// RFC 5915 ECPrivateKey (SEC1, what `openssl ecparam -genkey` and `openssl pkey -outform DER`
// write): the curve comes from its [0] parameters.
std::unique_ptr<Botan::Private_Key> sec1_key(const Botan::secure_vector<uint8_t>& der) {
    Botan::BER_Decoder top(der);
    Botan::BER_Decoder seq = top.start_cons(Botan::SEQUENCE);
    size_t version = 0;
    Botan::secure_vector<uint8_t> scalar;
    seq.decode(version).decode(scalar, Botan::OCTET_STRING);
    if (version != 1) throw Botan::Decoding_Error("not an ECPrivateKey (version " + std::to_string(version) + ")");
    std::optional<Botan::OID> curve;
    while (seq.more_items()) {
        const auto obj = seq.get_next_object();
        if (obj.is_a(0, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED))) {
            Botan::OID oid;
            Botan::BER_Decoder(obj.bits(), obj.length()).decode(oid);
            curve = oid;
        }
    }
    if (!curve) throw Botan::Decoding_Error("the EC private key names no curve");
    std::vector<uint8_t> params;
    Botan::DER_Encoder(params).encode(*curve);
    const Botan::AlgorithmIdentifier alg(Botan::OID("1.2.840.10045.2.1"), params);
    return std::make_unique<Botan::ECDSA_PrivateKey>(alg, der);
}

// RFC 8017 §A.1.2 RSAPrivateKey (PKCS#1, `openssl genrsa -traditional`).
std::unique_ptr<Botan::Private_Key> pkcs1_key(const Botan::secure_vector<uint8_t>& der) {
    const Botan::AlgorithmIdentifier alg(Botan::OID("1.2.840.113549.1.1.1"), Botan::AlgorithmIdentifier::USE_NULL_PARAM);
    return std::make_unique<Botan::RSA_PrivateKey>(alg, der);
}

// A SEC1 or PKCS#1 key in PEM or DER, or null when `data` is neither (issue #10: keys as openssl
// writes them by default).
std::unique_ptr<Botan::Private_Key> traditional_key(const std::vector<uint8_t>& data) {
    const std::string text(data.begin(), data.end());
    if (auto der = pem_block(text, "EC PRIVATE KEY")) return sec1_key(*der);
    if (auto der = pem_block(text, "RSA PRIVATE KEY")) return pkcs1_key(*der);
    if (text.find("-----BEGIN") != std::string::npos) return nullptr;
    const Botan::secure_vector<uint8_t> der(data.begin(), data.end());
    try {
        return sec1_key(der);
    } catch (const Botan::Exception&) {
    }
    try {
        return pkcs1_key(der);
    } catch (const Botan::Exception&) {
    }
    return nullptr;
}

bool looks_encrypted(const std::vector<uint8_t>& data) {
    const std::string text(data.begin(), data.end());
    if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos) return true;
    if (text.find("-----BEGIN") != std::string::npos) return false;
    // DER: EncryptedPrivateKeyInfo is an AlgorithmIdentifier SEQUENCE and an OCTET STRING,
    // PrivateKeyInfo opens with its INTEGER version (RFC 5958 §2-3), and a SubjectPublicKeyInfo
    // has a BIT STRING after its AlgorithmIdentifier (RFC 5280 §4.1).
    try {
        Botan::BER_Decoder outer(data);
        Botan::BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
        if (!seq.get_next_object().is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) return false;
        return seq.get_next_object().is_a(Botan::OCTET_STRING, Botan::UNIVERSAL);
    } catch (const std::exception&) {
        return false;
    }
}

// What stands in the way of decrypting an EncryptedPrivateKeyInfo (RFC 5958 section 3) before any
// passphrase is tried: a scheme Botan cannot undo, named so that a legacy key is not reported as a
// wrong passphrase, or a key-derivation cost that would hold the machine (a file can ask for any).
// Empty when neither; also when the data is not that structure (decryption then says it is corrupt).
std::string decryption_obstacle(const std::vector<uint8_t>& data) {
    // PBES1 (RFC 8018 section 6.1, appendix A.3) and PKCS#12's PBE (RFC 7292 appendix C): what
    // `openssl pkcs8 -v1 ...` and old tools write.
    static const std::pair<const char*, const char*> kLegacy[] = {
        {"1.2.840.113549.1.5.1", "pbeWithMD2AndDES-CBC"},          {"1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"},
        {"1.2.840.113549.1.5.4", "pbeWithMD2AndRC2-CBC"},          {"1.2.840.113549.1.5.6", "pbeWithMD5AndRC2-CBC"},
        {"1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"},        {"1.2.840.113549.1.5.11", "pbeWithSHA1AndRC2-CBC"},
        {"1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4"},     {"1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4"},
        {"1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC"}, {"1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC"},
        {"1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC"}, {"1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC"},
    };
    try {
        std::vector<uint8_t> der = data;
        const std::string text(data.begin(), data.end());
        if (text.find("-----BEGIN") != std::string::npos) {
            Botan::DataSource_Memory src(data);
            std::string label;
            const auto decoded = Botan::PEM_Code::decode(src, label);
            der.assign(decoded.begin(), decoded.end());
        }
        Botan::AlgorithmIdentifier scheme;
        Botan::BER_Decoder(der).start_cons(Botan::SEQUENCE).decode(scheme);
        const std::string oid = scheme.get_oid().to_string();
        for (const auto& [legacy_oid, name] : kLegacy)
            if (oid == legacy_oid) return "unsupported key encryption: " + std::string(name) + " (legacy PBES1 or PKCS#12 encryption)";
        if (oid != "1.2.840.113549.1.5.13") return "unsupported key encryption: the scheme " + oid;  // not PBES2 either
        try {
            check_pbes2_parameters(scheme.get_parameters());  // the one PBES2 check, PKCS#12's too
        } catch (const Error& e) {
            return e.what();
        }
    } catch (const std::exception&) {
    }
    return {};
}

// Botan 2 writes the ECPrivateKey scalar at its minimal length, so about one P-256 key in 256 gets
// a 31-byte scalar. RFC 5915 §3 fixes the length at the group order's, and strict readers (Python's
// cryptography, Go) refuse the short form. ECDSA_PrivateKey is final, so this view stands in for the
// key when it is encoded: Botan's PKCS#8 writers (plain and encrypted) only ask it for these.
class FixedLengthEcView final : public Botan::Private_Key {
public:
    explicit FixedLengthEcView(const Botan::EC_PrivateKey& key) : key_(key) {}

    // Botan's layout otherwise: version 1, the scalar, [1] the public point; the curve is named in
    // the PKCS#8 AlgorithmIdentifier.
    Botan::secure_vector<uint8_t> private_key_bits() const override {
        return Botan::DER_Encoder()
            .start_cons(Botan::SEQUENCE)
            .encode(static_cast<size_t>(1))
            .encode(Botan::BigInt::encode_1363(key_.private_value(), key_.domain().get_order().bytes()), Botan::OCTET_STRING)
            .start_explicit(1)
            .encode(key_.public_point().encode(Botan::PointGFp::UNCOMPRESSED), Botan::BIT_STRING)
            .end_explicit()
            .end_cons()
            .get_contents();
    }
    std::string algo_name() const override { return key_.algo_name(); }
    size_t estimated_strength() const override { return key_.estimated_strength(); }
    size_t key_length() const override { return key_.key_length(); }
    bool check_key(Botan::RandomNumberGenerator& rng, bool strong) const override { return key_.check_key(rng, strong); }
    Botan::AlgorithmIdentifier algorithm_identifier() const override { return key_.algorithm_identifier(); }
    std::vector<uint8_t> public_key_bits() const override { return key_.public_key_bits(); }

private:
    const Botan::EC_PrivateKey& key_;
};

}  // namespace

KeyType KeyType::parse(const std::string& text) {
    for (const auto& k : kKnown)
        if (text == k.name) return KeyType(k.algorithm, k.bits);
    std::string list;
    for (const auto& n : names()) list += (list.empty() ? "" : ", ") + n;
    throw usage_error("unknown key type '" + text + "'", "use one of: " + list);
}

const std::vector<std::string>& KeyType::names() {
    static const std::vector<std::string> n = [] {
        std::vector<std::string> v;
        for (const auto& k : kKnown) v.emplace_back(k.name);
        return v;
    }();
    return n;
}

std::string KeyType::name() const { return known(algorithm_, bits_).name; }
std::string KeyType::curve() const { return known(algorithm_, bits_).curve; }
std::string KeyType::signature_hash() const {
    return algorithm_ == Algorithm::EC && bits_ == 384 ? "SHA-384" : "SHA-256";
}

KeyType key_type_of(const Botan::Public_Key& key) {
    const std::string algo = key.algo_name();
    if (algo == "RSA") {
        const size_t bits = key.key_length();
        for (const auto& k : kKnown)
            if (k.algorithm == KeyType::Algorithm::RSA && k.bits == bits) return KeyType::parse(k.name);
        throw Error("RSA-" + std::to_string(bits) + " keys are not supported", "use rsa:2048, rsa:3072 or rsa:4096");
    }
    if (algo == "ECDSA") {
        const auto& ec = dynamic_cast<const Botan::EC_PublicKey&>(key);
        const std::string curve = ec.domain().get_curve_oid().to_formatted_string();
        for (const auto& k : kKnown)
            if (k.algorithm == KeyType::Algorithm::EC && curve == k.curve) return KeyType::parse(k.name);
        throw Error("EC curve " + curve + " is not supported", "use ec:p256 or ec:p384");
    }
    throw Error(algo + " keys are not supported", "use one of: ec:p256, ec:p384, rsa:2048, rsa:3072, rsa:4096");
}

PrivateKey PrivateKey::generate(const KeyType& type) {
    if (type.algorithm() == KeyType::Algorithm::RSA)
        return PrivateKey(std::make_shared<Botan::RSA_PrivateKey>(rng(), type.bits()));
    // Botan leaves a new key's public point in projective coordinates, so every encoding of it
    // (the SubjectPublicKeyInfo, the PKCS#8 file) pays two field inversions again. Decoding the
    // key from its own encoding yields the same key with an affine point: one conversion in all.
    const Botan::ECDSA_PrivateKey fresh(rng(), Botan::EC_Group(type.curve()));
    return PrivateKey(std::make_shared<Botan::ECDSA_PrivateKey>(fresh.algorithm_identifier(), FixedLengthEcView(fresh).private_key_bits()));
}

PrivateKey PrivateKey::load(const std::filesystem::path& path, const Passphrase& passphrase) {
    return parse(files::read(path), files::name_of(path), passphrase);
}

bool PrivateKey::is_encrypted(const std::vector<uint8_t>& data) { return looks_encrypted(data) || Pkcs12::needs_password(data); }

PrivateKey PrivateKey::parse(const std::vector<uint8_t>& data, const std::string& name, const Passphrase& passphrase) {
    if (data.empty()) throw Error(name + ": file is empty, expected a private key");
    if (Pkcs12::detect(data)) {
        auto p12 = Pkcs12::parse(data, name, passphrase);
        if (!p12.key) throw Error(name + ": the PKCS#12 file holds no private key", "export it again with its key");
        return *p12.key;
    }
    const bool encrypted = looks_encrypted(data);
    if (encrypted && !passphrase)
        throw Error(name + ": private key is encrypted").with_step({NextStep::Kind::Passphrase, "give its passphrase"});
    if (encrypted) {
        if (const auto obstacle = decryption_obstacle(data); !obstacle.empty())
            throw Error(name + ": " + obstacle +
                            (obstacle.rfind("unsupported", 0) == 0 ? "; pkitool reads PBES2 (PBKDF2 or scrypt, with AES, 3DES or Camellia)" : ""),
                        "re-encrypt it with openssl 3: openssl pkcs8 -topk8 -scrypt -in " + name + " -out new.key");
    }
    std::unique_ptr<Botan::Private_Key> key;
    try {
        Botan::DataSource_Memory src(data);
        key = encrypted ? Botan::PKCS8::load_key(src, *passphrase) : Botan::PKCS8::load_key(src);
    } catch (const std::exception& e) {
        if (encrypted) throw Error(name + ": cannot decrypt private key: wrong passphrase or corrupt file");
        const std::string text(data.begin(), data.end());
        if (text.find("-----BEGIN CERTIFICATE") != std::string::npos)
            throw Error(name + ": holds a certificate, expected a private key");
        try {
            key = traditional_key(data);
        } catch (const Error& legacy) {
            throw legacy.at(name);
        } catch (const std::exception& legacy) {
            throw Error(name + ": not a valid SEC1 or PKCS#1 private key (" + std::string(legacy.what()) + ")");
        }
        if (!key)
            throw Error(name + (text.find("-----BEGIN PRIVATE KEY") != std::string::npos ? ": not a valid PKCS#8 private key ("
                                                                                          : ": not a valid PKCS#8, SEC1 or PKCS#1 private key (") +
                        std::string(e.what()) + ")");
    }
    std::shared_ptr<Botan::Private_Key> shared(std::move(key));
    try {
        (void)key_type_of(*shared);
    } catch (const Error& e) {
        throw e.at(name);
    }
    return PrivateKey(std::move(shared));
}

std::string PrivateKey::to_pem(const Passphrase& passphrase) const {
    const auto encode = [&](const Botan::Private_Key& key) {
        if (!passphrase) return Botan::PKCS8::PEM_encode(key);
        return Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(key, rng(), *passphrase, kScryptIterations, "AES-256/CBC", "Scrypt");
    };
    if (const auto* ec = dynamic_cast<const Botan::EC_PrivateKey*>(key_.get())) return encode(FixedLengthEcView(*ec));
    return encode(*key_);
}

std::vector<uint8_t> PrivateKey::to_encrypted_der(const std::string& passphrase, size_t pbkdf2_iterations) const {
    const auto encode = [&](const Botan::Private_Key& key) {
        return Botan::PKCS8::BER_encode_encrypted_pbkdf_iter(key, rng(), passphrase, pbkdf2_iterations, "AES-256/CBC", "SHA-256");
    };
    if (const auto* ec = dynamic_cast<const Botan::EC_PrivateKey*>(key_.get())) return encode(FixedLengthEcView(*ec));
    return encode(*key_);
}

std::string PrivateKey::public_pem() const { return Botan::X509::PEM_encode(*key_); }

std::string public_key_fingerprint(const Botan::Public_Key& key) {
    auto hash = Botan::HashFunction::create_or_throw("SHA-256");
    return Botan::hex_encode(hash->process(key.subject_public_key()), false);
}

std::vector<uint8_t> key_identifier(const Botan::Public_Key& key) {
    auto hash = Botan::HashFunction::create_or_throw("SHA-1");
    return Botan::unlock(hash->process(key.public_key_bits()));
}

SubjectKey SubjectKey::of(std::shared_ptr<const Botan::Public_Key> key) {
    const auto bits = key->public_key_bits();
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    // RFC 5280 §4.1: SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }
    std::vector<uint8_t> spki;
    Botan::DER_Encoder(spki).start_cons(Botan::SEQUENCE).encode(key->algorithm_identifier()).encode(bits, Botan::BIT_STRING).end_cons();
    return SubjectKey{std::move(key), std::move(spki), Botan::unlock(sha1->process(bits))};
}

bool keys_match(const Botan::Private_Key& priv, const Botan::Public_Key& pub) {
    return priv.algo_name() == pub.algo_name() && priv.public_key_bits() == pub.public_key_bits();
}

PrivateKey PrivateKey::in_token(const pkcs11::KeyUri& uri, const pkcs11::Access& access) {
    return PrivateKey(pkcs11::open_key(uri, access));
}

PrivateKey PrivateKey::generate_in_token(const pkcs11::KeyUri& uri, const KeyType& type, const pkcs11::Access& access) {
    return PrivateKey(pkcs11::generate_key(uri, type, access));
}

PrivateKey PrivateKey::in_tpm(const std::vector<uint8_t>& key_file, const std::string& name, const tpm2::KeyPassword& password) {
    return PrivateKey(tpm2::load_key_file(key_file, name, password));
}

PrivateKey PrivateKey::at_tpm_handle(uint32_t handle, const tpm2::KeyPassword& password) {
    return PrivateKey(tpm2::open_handle(handle, password));
}

std::string PrivateKey::token_uri() const { return pkcs11::location_of(*key_); }

KeyLocation KeyLocation::parse(const std::string& text) {
    if (pkcs11::KeyUri::looks_like(text)) return KeyLocation({}, pkcs11::KeyUri::parse(text));
    return KeyLocation(text, std::nullopt);
}

std::string KeyLocation::shown() const { return uri_ ? uri_->shown() : files::name_of(path_); }

PrivateKey KeyLocation::open(const Passphrase& passphrase, const pkcs11::Access& access) const {
    if (uri_) return PrivateKey::in_token(*uri_, access);
    return PrivateKey::load(path_, passphrase);
}

}  // namespace pkitool::issue
