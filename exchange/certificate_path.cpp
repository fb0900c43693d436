// Path building from the leaf up to the trust anchor, with a precise reason for every refusal.
#include "exchange/certificate_path.h"

#include "issue/inspect.h"
#include "issue/subject.h"
#include "profiles/conformance.h"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/x509_crl.h>

namespace pkitool::exchange {

namespace {

constexpr size_t kMaxCachedSignatures = 10000;

std::optional<std::string> check_dates(const Botan::X509_Certificate& c, std::chrono::system_clock::time_point now) {
    const auto nb = c.not_before().to_std_timepoint(), na = c.not_after().to_std_timepoint();
    if (now < nb) return profiles::certificate_label(c) + " is not valid before " + issue::rfc3339(nb);
    if (now > na) return profiles::certificate_label(c) + " expired at " + issue::rfc3339(na);
    return std::nullopt;
}

}  // namespace

// Only the anchor's imported CRLs count (protocol §1: no CDP or OCSP fetching); a CRL is used only
// when its issuer is the certificate's issuer and its signature verifies with that issuer's key.
std::optional<std::string> PathValidator::check_revocation(const Botan::X509_Certificate& c, const Botan::X509_Certificate& issuer,
                                                           const TrustAnchor& anchor) {
    for (const auto& crl : anchor.crls) {
        if (!(crl.issuer_dn() == issuer.subject_dn())) continue;
        if (!crl_signed_by(crl, issuer)) continue;
        if (crl.is_revoked(c))
            return profiles::certificate_label(c) + " is revoked by the CRL of " + issue::format_dn(issuer.subject_dn()) +
                   " imported into trust anchor \"" + anchor.name + "\"";
    }
    return std::nullopt;
}

bool PathValidator::crl_signed_by(const Botan::X509_CRL& crl, const Botan::X509_Certificate& issuer) {
    // Keyed by what decides the answer: the issuer, and a digest of the signed bytes, the signature
    // algorithm and the signature. Hashing is a small part of the verify it saves.
    auto h = Botan::HashFunction::create_or_throw("SHA-256");
    h->update(crl.tbs_data());
    h->update(crl.signature_algorithm().BER_encode());
    h->update(crl.signature());
    const std::string key = "crl/" + issuer.fingerprint("SHA-256") + "/" + Botan::hex_encode(h->final());
    {
        std::lock_guard lock(mutex_);
        if (verified_.count(key)) return true;
    }
    bool ok = false;
    try {
        std::unique_ptr<Botan::Public_Key> pub(issuer.subject_public_key());
        ok = crl.check_signature(*pub);
    } catch (const std::exception&) {
        ok = false;
    }
    if (ok) remember(key);
    return ok;
}

void PathValidator::remember(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (verified_.size() >= kMaxCachedSignatures) verified_.clear();
    verified_.insert(key);
}

bool PathValidator::signed_by(const Botan::X509_Certificate& cert, const Botan::X509_Certificate& issuer) {
    const std::string key = cert.fingerprint("SHA-256") + "/" + issuer.fingerprint("SHA-256");
    {
        std::lock_guard lock(mutex_);
        if (verified_.count(key)) return true;
    }
    bool ok = false;
    try {
        std::unique_ptr<Botan::Public_Key> pub(issuer.subject_public_key());
        ok = cert.check_signature(*pub);
    } catch (const std::exception&) {
        ok = false;
    }
    if (ok) remember(key);
    return ok;
}

std::optional<std::string> PathValidator::check(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& intermediates,
                                                const TrustAnchor& anchor, std::chrono::system_clock::time_point now) {
    const Botan::X509_Certificate* current = &leaf;
    std::vector<bool> used(intermediates.size(), false);
    for (size_t depth = 0; depth <= intermediates.size(); ++depth) {
        if (auto bad = check_dates(*current, now)) return bad;
        const auto& issuer_dn = current->issuer_dn();
        for (const auto& a : anchor.certificates) {
            if (!(a.subject_dn() == issuer_dn)) continue;
            if (!signed_by(*current, a))
                return "the signature on " + profiles::certificate_label(*current) + " does not verify with the key of trust anchor \"" +
                       anchor.name + "\" (" + issue::format_dn(a.subject_dn()) + "): same name, different CA";
            if (auto bad = check_dates(a, now)) return "trust anchor \"" + anchor.name + "\": " + *bad;
            return check_revocation(*current, a, anchor);
        }
        const Botan::X509_Certificate* next = nullptr;
        for (size_t i = 0; i < intermediates.size() && !next; ++i) {
            if (used[i] || !(intermediates[i].subject_dn() == issuer_dn)) continue;
            if (!signed_by(*current, intermediates[i]))
                return "the signature on " + profiles::certificate_label(*current) + " does not verify with the key of " +
                       profiles::certificate_label(intermediates[i]) + " from X-Amz-X509-Chain";
            used[i] = true;
            next = &intermediates[i];
        }
        if (!next) {
            return "the issuer of " + profiles::certificate_label(*current) + ", " + issue::format_dn(issuer_dn) +
                   ", is neither trust anchor \"" + anchor.name + "\" (" + issue::format_dn(anchor.certificates.front().subject_dn()) +
                   ") nor in X-Amz-X509-Chain: the certificate was issued by another CA";
        }
        // An intermediate must itself be a CA allowed to sign certificates (RFC 5280 §4.2.1.9, §4.2.1.3).
        if (!next->is_CA_cert()) return profiles::certificate_label(*next) + " in X-Amz-X509-Chain is not a CA (basicConstraints CA:FALSE or absent)";
        if (next->constraints() != Botan::NO_CONSTRAINTS && !(next->constraints() & Botan::KEY_CERT_SIGN))
            return profiles::certificate_label(*next) + " in X-Amz-X509-Chain lacks keyUsage keyCertSign";
        if (profiles::signature_hash_bits(*next) < 256)
            return profiles::certificate_label(*next) + " in X-Amz-X509-Chain is signed with a hash weaker than SHA-256";
        if (auto bad = check_revocation(*current, *next, anchor)) return bad;
        current = next;
    }
    return "the chain from " + profiles::certificate_label(leaf) + " does not reach trust anchor \"" + anchor.name + "\" within " +
           std::to_string(intermediates.size()) + " intermediates";
}

}  // namespace pkitool::exchange
