#include "issue/pkcs11/token_key.h"

#include "base/error.h"
#include "issue/key.h"

#include <botan/ber_dec.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/hash_id.h>
#include <botan/hex.h>
#include <botan/pk_ops.h>
#include <botan/rsa.h>
#include <botan/x509cert.h>
#include <fmt/format.h>

namespace pkitool::issue::pkcs11 {

namespace {

// What a token key is besides its public half: where it lives.
struct Held {
    std::shared_ptr<Session> session;
    CK_OBJECT_HANDLE object;
    std::string shown;  // the URI, without PIN
    std::string label;  // "key 'root-ca'"
};

// The hash inside Botan's padding names: "EMSA1(SHA-256)" (ECDSA), "EMSA3(SHA-256)" or
// "EMSA_PKCS1(SHA-256)" (RSA PKCS#1 v1.5). Anything else (PSS, raw) the token keys refuse.
std::string hash_of(const std::string& padding, bool rsa, const Held& held) {
    const size_t open = padding.find('('), close = padding.rfind(')');
    const std::string scheme = padding.substr(0, open);
    const bool known = rsa ? (scheme == "EMSA3" || scheme == "EMSA_PKCS1" || scheme == "PKCS1v15") : (scheme == "EMSA1");
    if (!known || open == std::string::npos || close == std::string::npos || close < open)
        throw Error(fmt::format("{}: {} signs with {} only, not {}", held.shown, held.label, rsa ? "PKCS#1 v1.5" : "ECDSA", padding));
    return padding.substr(open + 1, close - open - 1);
}

class TokenSignature final : public Botan::PK_Ops::Signature {
public:
    TokenSignature(const Held& held, CK_MECHANISM_TYPE mechanism, const std::string& hash, std::vector<uint8_t> prefix,
                   size_t digest_max, size_t length)
        : held_(held), mechanism_(mechanism), hash_(Botan::HashFunction::create_or_throw(hash)), prefix_(std::move(prefix)),
          digest_max_(digest_max), length_(length) {}

    void update(const uint8_t msg[], size_t len) override { hash_->update(msg, len); }
    size_t signature_length() const override { return length_; }

    Botan::secure_vector<uint8_t> sign(Botan::RandomNumberGenerator&) override {
        auto digest = hash_->final();
        // ECDSA uses the leftmost bits of a longer hash (SEC 1 §4.1.3 step 5); whole bytes for P-256/P-384.
        if (digest_max_ && digest.size() > digest_max_) digest.resize(digest_max_);
        std::vector<uint8_t> input(prefix_);
        input.insert(input.end(), digest.begin(), digest.end());

        auto* api = held_.session->api();
        std::lock_guard lock(held_.session->mutex());
        CK_MECHANISM mech{mechanism_, nullptr, 0};
        CK_RV rv = api->C_SignInit(held_.session->handle(), &mech, held_.object);
        Botan::secure_vector<uint8_t> sig(length_);
        CK_ULONG n = sig.size();
        if (rv == CKR_OK) rv = api->C_Sign(held_.session->handle(), input.data(), input.size(), sig.data(), &n);
        if (rv != CKR_OK) fail(rv);
        sig.resize(n);
        return sig;
    }

private:
    [[noreturn]] void fail(CK_RV rv) const {
        const auto& s = held_.session->shown();
        if (rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED ||
            rv == CKR_DEVICE_ERROR)
            throw Error(fmt::format("{}: the token is gone: removed, or its session closed ({})", s, rv_name(rv)));
        if (rv == CKR_USER_NOT_LOGGED_IN)
            throw Error(fmt::format("{}: {} wants a login for each signature, which pkitool does not do yet ({})", s, held_.label, rv_name(rv)));
        throw Error(fmt::format("{}: {} did not sign ({})", s, held_.label, rv_name(rv)));
    }

    Held held_;
    CK_MECHANISM_TYPE mechanism_;
    std::unique_ptr<Botan::HashFunction> hash_;
    std::vector<uint8_t> prefix_;
    size_t digest_max_;
    size_t length_;
};

class TokenEcdsaKey final : public Botan::ECDSA_PublicKey, public virtual Botan::Private_Key {
public:
    TokenEcdsaKey(const Botan::EC_Group& group, const Botan::PointGFp& point, Held held)
        : Botan::EC_PublicKey(group, point), Botan::ECDSA_PublicKey(group, point), held_(std::move(held)) {}

