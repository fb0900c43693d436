#include "issue/held_key.h"

#include "base/error.h"

#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/pk_ops.h>
#include <botan/rsa.h>
#include <fmt/format.h>

namespace pkitool::issue {

namespace {

// The hash inside Botan's padding names: "EMSA1(SHA-256)" (ECDSA), "EMSA3(SHA-256)" or
// "EMSA_PKCS1(SHA-256)" (RSA PKCS#1 v1.5). Anything else (PSS, raw) these keys refuse.
std::string hash_of(const std::string& padding, bool rsa, const DigestSigner& signer) {
    const size_t open = padding.find('('), close = padding.rfind(')');
    const std::string scheme = padding.substr(0, open);
    const bool known = rsa ? (scheme == "EMSA3" || scheme == "EMSA_PKCS1" || scheme == "PKCS1v15") : (scheme == "EMSA1");
    if (!known || open == std::string::npos || close == std::string::npos || close < open)
        throw Error(fmt::format("{}: the key signs with {} only, not {}", signer.location(), rsa ? "PKCS#1 v1.5" : "ECDSA", padding));
    return padding.substr(open + 1, close - open - 1);
}

class HeldSignature final : public Botan::PK_Ops::Signature {
public:
    HeldSignature(std::shared_ptr<DigestSigner> signer, const std::string& hash, size_t length)
        : signer_(std::move(signer)), name_(hash), hash_(Botan::HashFunction::create_or_throw(hash)), length_(length) {}
    void update(const uint8_t msg[], size_t len) override { hash_->update(msg, len); }
    size_t signature_length() const override { return length_; }
    Botan::secure_vector<uint8_t> sign(Botan::RandomNumberGenerator&) override {
        const auto digest = hash_->final_stdvec();
        const auto sig = signer_->sign(name_, digest);
        return Botan::secure_vector<uint8_t>(sig.begin(), sig.end());
    }

private:
    std::shared_ptr<DigestSigner> signer_;
    std::string name_;
    std::unique_ptr<Botan::HashFunction> hash_;
    size_t length_;
};

[[noreturn]] void not_exportable(const DigestSigner& s) {
    throw Error(fmt::format("{}: the key is held in hardware and cannot be exported", s.location()));
}

class HeldEcdsaKey final : public Botan::ECDSA_PublicKey, public virtual Botan::Private_Key {
public:
    HeldEcdsaKey(const Botan::EC_Group& group, const Botan::PointGFp& point, std::shared_ptr<DigestSigner> signer)
        : Botan::EC_PublicKey(group, point), Botan::ECDSA_PublicKey(group, point), signer_(std::move(signer)) {}
    Botan::secure_vector<uint8_t> private_key_bits() const override { not_exportable(*signer_); }
    std::unique_ptr<Botan::PK_Ops::Signature> create_signature_op(Botan::RandomNumberGenerator&, const std::string& params,
                                                                  const std::string&) const override {
        return std::make_unique<HeldSignature>(signer_, hash_of(params, false, *signer_), 2 * domain().get_order_bytes());
    }
    const DigestSigner& signer() const { return *signer_; }

private:
    std::shared_ptr<DigestSigner> signer_;
};

class HeldRsaKey final : public Botan::RSA_PublicKey, public virtual Botan::Private_Key {
public:
    HeldRsaKey(const Botan::BigInt& n, const Botan::BigInt& e, std::shared_ptr<DigestSigner> signer)
        : Botan::RSA_PublicKey(n, e), signer_(std::move(signer)) {}
    Botan::secure_vector<uint8_t> private_key_bits() const override { not_exportable(*signer_); }
    std::unique_ptr<Botan::PK_Ops::Signature> create_signature_op(Botan::RandomNumberGenerator&, const std::string& params,
                                                                  const std::string&) const override {
        return std::make_unique<HeldSignature>(signer_, hash_of(params, true, *signer_), get_n().bytes());
    }
    const DigestSigner& signer() const { return *signer_; }

private:
    std::shared_ptr<DigestSigner> signer_;
};

}  // namespace

std::shared_ptr<Botan::Private_Key> held_ecdsa_key(const Botan::EC_Group& group, const Botan::PointGFp& point, std::shared_ptr<DigestSigner> signer) {
    return std::make_shared<HeldEcdsaKey>(group, point, std::move(signer));
}

std::shared_ptr<Botan::Private_Key> held_rsa_key(const Botan::BigInt& n, const Botan::BigInt& e, std::shared_ptr<DigestSigner> signer) {
    return std::make_shared<HeldRsaKey>(n, e, std::move(signer));
}

const DigestSigner* held_signer(const Botan::Private_Key& key) {
    if (const auto* ec = dynamic_cast<const HeldEcdsaKey*>(&key)) return &ec->signer();
    if (const auto* rsa = dynamic_cast<const HeldRsaKey*>(&key)) return &rsa->signer();
    return nullptr;
}

}  // namespace pkitool::issue
