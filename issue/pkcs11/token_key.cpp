#include "issue/pkcs11/token_key.h"

#include "base/error.h"
#include "issue/held_key.h"
#include "issue/key.h"

#include <botan/ber_dec.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/hash_id.h>
#include <botan/hex.h>
#include <botan/rsa.h>
#include <botan/x509cert.h>
#include <fmt/format.h>

namespace pkitool::issue::pkcs11 {

namespace {

// The token's half of a key: C_Sign over a digest hashed in software, CKM_ECDSA for EC keys
// (r‖s, PKCS#11 v2.40 §2.3.6) and CKM_RSA_PKCS over the DigestInfo for RSA (RFC 8017 §9.2).
class TokenSigner final : public DigestSigner {
public:
    TokenSigner(std::shared_ptr<Session> session, CK_OBJECT_HANDLE object, std::string shown, std::string label, bool rsa, size_t length)
        : session_(std::move(session)), object_(object), shown_(std::move(shown)), label_(std::move(label)), rsa_(rsa), length_(length) {}

    std::vector<uint8_t> sign(const std::string& hash, const std::vector<uint8_t>& digest) override {
        std::vector<uint8_t> input;
        if (rsa_) {
            input = Botan::pkcs_hash_id(hash);
            input.insert(input.end(), digest.begin(), digest.end());
        } else {
            // ECDSA uses the leftmost bits of a longer hash (SEC 1 §4.1.3 step 5); whole bytes on P-256/P-384.
            input.assign(digest.begin(), digest.begin() + std::min(digest.size(), length_ / 2));
        }
        auto* api = session_->api();
        std::lock_guard lock(session_->mutex());
        CK_MECHANISM mech{rsa_ ? CKM_RSA_PKCS : CKM_ECDSA, nullptr, 0};
        CK_RV rv = api->C_SignInit(session_->handle(), &mech, object_);
        std::vector<uint8_t> sig(length_);
        CK_ULONG n = sig.size();
        if (rv == CKR_OK) rv = api->C_Sign(session_->handle(), input.data(), input.size(), sig.data(), &n);
        if (rv != CKR_OK) fail(rv);
        sig.resize(n);
        return sig;
    }
    std::string location() const override { return shown_; }

private:
    [[noreturn]] void fail(CK_RV rv) const {
        const auto& s = session_->shown();
        if (rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED ||
            rv == CKR_DEVICE_ERROR)
            throw Error(fmt::format("{}: the token is gone: removed, or its session closed ({})", s, rv_name(rv)));
        if (rv == CKR_USER_NOT_LOGGED_IN)
            throw Error(fmt::format("{}: {} wants a login for each signature, which pkitool does not do yet ({})", s, label_, rv_name(rv)));
        throw Error(fmt::format("{}: {} did not sign ({})", s, label_, rv_name(rv)));
    }