    Botan::secure_vector<uint8_t> private_key_bits() const override {
        throw Error(fmt::format("{}: the key is held in the token and cannot be exported", held_.shown));
    }
    std::unique_ptr<Botan::PK_Ops::Signature> create_signature_op(Botan::RandomNumberGenerator&, const std::string& params,
                                                                  const std::string&) const override {
        const size_t order_bytes = domain().get_order_bytes();
        return std::make_unique<TokenSignature>(held_, CKM_ECDSA, hash_of(params, false, held_), std::vector<uint8_t>{}, order_bytes,
                                                2 * order_bytes);
    }
    const Held& held() const { return held_; }

private:
    Held held_;
};

class TokenRsaKey final : public Botan::RSA_PublicKey, public virtual Botan::Private_Key {
public:
    TokenRsaKey(const Botan::BigInt& n, const Botan::BigInt& e, Held held) : Botan::RSA_PublicKey(n, e), held_(std::move(held)) {}

    Botan::secure_vector<uint8_t> private_key_bits() const override {
        throw Error(fmt::format("{}: the key is held in the token and cannot be exported", held_.shown));
    }
    std::unique_ptr<Botan::PK_Ops::Signature> create_signature_op(Botan::RandomNumberGenerator&, const std::string& params,
                                                                  const std::string&) const override {
        // RFC 8017 §9.2: EMSA-PKCS1-v1_5 signs DigestInfo(hash); CKM_RSA_PKCS pads it (PKCS#11 §2.1.6).
        const std::string hash = hash_of(params, true, held_);
        return std::make_unique<TokenSignature>(held_, CKM_RSA_PKCS, hash, Botan::pkcs_hash_id(hash), 0, get_n().bytes());
    }
    const Held& held() const { return held_; }

private:
    Held held_;
};

const Held* held_of(const Botan::Private_Key& key) {
    if (const auto* ec = dynamic_cast<const TokenEcdsaKey*>(&key)) return &ec->held();
    if (const auto* rsa = dynamic_cast<const TokenRsaKey*>(&key)) return &rsa->held();
    return nullptr;
}

std::string hex(const std::vector<uint8_t>& v) { return Botan::hex_encode(v, false); }

std::string text(const std::optional<std::vector<uint8_t>>& v) { return v ? std::string(v->begin(), v->end()) : std::string(); }

// The template of the URI's object attributes for one class.
struct ObjectMatch {
    CK_OBJECT_CLASS cls;
    std::string label;
    std::vector<uint8_t> id;
    std::vector<CK_ATTRIBUTE> attributes;

