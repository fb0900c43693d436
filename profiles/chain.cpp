// Path building and checking (RFC 5280 §6 in the small: names, key identifiers, signatures) plus CRLs.
#include "profiles/chain.h"

#include "issue/inspect.h"
#include "issue/subject.h"
#include "profiles/conformance.h"

#include <algorithm>

namespace pkitool::profiles {

namespace {

// RFC 5280 §4.2.1.1: when both identifiers are present they must agree; either may be absent.
bool key_ids_compatible(const std::vector<uint8_t>& aki, const std::vector<uint8_t>& ski) {
    return aki.empty() || ski.empty() || aki == ski;
}

bool names_chain(const Botan::X509_Certificate& cert, const Botan::X509_Certificate& issuer) {
    // Byte-equal DER is the common case and cheap; otherwise Botan's RFC 5280 §7.1 comparison.
    return cert.raw_issuer_dn() == issuer.raw_subject_dn() || cert.issuer_dn() == issuer.subject_dn();
}

// Signature algorithms by OID → the EMSA Botan's X509_Object::verify_signature would pick for them
// (RFC 3279, RFC 4055, RFC 5758). Others (RSA-PSS with parameters, ...) go through Botan's own path.
const std::string* emsa_of(const Botan::OID& oid, const std::string& key_algo) {
    struct Known {
        Botan::OID oid;
        std::string algo, emsa;
    };
    static const std::vector<Known> known = {
        {Botan::OID("1.2.840.10045.4.3.2"), "ECDSA", "EMSA1(SHA-256)"},   {Botan::OID("1.2.840.10045.4.3.3"), "ECDSA", "EMSA1(SHA-384)"},
        {Botan::OID("1.2.840.10045.4.3.4"), "ECDSA", "EMSA1(SHA-512)"},   {Botan::OID("1.2.840.113549.1.1.11"), "RSA", "EMSA3(SHA-256)"},
        {Botan::OID("1.2.840.113549.1.1.12"), "RSA", "EMSA3(SHA-384)"}, {Botan::OID("1.2.840.113549.1.1.13"), "RSA", "EMSA3(SHA-512)"}};
    for (const auto& k : known)
        if (k.oid == oid && k.algo == key_algo) return &k.emsa;
    return nullptr;
}

std::string crl_label(const Botan::X509_CRL& crl) { return "CRL issued by " + issue::format_dn(crl.issuer_dn()); }

}  // namespace

ChainLinter::ChainLinter(std::vector<Botan::X509_Certificate> intermediates, std::vector<Botan::X509_Certificate> anchors,
                         std::vector<Botan::X509_CRL> crls, Clock::time_point now)
    : intermediates_(std::move(intermediates)), anchors_(std::move(anchors)), crls_(std::move(crls)), now_(now) {
    for (const auto& crl : crls_) {
        Revoked r{&crl, {}};
        for (const auto& e : crl.get_revoked()) r.serials.insert(e.serial_number());
        revoked_.push_back(std::move(r));
    }
}

const Botan::Public_Key* ChainLinter::key_of(const Botan::X509_Certificate& issuer) {
    auto it = keys_.find(&issuer);
    if (it != keys_.end()) return it->second.get();
    std::unique_ptr<Botan::Public_Key> key;
    try {
        key.reset(issuer.subject_public_key());
    } catch (const std::exception&) {
        // Left null: the signature check below reports it.
    }
    return keys_.emplace(&issuer, std::move(key)).first->second.get();
}

bool ChainLinter::verifies(const Botan::X509_Certificate& subject, const Botan::X509_Certificate& issuer) {
    const auto* key = key_of(issuer);
    if (key == nullptr) return false;
    try {
        const auto& oid = subject.signature_algorithm().get_oid();
        const auto* emsa = emsa_of(oid, key->algo_name());
        if (emsa == nullptr) return subject.check_signature(*key);
        // X509_Object::check_signature builds a PK_Verifier (and, for ECDSA, precomputes multiples
        // of the public point) on every call; one verifier per issuer key serves every certificate.
        const auto it = verifiers_.try_emplace({key, oid}).first;
        bool ok = false;
        try {
            if (!it->second) it->second = std::make_unique<Botan::PK_Verifier>(*key, *emsa, key->default_x509_signature_format());
            ok = it->second->verify_message(subject.tbs_data(), subject.signature());
        } catch (const std::exception&) {
            ok = false;
        }
        // Botan 2 answers false for a signature that is not DER without finishing the verifier's
        // hash, which would then prefix the next certificate's: a failed verifier is not reused.
        if (!ok) verifiers_.erase(it);
        return ok;
    } catch (const std::exception&) {
        return false;
    }
}

const Botan::X509_Certificate* ChainLinter::find_issuer(const Botan::X509_Certificate& cert, const std::vector<Botan::X509_Certificate>& pool,
                                                        const std::vector<const Botan::X509_Certificate*>& path, bool& name_only) const {
    for (const auto& candidate : pool) {
        if (std::find(path.begin(), path.end(), &candidate) != path.end()) continue;  // no loops
        if (!names_chain(cert, candidate)) continue;
        if (key_ids_compatible(cert.authority_key_id(), candidate.subject_key_id())) return &candidate;
        name_only = true;
    }
    return nullptr;
}

std::vector<Finding> ChainLinter::check(const Botan::X509_Certificate& cert, const std::string& label) {
    std::vector<Finding> out;
    const bool have_anchors = !anchors_.empty();
    // The certificate is itself a trust anchor: nothing to build.
    for (const auto& a : anchors_)
        if (a == cert) return out;

    std::vector<const Botan::X509_Certificate*> path{&cert};
    std::vector<std::string> labels{label};
    bool trusted = false;
    while (path.size() <= 2 * kMaxIntermediates + 2) {
        const auto& current = *path.back();
        const std::string& current_label = labels.back();
        bool name_only = false;
        const auto* issuer = find_issuer(current, anchors_, path, name_only);
        const bool issuer_is_anchor = issuer != nullptr;
        if (!issuer) issuer = find_issuer(current, intermediates_, path, name_only);
        if (!issuer) {
            // A dead end is the checked certificate's problem (AWS refuses it), so it is reported on
            // it, once per certificate, saying where the chain stops.
            const std::string issuer_dn = issue::format_dn(current.issuer_dn());
            const std::string where = path.size() > 1 ? "the chain stops at `" + current_label + "`: " : "";
            if (name_only) {
                out.push_back({"ra.chain.key-id", Severity::Error, label,
                               where + "the authorityKeyIdentifier does not match the subjectKeyIdentifier of `" + issuer_dn +
                                   "`: it was signed by another key with the same name",
                               "pass the CA certificate that really signed it, or re-issue it from this CA"});
            } else if (have_anchors && !current.is_self_signed()) {
                out.push_back({"ra.chain.untrusted", Severity::Error, label,
                               where + "no certificate named `" + issuer_dn + "` among the trust anchor(s) and --chain: it does not chain to the trust anchor",
                               "the chain needs the intermediate `" + issuer_dn + "`: pass it with `--chain`, or issue from a CA under the trust anchor"});
            } else if (have_anchors) {
                out.push_back({"ra.chain.untrusted", Severity::Error, label,
                               where + "the chain ends at the root `" + issuer_dn + "`, which is not the trust anchor",
                               "upload this root as the trust anchor, or issue from a CA under the current one"});
            }
            break;
        }
        // The link: the issuer's key must verify the signature (RFC 5280 §6.1.3 (a)(1)). An
        // intermediate's own link is checked once and reported once.
        const bool is_intermediate = path.size() > 1;
        const auto seen = is_intermediate ? verified_.find(&current) : verified_.end();
        if (seen == verified_.end()) {
            const bool ok = verifies(current, *issuer);
            if (is_intermediate) verified_[&current] = ok;
            if (!ok)
                out.push_back({"ra.chain.signature", Severity::Error, current_label,
                               "the signature does not verify with the key of its issuer `" + issue::format_dn(issuer->subject_dn()) + "`",
                               "the certificate is corrupt or was signed by another key: re-issue it"});
        }
        if (issuer_is_anchor) {
            trusted = true;
            break;
        }
        // An intermediate: judged once, whichever leaf leads to it.
        const std::string issuer_label = certificate_label(*issuer);
        if (reported_.insert(issuer).second) {
            if (!basic_constraints_ca(*issuer) || !(issuer->constraints() == Botan::NO_CONSTRAINTS || (issuer->constraints() & Botan::KEY_CERT_SIGN)))
                out.push_back({"ra.chain.issuer-ca", Severity::Error, issuer_label,
                               "used as an issuer but it is not a CA with keyCertSign (RFC 5280 §4.2.1.9, §4.2.1.3)",
                               "re-create the intermediate with `pkitool ca init --parent`"});
            for (auto& f : check_validity(*issuer, issuer_label, now_, false)) out.push_back(std::move(f));
            check_revocation(*issuer, issuer_label, out);
        }
        path.push_back(issuer);
        labels.push_back(issuer_label);
    }
    const size_t intermediates = path.size() - 1;
    if (trusted && intermediates > kMaxIntermediates)
        out.push_back({"ra.chain.depth", Severity::Error, label,
                       "the chain to the trust anchor has " + std::to_string(intermediates) + " intermediates; Roles Anywhere accepts at most " +
                           std::to_string(kMaxIntermediates),
                       "upload an intermediate closer to the certificate as the trust anchor, or issue from a shallower CA"});
    check_revocation(cert, label, out);
    return out;
}

void ChainLinter::check_revocation(const Botan::X509_Certificate& cert, const std::string& label, std::vector<Finding>& out) const {
    for (const auto& r : revoked_) {
        // A CRL speaks only for certificates of its own issuer (RFC 5280 §6.3.3 (b)).
        if (!(cert.raw_issuer_dn() == r.crl->issuer_dn().get_bits() || cert.issuer_dn() == r.crl->issuer_dn())) continue;
        if (!key_ids_compatible(cert.authority_key_id(), r.crl->authority_key_id())) continue;
        if (r.serials.count(cert.serial_number()))
            out.push_back({"ra.crl.revoked", Severity::Error, label, "revoked by the " + crl_label(*r.crl),
                           "issue a new certificate; a revoked serial is never valid again"});
    }
}

std::vector<Finding> ChainLinter::check_crls() {
    std::vector<Finding> out;
    for (const auto& crl : crls_) {
        const std::string label = crl_label(crl);
        const Botan::X509_Certificate* issuer = nullptr;
        for (const auto* pool : {&anchors_, &intermediates_})
            for (const auto& c : *pool)
                if (!issuer && (c.subject_dn() == crl.issuer_dn()) && key_ids_compatible(crl.authority_key_id(), c.subject_key_id())) issuer = &c;
        if (!issuer) {
            out.push_back({"ra.crl.issuer-unknown", Severity::Warning, label,
                           "no certificate among the trust anchor(s) and --chain issued this CRL: its signature cannot be checked and it revokes nothing here",
                           "pass the CA that issued it with --anchor or --chain"});
        } else {
            bool ok = false;
            try {
                const auto* key = key_of(*issuer);
                ok = key != nullptr && crl.check_signature(*key);
            } catch (const std::exception&) {
                ok = false;
            }
            if (!ok)
                out.push_back({"ra.crl.signature", Severity::Error, label, "the CRL's signature does not verify with the key of `" + issue::format_dn(issuer->subject_dn()) + "`",
                               "regenerate it with `pkitool crl --ca DIR`"});
        }
        // Roles Anywhere keeps using an imported CRL past nextUpdate (it never fetches one), so a
        // stale CRL is a warning: revocations made since it was issued are not enforced.
        if (crl.next_update().time_is_set() && crl.next_update().to_std_timepoint() < now_)
            out.push_back({"ra.crl.expired", Severity::Warning, label,
                           "the CRL's nextUpdate " + issue::rfc3339(crl.next_update().to_std_timepoint()) + " has passed; later revocations are missing",
                           "regenerate it with `pkitool crl --ca DIR` and import the new one into Roles Anywhere"});
    }
    return out;
}

}  // namespace pkitool::profiles