    std::shared_ptr<Session> session_;
    CK_OBJECT_HANDLE object_;
    std::string shown_, label_;
    bool rsa_;
    size_t length_;
};

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
    return fmt::format("'{}' (id {})", text(label), id && !id->empty() ? hex(*id) : "none");
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

// `made_public`: the public half generate_key() just made (else it is looked for by id or label).
std::shared_ptr<Botan::Private_Key> wrap(const std::shared_ptr<Session>& session, CK_OBJECT_HANDLE priv, const KeyUri& uri,
                                         std::optional<CK_OBJECT_HANDLE> made_public = std::nullopt) {
    const std::string label = "key " + name_of(*session, priv);
    const auto type_bytes = session->attribute(priv, CKA_KEY_TYPE);
    CK_KEY_TYPE type = static_cast<CK_KEY_TYPE>(-1);
    if (type_bytes && type_bytes->size() == sizeof type) std::memcpy(&type, type_bytes->data(), sizeof type);
    if (!session->flag(priv, CKA_SIGN)) throw Error(fmt::format("{}: {} is not allowed to sign (CKA_SIGN is false)", uri.shown(), label));

    const auto id = session->attribute(priv, CKA_ID);
    auto spki_from_certificate = [&]() -> std::unique_ptr<Botan::Public_Key> {
        if (!id || id->empty()) return nullptr;
        ObjectMatch m(CKO_CERTIFICATE, std::nullopt, *id);
        for (auto h : session->find(m.attributes, 1))
            if (auto der = session->attribute(h, CKA_VALUE)) return Botan::X509_Certificate(*der).load_subject_public_key();
        return nullptr;
    };
    auto public_object = [&]() -> std::optional<CK_OBJECT_HANDLE> {
        if (made_public) return made_public;
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
        auto signer = [&](const Botan::EC_Group& g) {
            return std::make_shared<TokenSigner>(session, priv, uri.shown(), label, false, 2 * g.get_order_bytes());
        };
        if (point && params) {
            const Botan::EC_Group group(*params);
            return held_ecdsa_key(group, group.OS2ECP(octets_of_point(*point)), signer(group));
        }
        if (auto spki = spki_from_certificate())
            if (auto* ec = dynamic_cast<Botan::ECDSA_PublicKey*>(spki.get())) return held_ecdsa_key(ec->domain(), ec->public_point(), signer(ec->domain()));
        throw Error(fmt::format("{}: {} has no public key or certificate of the same id on the token", uri.shown(), label));
    }
    if (type == CKK_RSA) {
        if (!session->offers(CKM_RSA_PKCS, CKF_SIGN))
            throw Error(fmt::format("{}: {} cannot sign with RSA keys: it does not offer CKM_RSA_PKCS", uri.shown(), session->shown()));
        auto n = session->attribute(priv, CKA_MODULUS), e = session->attribute(priv, CKA_PUBLIC_EXPONENT);
        if (!n || !e)
            if (auto pub = public_object()) n = session->attribute(*pub, CKA_MODULUS), e = session->attribute(*pub, CKA_PUBLIC_EXPONENT);
        if (n && e) {
            const Botan::BigInt modulus(*n);
            return held_rsa_key(modulus, Botan::BigInt(*e), std::make_shared<TokenSigner>(session, priv, uri.shown(), label, true, modulus.bytes()));
        }
        throw Error(fmt::format("{}: {} has no public modulus on the token", uri.shown(), label));
    }
    throw Error(fmt::format("{}: {} is neither an EC nor an RSA key, the two kinds pkitool signs with", uri.shown(), label));
}

}  // namespace

std::shared_ptr<Botan::Private_Key> open_key(const KeyUri& uri, const Access& access) {
    auto session = Session::open(uri, access);
    ObjectMatch m(CKO_PRIVATE_KEY, uri.object(), uri.id());
    const auto found = session->find(m.attributes);
    if (found.empty())
        throw Error(fmt::format("{}: unable to find matching private key on {}", uri.shown(), session->shown()),
                    "OpenSC's pkcs11-tool lists the objects a token holds");
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
    // An id names one key pair and its certificate: a second key under it would be found in its place.
    if (uri.id())
        for (const CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_CERTIFICATE}) {
            ObjectMatch m(cls, std::nullopt, uri.id());
            if (!session->find(m.attributes, 1).empty())
                throw Error(fmt::format("{}: {} already holds an object with id {}", uri.shown(), session->shown(), hex(*uri.id())),
                            "choose another id, or leave it out (pkitool then uses the key identifier)");
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
    // From here a failure leaves no half-made key behind: a retry would find its label taken.
    try {
        auto key = wrap(session, priv_h, uri, pub_h);
        if (id.empty()) {
            id = key_identifier(*key);
            CK_ATTRIBUTE set{CKA_ID, id.data(), id.size()};
            std::lock_guard lock(session->mutex());
            for (auto h : {pub_h, priv_h})
                if ((rv = session->api()->C_SetAttributeValue(session->handle(), h, &set, 1)) != CKR_OK)
                    throw Error(fmt::format("{}: the key was made but its id could not be set ({})", uri.shown(), rv_name(rv)));
        }
        return key;
    } catch (...) {
        std::lock_guard lock(session->mutex());
        for (auto h : {pub_h, priv_h}) session->api()->C_DestroyObject(session->handle(), h);
        throw;
    }
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


std::string location_of(const Botan::Private_Key& key) {
    const auto* s = held_signer(key);
    return s ? s->location() : std::string();
}

}  // namespace pkitool::issue::pkcs11
