#include "issue/tpm2/tpm_key.h"

#include "base/error.h"
#include "issue/held_key.h"
#include "issue/tpm2/tss_library.h"

#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/ec_group.h>
#include <botan/mem_ops.h>
#include <botan/pem.h>
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace pkitool::issue::tpm2 {

namespace {

const TssLibrary& tss() { return TssLibrary::get(); }

constexpr uint32_t kPersistentFirst = 0x81000000, kPersistentLast = 0x81FFFFFF;

std::string rc_text(TSS2_RC rc) { return fmt::format("{} (0x{:X})", tss().RC_Decode(rc), rc); }

// A TPM format-one response code without its handle, session or parameter number (TPM 2.0 Part 2 §6.6.3).
bool is_tpm_error(TSS2_RC rc, TSS2_RC code) { return (rc & 0xFFFF0000u) == 0 && (rc & TPM2_RC_FMT1) && (rc & 0xBFu) == code; }

// One ESAPI context; ESAPI calls on a context are not thread-safe, and a batch signs from several threads.
class Tpm {
public:
    static std::shared_ptr<Tpm> connect() {
        // The TSS logs its own warnings to standard error; pkitool says what failed, once.
        ::setenv("TSS2_LOG", "all+NONE", 0);
        auto tpm = std::shared_ptr<Tpm>(new Tpm);
        const char* conf = std::getenv("TPM2TOOLS_TCTI");
        if (TSS2_RC rc = tss().TctiLdr_Initialize(conf && *conf ? conf : nullptr, &tpm->tcti_); rc != TSS2_RC_SUCCESS)
            throw Error(fmt::format("TPM {}: cannot connect: {}", conf && *conf ? conf : "(default)", rc_text(rc)),
                        "is a TPM present? tpm2-abrmd or /dev/tpmrm0 reach it; TPM2TOOLS_TCTI names another way");
        if (TSS2_RC rc = tss().Initialize(&tpm->ctx_, tpm->tcti_, nullptr); rc != TSS2_RC_SUCCESS)
            throw Error("TPM: cannot start a session with it: " + rc_text(rc));
        return tpm;
    }
    ~Tpm() {
        if (ctx_) tss().Finalize(&ctx_);
        if (tcti_) tss().TctiLdr_Finalize(&tcti_);
    }
    ESYS_CONTEXT* ctx() const { return ctx_; }
    std::mutex& mutex() { return mutex_; }

private:
    Tpm() = default;
    ESYS_CONTEXT* ctx_ = nullptr;
    TSS2_TCTI_CONTEXT* tcti_ = nullptr;
    std::mutex mutex_;
};

TPM2_ALG_ID hash_alg(const std::string& hash, const std::string& where) {
    if (hash == "SHA-256") return TPM2_ALG_SHA256;
    if (hash == "SHA-384") return TPM2_ALG_SHA384;
    if (hash == "SHA-512") return TPM2_ALG_SHA512;
    throw Error(fmt::format("{}: the TPM key cannot sign a {} digest", where, hash));
}

std::vector<uint8_t> padded(const uint8_t* p, size_t n, size_t width) {
    std::vector<uint8_t> out(width > n ? width - n : 0, 0);
    out.insert(out.end(), p, p + n);
    return out;
}

class TpmSigner final : public DigestSigner {
public:
    TpmSigner(std::shared_ptr<Tpm> tpm, ESYS_TR key, bool transient, std::string where, bool rsa, size_t order_bytes, bool password)
        : tpm_(std::move(tpm)), key_(key), transient_(transient), where_(std::move(where)), rsa_(rsa), order_bytes_(order_bytes),
          password_(password) {}
    ~TpmSigner() override {
        std::lock_guard lock(tpm_->mutex());
        if (transient_) tss().FlushContext(tpm_->ctx(), key_);
        else tss().TR_Close(tpm_->ctx(), &key_);
    }

    std::vector<uint8_t> sign(const std::string& hash, const std::vector<uint8_t>& digest) override {
        TPM2B_DIGEST d{};
        if (digest.size() > sizeof d.buffer) throw Error(where_ + ": digest too long for the TPM");
        d.size = static_cast<UINT16>(digest.size());
        std::memcpy(d.buffer, digest.data(), digest.size());
        TPMT_SIG_SCHEME scheme{};
        scheme.scheme = rsa_ ? TPM2_ALG_RSASSA : TPM2_ALG_ECDSA;
        scheme.details.any.hashAlg = hash_alg(hash, where_);
        // A NULL ticket: the digest was not made by the TPM, which an unrestricted key allows (Part 3 §20.2).
        TPMT_TK_HASHCHECK ticket{TPM2_ST_HASHCHECK, TPM2_RH_NULL, {}};
        TPMT_SIGNATURE* sig = nullptr;
        TSS2_RC rc;
        {
            std::lock_guard lock(tpm_->mutex());
            rc = tss().Sign(tpm_->ctx(), key_, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &d, &scheme, &ticket, &sig);
        }
        if (rc != TSS2_RC_SUCCESS) {
            if ((is_tpm_error(rc, TPM2_RC_AUTH_FAIL) || is_tpm_error(rc, TPM2_RC_BAD_AUTH)) && !password_)
                throw Error(fmt::format("{}: the TPM key has a password and none was given ({})", where_, rc_text(rc)));
            if (is_tpm_error(rc, TPM2_RC_AUTH_FAIL) || is_tpm_error(rc, TPM2_RC_BAD_AUTH))
                throw Error(fmt::format("{}: wrong TPM key password ({})", where_, rc_text(rc)),
                            "each wrong password counts towards the TPM's dictionary-attack lockout");
            if ((rc & 0xFFFFu) == TPM2_RC_LOCKOUT) throw Error(where_ + ": the TPM is in dictionary-attack lockout: " + rc_text(rc));
            throw Error(fmt::format("{}: the TPM did not sign: {}", where_, rc_text(rc)));
        }
        std::vector<uint8_t> out;
        if (rsa_) {
            out.assign(sig->signature.rsassa.sig.buffer, sig->signature.rsassa.sig.buffer + sig->signature.rsassa.sig.size);
        } else {
            const auto& e = sig->signature.ecdsa;
            out = padded(e.signatureR.buffer, e.signatureR.size, order_bytes_);
            const auto s = padded(e.signatureS.buffer, e.signatureS.size, order_bytes_);
            out.insert(out.end(), s.begin(), s.end());
        }
        tss().Free(sig);
        return out;
    }
    std::string location() const override { return where_; }

private:
    std::shared_ptr<Tpm> tpm_;
    ESYS_TR key_;
    bool transient_;
    std::string where_;
    bool rsa_;
    size_t order_bytes_;
    bool password_;
};

void set_password(Tpm& tpm, ESYS_TR handle, const KeyPassword& password, const std::string& where) {
    if (!password) return;
    TPM2B_AUTH auth{};
    if (password->size() > sizeof auth.buffer) throw Error(fmt::format("{}: the TPM key password is longer than {} bytes", where, sizeof auth.buffer));
    auth.size = static_cast<UINT16>(password->size());
    std::memcpy(auth.buffer, password->data(), password->size());
    const TSS2_RC rc = tss().TR_SetAuth(tpm.ctx(), handle, &auth);
    Botan::secure_scrub_memory(auth.buffer, sizeof auth.buffer);
    if (rc != TSS2_RC_SUCCESS) throw Error(fmt::format("{}: cannot set the TPM key password: {}", where, rc_text(rc)));
}

// The Botan key for a loaded object, from its public area (TPM 2.0 Part 2 §12.2.4).
std::shared_ptr<Botan::Private_Key> key_for(std::shared_ptr<Tpm> tpm, ESYS_TR handle, bool transient, const TPMT_PUBLIC& pub,
                                            const std::string& where, bool password) {
    if (pub.type == TPM2_ALG_ECC) {
        const auto curve = pub.parameters.eccDetail.curveID;
        const char* name = curve == TPM2_ECC_NIST_P256 ? "secp256r1" : curve == TPM2_ECC_NIST_P384 ? "secp384r1" : nullptr;
        if (!name) throw Error(fmt::format("{}: the TPM key's curve (0x{:X}) is neither P-256 nor P-384", where, curve));
        const Botan::EC_Group group(name);
        const size_t width = group.get_p_bytes();
        std::vector<uint8_t> point{0x04};
        const auto x = padded(pub.unique.ecc.x.buffer, pub.unique.ecc.x.size, width);
        const auto y = padded(pub.unique.ecc.y.buffer, pub.unique.ecc.y.size, width);
        point.insert(point.end(), x.begin(), x.end());
        point.insert(point.end(), y.begin(), y.end());
        auto signer = std::make_shared<TpmSigner>(std::move(tpm), handle, transient, where, false, group.get_order_bytes(), password);
        return held_ecdsa_key(group, group.OS2ECP(point), signer);
    }
    if (pub.type == TPM2_ALG_RSA) {
        const Botan::BigInt n(pub.unique.rsa.buffer, pub.unique.rsa.size);
        const uint32_t e = pub.parameters.rsaDetail.exponent ? pub.parameters.rsaDetail.exponent : 65537;  // 0 means 2^16+1
        return held_rsa_key(n, Botan::BigInt(e), std::make_shared<TpmSigner>(std::move(tpm), handle, transient, where, true, 0, password));
    }
    throw Error(where + ": the TPM key is neither an EC nor an RSA key");
}

// The owner hierarchy's storage primary that key files with parent 0x40000001 are sealed to: the
// ECC P-256 template of the TPM 2.0 Key File format (the one tpm2-tss-engine and tpm2-openssl use).
ESYS_TR storage_primary(Tpm& tpm, const std::string& where) {
    TPM2B_PUBLIC tmpl{};
    auto& p = tmpl.publicArea;
    p.type = TPM2_ALG_ECC;
    p.nameAlg = TPM2_ALG_SHA256;
    p.objectAttributes = TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT | TPMA_OBJECT_NODA |
                         TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN;
    p.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
    p.parameters.eccDetail.symmetric.keyBits.aes = 128;
    p.parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
    p.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
    p.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
    p.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
    TPM2B_SENSITIVE_CREATE sensitive{};
    TPM2B_DATA outside{};
    TPML_PCR_SELECTION pcrs{};
    ESYS_TR primary = ESYS_TR_NONE;
    const TSS2_RC rc = tss().CreatePrimary(tpm.ctx(), ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, &tmpl,
                                          &outside, &pcrs, &primary, nullptr, nullptr, nullptr, nullptr);
    if (rc != TSS2_RC_SUCCESS) throw Error(fmt::format("{}: cannot make the TPM's storage primary key: {}", where, rc_text(rc)));
    return primary;
}

}  // namespace

bool is_key_file(const std::vector<uint8_t>& data) {
    static constexpr std::string_view kBegin = "-----BEGIN TSS2 PRIVATE KEY-----";
    const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    const size_t at = text.find_first_not_of(" \t\r\n");
    return at != std::string_view::npos && text.substr(at).starts_with(kBegin);
}

std::optional<uint32_t> parse_handle(const std::string& text) {
    if (!text.starts_with("handle:")) return std::nullopt;
    const std::string digits = text.substr(7);
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(digits.c_str(), &end, 0);
    if (digits.empty() || *end != '\0' || errno != 0 || v < kPersistentFirst || v > kPersistentLast)
        throw Error(fmt::format("{}: not a TPM persistent handle (0x81000000 to 0x81FFFFFF)", text));
    return static_cast<uint32_t>(v);
}

std::shared_ptr<Botan::Private_Key> open_handle(uint32_t handle, const KeyPassword& password) {
    const std::string where = fmt::format("handle:0x{:08X}", handle);
    auto tpm = Tpm::connect();
    ESYS_TR key = ESYS_TR_NONE;
    if (TSS2_RC rc = tss().TR_FromTPMPublic(tpm->ctx(), handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &key); rc != TSS2_RC_SUCCESS)
        throw Error(fmt::format("{}: the TPM has no key there: {}", where, rc_text(rc)));
    TPM2B_PUBLIC* pub = nullptr;
    if (TSS2_RC rc = tss().ReadPublic(tpm->ctx(), key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, nullptr, nullptr); rc != TSS2_RC_SUCCESS) {
        tss().TR_Close(tpm->ctx(), &key);
        throw Error(fmt::format("{}: cannot read its public key: {}", where, rc_text(rc)));
    }
    const TPMT_PUBLIC area = pub->publicArea;
    tss().Free(pub);
    try {
        set_password(*tpm, key, password, where);
        return key_for(tpm, key, false, area, where, password.has_value());
    } catch (...) {
        tss().TR_Close(tpm->ctx(), &key);
        throw;
    }
}

std::shared_ptr<Botan::Private_Key> load_key_file(const std::vector<uint8_t>& pem, const std::string& name, const KeyPassword& password) {
    // TPM 2.0 Key File format (Bottomley, draft-bottomley-tpm2-keys): TPMKey ::= SEQUENCE { type
    // OID, emptyAuth [0] EXPLICIT BOOLEAN OPTIONAL, policy [1] OPTIONAL, secret [2] OPTIONAL,
    // parent INTEGER, pubkey OCTET STRING, privkey OCTET STRING }.
    std::vector<uint8_t> pub_bytes, priv_bytes;
    uint32_t parent = 0;
    bool empty_auth = false;
    try {
        Botan::DataSource_Memory src(pem.data(), pem.size());
        std::string label;
        const auto der = Botan::PEM_Code::decode(src, label);
        if (label != "TSS2 PRIVATE KEY") throw Error(name + ": not a TSS2 private key (PEM label " + label + ")");
        Botan::BER_Decoder seq = Botan::BER_Decoder(der).start_cons(Botan::SEQUENCE);
        Botan::OID type;
        seq.decode(type);
        if (type != Botan::OID("2.23.133.10.1.3"))
            throw Error(fmt::format("{}: a TSS2 key of type {}: only loadable keys (2.23.133.10.1.3) sign", name, type.to_string()));
        seq.decode_optional(empty_auth, Botan::ASN1_Tag(0), Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED), false);
        for (const auto tag : {1, 2}) {
            const auto obj = seq.get_next_object();
            if (obj.is_a(tag, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED)))
                throw Error(name + ": a TSS2 key with a policy or an imported secret, which pkitool does not load");
            seq.push_back(obj);
        }
        Botan::BigInt p;
        seq.decode(p).decode(pub_bytes, Botan::OCTET_STRING).decode(priv_bytes, Botan::OCTET_STRING);
        if (p.bits() > 32) throw Error(name + ": its parent handle is out of range");
        parent = static_cast<uint32_t>(p.to_u32bit());
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(fmt::format("{}: not a readable TSS2 private key: {}", name, e.what()));
    }
    TPM2B_PUBLIC pub{};
    TPM2B_PRIVATE priv{};
    size_t offset = 0;
    if (tss().PUBLIC_Unmarshal(pub_bytes.data(), pub_bytes.size(), &offset, &pub) != TSS2_RC_SUCCESS)
        throw Error(name + ": its public part is not a TPM2B_PUBLIC");
    offset = 0;
    if (tss().PRIVATE_Unmarshal(priv_bytes.data(), priv_bytes.size(), &offset, &priv) != TSS2_RC_SUCCESS)
        throw Error(name + ": its private part is not a TPM2B_PRIVATE");
    if (!password && !empty_auth) throw Error(name + ": the TPM key has a password and none was given");

    auto tpm = Tpm::connect();
    ESYS_TR parent_handle = ESYS_TR_NONE;
    bool flush_parent = false;
    if (parent == TPM2_RH_OWNER) {
        parent_handle = storage_primary(*tpm, name);
        flush_parent = true;
    } else if (parent >= kPersistentFirst && parent <= kPersistentLast) {
        if (TSS2_RC rc = tss().TR_FromTPMPublic(tpm->ctx(), parent, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &parent_handle); rc != TSS2_RC_SUCCESS)
            throw Error(fmt::format("{}: its parent key 0x{:08X} is not in this TPM: {}", name, parent, rc_text(rc)));
    } else {
        throw Error(fmt::format("{}: its parent 0x{:08X} is neither the owner hierarchy nor a persistent key", name, parent));
    }
    ESYS_TR key = ESYS_TR_NONE;
    const TSS2_RC rc = tss().Load(tpm->ctx(), parent_handle, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &priv, &pub, &key);
    if (flush_parent) tss().FlushContext(tpm->ctx(), parent_handle);
    else tss().TR_Close(tpm->ctx(), &parent_handle);
    if (rc != TSS2_RC_SUCCESS)
        throw Error(fmt::format("{}: this TPM cannot load the key (another TPM's, or another parent's): {}", name, rc_text(rc)));
    try {
        set_password(*tpm, key, password, name);
        return key_for(tpm, key, true, pub.publicArea, name, password.has_value());
    } catch (...) {
        tss().FlushContext(tpm->ctx(), key);  // loaded but never handed to a signer
        throw;
    }
}

}  // namespace pkitool::issue::tpm2