    ObjectMatch(CK_OBJECT_CLASS c, const std::optional<std::string>& l, const std::optional<std::vector<uint8_t>>& i) : cls(c) {
        attributes.push_back({CKA_CLASS, &cls, sizeof cls});
        if (l) {
            label = *l;
            attributes.push_back({CKA_LABEL, label.data(), label.size()});
        }
        if (i) {
            id = *i;
            attributes.push_back({CKA_ID, id.data(), id.size()});
        }
    }
    ObjectMatch(const ObjectMatch&) = delete;
};

std::string name_of(Session& s, CK_OBJECT_HANDLE o) {
    const auto label = s.attribute(o, CKA_LABEL);
    const auto id = s.attribute(o, CKA_ID);
    return fmt::format("'{}' (id {})", text(label), id ? hex(*id) : "none");
}

std::vector<uint8_t> octets_of_point(const std::vector<uint8_t>& ec_point) {
    // CKA_EC_POINT is DER of an OCTET STRING holding the point (PKCS#11 v2.40 §2.3.3); some
    // modules give the bare point.
    try {
        std::vector<uint8_t> inner;
        Botan::BER_Decoder(ec_point).decode(inner, Botan::OCTET_STRING).verify_end();
        return inner;
    } catch (const std::exception&) {
        return ec_point;
    }
}

std::shared_ptr<Botan::Private_Key> wrap(const std::shared_ptr<Session>& session, CK_OBJECT_HANDLE priv, const KeyUri& uri) {
    Held held{session, priv, uri.shown(), "key " + name_of(*session, priv)};
    const auto type_bytes = session->attribute(priv, CKA_KEY_TYPE);
    CK_KEY_TYPE type = static_cast<CK_KEY_TYPE>(-1);
    if (type_bytes && type_bytes->size() == sizeof type) std::memcpy(&type, type_bytes->data(), sizeof type);
    if (!session->flag(priv, CKA_SIGN)) throw Error(fmt::format("{}: {} is not allowed to sign (CKA_SIGN is false)", uri.shown(), held.label));

    const auto id = session->attribute(priv, CKA_ID);
    auto spki_from_certificate = [&]() -> std::unique_ptr<Botan::Public_Key> {
        if (!id || id->empty()) return nullptr;
        ObjectMatch m(CKO_CERTIFICATE, std::nullopt, *id);
        for (auto h : session->find(m.attributes, 1))
            if (auto der = session->attribute(h, CKA_VALUE)) return Botan::X509_Certificate(*der).load_subject_public_key();
        return nullptr;
    };
    auto public_object = [&]() -> std::optional<CK_OBJECT_HANDLE> {
        std::optional<std::string> label;
        if (!id || id->empty()) label = text(session->attribute(priv, CKA_LABEL));
        ObjectMatch m(CKO_PUBLIC_KEY, label, id && !id->empty() ? id : std::nullopt);
        auto found = session->find(m.attributes, 2);
        if (found.size() == 1) return found.front();
        return std::nullopt;
    };

    if (type == CKK_EC) {
        if (!session->offers(CKM_ECDSA, CKF_SIGN))
            throw Error(fmt::format("{}: {} cannot sign with EC keys: it does not offer CKM_ECDSA", uri.shown(), session->shown()));
        auto params = session->attribute(priv, CKA_EC_PARAMS);
        std::optional<std::vector<uint8_t>> point;
        if (auto pub = public_object()) {
            point = session->attribute(*pub, CKA_EC_POINT);
            if (!params) params = session->attribute(*pub, CKA_EC_PARAMS);
        }
        if (point && params) {
            const Botan::EC_Group group(*params);
            return std::make_shared<TokenEcdsaKey>(group, group.OS2ECP(octets_of_point(*point)), std::move(held));
        }
        if (auto spki = spki_from_certificate())
            if (auto* ec = dynamic_cast<Botan::ECDSA_PublicKey*>(spki.get()))
                return std::make_shared<TokenEcdsaKey>(ec->domain(), ec->public_point(), std::move(held));
        throw Error(fmt::format("{}: {} has no public key or certificate of the same id on the token", uri.shown(), held.label));
    }
    if (type == CKK_RSA) {
        if (!session->offers(CKM_RSA_PKCS, CKF_SIGN))
            throw Error(fmt::format("{}: {} cannot sign with RSA keys: it does not offer CKM_RSA_PKCS", uri.shown(), session->shown()));
        auto n = session->attribute(priv, CKA_MODULUS), e = session->attribute(priv, CKA_PUBLIC_EXPONENT);
        if (!n || !e)
            if (auto pub = public_object()) n = session->attribute(*pub, CKA_MODULUS), e = session->attribute(*pub, CKA_PUBLIC_EXPONENT);
        if (n && e) return std::make_shared<TokenRsaKey>(Botan::BigInt(*n), Botan::BigInt(*e), std::move(held));
        throw Error(fmt::format("{}: {} has no public modulus on the token", uri.shown(), held.label));
    }
    throw Error(fmt::format("{}: {} is neither an EC nor an RSA key, the two kinds pkitool signs with", uri.shown(), held.label));
}

}  // namespace

std::shared_ptr<Botan::Private_Key> open_key(const KeyUri& uri, const Access& access) {
    auto session = Session::open(uri, access);
    ObjectMatch m(CKO_PRIVATE_KEY, uri.object(), uri.id());
    const auto found = session->find(m.attributes);
    if (found.empty())
        throw Error(fmt::format("{}: unable to find matching private key on {}", uri.shown(), session->shown()),
                    "list its objects: pkcs11-tool --list-objects --login");
    if (found.size() > 1) {
        std::vector<std::string> names;
        for (auto h : found) names.push_back(name_of(*session, h));
        std::string all;
        for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
        throw Error(fmt::format("{}: several private keys match: {}", uri.shown(), all), "name one: add object=... or id=... to the URI");
    }
    return wrap(session, found.front(), uri);
}

std::shared_ptr<Botan::Private_Key> generate_key(const KeyUri& uri, const KeyType& type, const Access& access) {
    if (!uri.object()) throw Error(fmt::format("{}: name the new key: add object=NAME to the URI", uri.shown()));
    auto session = Session::open(uri, access, true);
    for (const CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
        ObjectMatch m(cls, uri.object(), std::nullopt);
        if (!session->find(m.attributes, 1).empty())
            throw Error(fmt::format("{}: {} already holds a key labelled '{}'", uri.shown(), session->shown(), *uri.object()),
                        "choose another object name; pkitool never replaces a key in a token");
    }
    const bool ec = type.algorithm() == KeyType::Algorithm::EC;
    const CK_MECHANISM_TYPE mech_type = ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN;
    if (!session->offers(mech_type, CKF_GENERATE_KEY_PAIR) || !session->offers(ec ? CKM_ECDSA : CKM_RSA_PKCS, CKF_SIGN))
        throw Error(fmt::format("{}: {} cannot make and sign with {} keys", uri.shown(), session->shown(), type.name()));

    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    std::string label = *uri.object();
    std::vector<uint8_t> id = uri.id().value_or(std::vector<uint8_t>{});
    std::vector<uint8_t> params;
    CK_ULONG bits = type.bits();
    std::vector<uint8_t> exponent{0x01, 0x00, 0x01};
    std::vector<CK_ATTRIBUTE> pub{bool_attribute(CKA_TOKEN, yes), bool_attribute(CKA_VERIFY, yes), {CKA_LABEL, label.data(), label.size()}};
    std::vector<CK_ATTRIBUTE> priv{bool_attribute(CKA_TOKEN, yes),       bool_attribute(CKA_PRIVATE, yes),
                                   bool_attribute(CKA_SENSITIVE, yes),   bool_attribute(CKA_EXTRACTABLE, no),
                                   bool_attribute(CKA_SIGN, yes),        {CKA_LABEL, label.data(), label.size()}};
    if (!id.empty()) {
        pub.push_back({CKA_ID, id.data(), id.size()});
        priv.push_back({CKA_ID, id.data(), id.size()});
    }
    if (ec) {
        params = Botan::EC_Group(type.curve()).DER_encode(Botan::EC_Group_Encoding::EC_DOMPAR_ENC_OID);
        pub.push_back({CKA_EC_PARAMS, params.data(), params.size()});
    } else {
        pub.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
        pub.push_back({CKA_PUBLIC_EXPONENT, exponent.data(), exponent.size()});
    }
    CK_MECHANISM mech{mech_type, nullptr, 0};
    CK_OBJECT_HANDLE pub_h = 0, priv_h = 0;
    CK_RV rv;
    {
        std::lock_guard lock(session->mutex());
        rv = session->api()->C_GenerateKeyPair(session->handle(), &mech, pub.data(), pub.size(), priv.data(), priv.size(), &pub_h, &priv_h);
    }
    if (rv != CKR_OK) throw Error(fmt::format("{}: {} did not make the {} key ({})", uri.shown(), session->shown(), type.name(), rv_name(rv)));
    auto key = wrap(session, priv_h, uri);
    if (id.empty()) {
        id = key_identifier(*key);
        CK_ATTRIBUTE set{CKA_ID, id.data(), id.size()};
        std::lock_guard lock(session->mutex());
        for (auto h : {pub_h, priv_h})
            if ((rv = session->api()->C_SetAttributeValue(session->handle(), h, &set, 1)) != CKR_OK)
                throw Error(fmt::format("{}: the key was made but its id could not be set ({})", uri.shown(), rv_name(rv)));
    }
    return key;
}

std::vector<std::vector<uint8_t>> certificates(const KeyUri& uri, const Access& access) {
    auto session = Session::open(uri, access);
    ObjectMatch m(CKO_CERTIFICATE, uri.object(), uri.id());
    std::vector<std::vector<uint8_t>> out;
    for (auto h : session->find(m.attributes))
        if (auto der = session->attribute(h, CKA_VALUE)) out.push_back(std::move(*der));
    return out;
}

std::vector<TokenCertificate> find_certificates(const KeyUri& uri, const Access& access, bool whole_token) {
    const std::optional<std::string> no_label;
    const std::optional<std::vector<uint8_t>> no_id;
    ObjectMatch m(CKO_CERTIFICATE, whole_token ? no_label : uri.object(), whole_token ? no_id : uri.id());
    std::vector<TokenCertificate> out;
    for (const bool login : {false, true}) {
        auto session = Session::open(uri, access, false, login);
        for (auto h : session->find(m.attributes))
            if (auto der = session->attribute(h, CKA_VALUE))
                out.push_back({std::move(*der), text(session->attribute(h, CKA_LABEL)),
                               session->attribute(h, CKA_ID).value_or(std::vector<uint8_t>{}), session->label()});
        if (!out.empty()) break;
    }
    return out;
}

bool is_token_key(const Botan::Private_Key& key) { return held_of(key) != nullptr; }

std::string location_of(const Botan::Private_Key& key) {
    const auto* h = held_of(key);
    return h ? h->shown : std::string();
}

}  // namespace pkitool::issue::pkcs11
