// Path building and checking: RFC 5280 §6.1 in the small (names, key identifiers, signatures,
// basicConstraints and pathLenConstraint, keyUsage, critical extensions, name constraints), the
// Roles Anywhere extras (at most 5 intermediates, SHA-256 or stronger) and imported CRLs.
#include "profiles/path_engine.h"

#include "issue/inspect.h"
#include "issue/subject.h"
#include "profiles/conformance.h"
#include "profiles/critical_extensions.h"
#include "profiles/name_constraints.h"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/x509_ext.h>

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

// RFC 5280 §6.1.4 (l): a self-issued certificate (same subject and issuer) that is not the last one
// does not count against pathLenConstraint, and name constraints do not apply to it (§6.1.3 (b)).
bool self_issued(const Botan::X509_Certificate& c) {
    return c.raw_subject_dn() == c.raw_issuer_dn() || c.subject_dn() == c.issuer_dn();
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

bool crl_names(const Botan::X509_CRL& crl, const Botan::X509_Certificate& cert) {
    return cert.raw_issuer_dn() == crl.issuer_dn().get_bits() || cert.issuer_dn() == crl.issuer_dn();
}

std::string digest_hex(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    auto h = Botan::HashFunction::create_or_throw("SHA-256");
    h->update(a);
    h->update(b);
    return Botan::hex_encode(h->final());
}

// RFC 5280 §4.2: a critical extension the engine does not process refuses the certificate.
void check_critical_extensions(const Botan::X509_Certificate& c, const std::string& label, std::vector<Finding>& out) {
    for (const auto& oid : unhandled_critical_extensions(c))
        out.push_back({"ra.chain.critical-extension", Severity::Error, label,
                       "carries the critical extension " + oid + ", which is not processed: RFC 5280 §4.2 requires refusing the certificate",
                       "re-issue it without that extension, or with the extension marked non-critical"});
}

const NextStep kReissueCa{NextStep::Kind::RecreateIntermediate, "re-create the intermediate under a CA that allows it"};
const NextStep kNewCrl{NextStep::Kind::PublishCrl, "sign a new CRL with the CA that issued it"};

}  // namespace

bool VerifiedSignatures::contains(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return keys_.count(key) != 0;
}

void VerifiedSignatures::insert(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (keys_.size() >= kCapacity) keys_.clear();
    keys_.insert(key);
}

TrustAnchors::TrustAnchors(std::vector<Botan::X509_Certificate> anchors, std::vector<Botan::X509_CRL> crls)
    : anchors_(std::move(anchors)), crls_(std::move(crls)) {
    for (const auto& crl : crls_) {
        std::set<std::vector<uint8_t>> serials;
        for (const auto& e : crl.get_revoked()) serials.insert(e.serial_number());
        revoked_.push_back(std::move(serials));
    }
}

PathEngine::PathEngine(const TrustAnchors& trust, std::vector<Botan::X509_Certificate> intermediates, Clock::time_point now,
                       VerifiedSignatures* shared)
    : trust_(trust), intermediates_(std::move(intermediates)), now_(now), shared_(shared) {}

const Botan::Public_Key* PathEngine::key_of(const Botan::X509_Certificate& issuer) {
    auto it = keys_.find(&issuer);
    if (it != keys_.end()) return it->second.get();
    std::unique_ptr<Botan::Public_Key> key;
    try {
        key.reset(issuer.subject_public_key());
    } catch (const std::exception&) {
        // Left null: the signature check reports it.
    }
    return keys_.emplace(&issuer, std::move(key)).first->second.get();
}

bool PathEngine::verifies(const Botan::X509_Certificate& subject, const Botan::X509_Certificate& issuer) {
    std::string shared_key;
    if (shared_) {
        shared_key = digest_hex(subject.BER_encode(), issuer.BER_encode());
        if (shared_->contains(shared_key)) return true;
    }
    const auto* key = key_of(issuer);
    if (key == nullptr) return false;
    bool ok = false;
    try {
        const auto& oid = subject.signature_algorithm().get_oid();
        const auto* emsa = emsa_of(oid, key->algo_name());
        if (emsa == nullptr) {
            ok = subject.check_signature(*key);
        } else {
            // X509_Object::check_signature builds a PK_Verifier (and, for ECDSA, precomputes
            // multiples of the public point) on every call; one verifier per issuer key serves all.
            const auto it = verifiers_.try_emplace({key, oid}).first;
            try {
                if (!it->second) it->second = std::make_unique<Botan::PK_Verifier>(*key, *emsa, key->default_x509_signature_format());
                ok = it->second->verify_message(subject.tbs_data(), subject.signature());
            } catch (const std::exception&) {
                ok = false;
            }
            // Botan 2 answers false for a signature that is not DER without finishing the verifier's
            // hash, which would then prefix the next certificate's: a failed verifier is not reused.
            if (!ok) verifiers_.erase(it);
        }
    } catch (const std::exception&) {
        ok = false;
    }
    if (ok && shared_) shared_->insert(shared_key);
    return ok;
}

bool PathEngine::crl_verifies(const Botan::X509_CRL& crl, const Botan::X509_Certificate& issuer) {
    // Keyed by what decides the answer: the signed bytes, the signature, and the issuer.
    const std::string key = "crl/" + digest_hex(crl.tbs_data(), crl.signature()) + "/" + digest_hex(issuer.BER_encode(), {});
    if (shared_ && shared_->contains(key)) return true;
    const auto cached = verified_crls_.find(key);
    if (cached != verified_crls_.end()) return cached->second;
    bool ok = false;
    try {
        const auto* pub = key_of(issuer);
        ok = pub != nullptr && crl.check_signature(*pub);
    } catch (const std::exception&) {
        ok = false;
    }
    verified_crls_[key] = ok;
    if (ok && shared_) shared_->insert(key);
    return ok;
}

const Botan::X509_Certificate* PathEngine::find_issuer(const Botan::X509_Certificate& cert, const std::vector<Botan::X509_Certificate>& pool,
                                                       const std::vector<const Botan::X509_Certificate*>& path, bool& name_only) const {
    for (const auto& candidate : pool) {
        if (std::find(path.begin(), path.end(), &candidate) != path.end()) continue;  // no loops
        if (!names_chain(cert, candidate)) continue;
        if (key_ids_compatible(cert.authority_key_id(), candidate.subject_key_id())) return &candidate;
        name_only = true;
    }
    return nullptr;
}

void PathEngine::check_member(const Botan::X509_Certificate& c, const std::string& label, bool is_anchor, std::vector<Finding>& out) {
    // RFC 5280 §6.1.4 (k), (n): every issuer must be a CA allowed to sign certificates, and
    // §4.2.1.3 makes keyUsage mandatory on CA certificates (openssl -x509_strict agrees).
    const char* not_issuer = !basic_constraints_ca(c) ? "used as an issuer but it is not a CA: basicConstraints CA:TRUE is missing (RFC 5280 §4.2.1.9)"
                             : c.constraints() == Botan::NO_CONSTRAINTS ? "a CA certificate without keyUsage, which RFC 5280 §4.2.1.3 requires on CAs"
                             : !(c.constraints() & Botan::KEY_CERT_SIGN) ? "used as an issuer but its keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3)"
                                                                          : nullptr;
    if (not_issuer)
        out.push_back(is_anchor ? Finding{"ra.chain.issuer-ca", Severity::Error, label, not_issuer, "upload a CA certificate as the trust anchor"}
                                : finding("ra.chain.issuer-ca", Severity::Error, label, not_issuer, kReissueCa));
    for (auto& f : check_validity(c, label, now_, false)) out.push_back(std::move(f));
    check_critical_extensions(c, label, out);
    // Roles Anywhere refuses SHA-1 and MD5 anywhere in the chain (Roles Anywhere User Guide, "Trust model"); an anchor's own
    // self-signature is judged by the anchor profile instead.
    if (!is_anchor && signature_hash_bits(c) < 256)
        out.push_back(finding("ra.chain.sig-hash", Severity::Error, label, "signed with a hash weaker than SHA-256, which Roles Anywhere refuses", kReissueCa));
}

void PathEngine::check_revocation(const Botan::X509_Certificate& cert, const Botan::X509_Certificate* issuer, const std::string& label,
                                  std::vector<Finding>& out) {
    const auto& crls = trust_.crls();
    for (size_t i = 0; i < crls.size(); ++i) {
        // A CRL speaks only for certificates of its own issuer (RFC 5280 §6.3.3 (b)), and only
        // once its signature verifies with that issuer's key (§6.3.3 (f)).
        if (!crl_names(crls[i], cert) || !key_ids_compatible(cert.authority_key_id(), crls[i].authority_key_id())) continue;
        if (!trust_.revoked(i).count(cert.serial_number())) continue;
        // Without the issuer its signature cannot be checked: a forged CRL must not revoke.
        if (!issuer || !crl_verifies(crls[i], *issuer)) continue;
        out.push_back({"ra.crl.revoked", Severity::Error, label, "revoked by the " + crl_label(crls[i]),
                       "issue a new certificate; a revoked serial is never valid again"});
        return;
    }
}

void PathEngine::check_constraints(const std::vector<const Botan::X509_Certificate*>& path, const std::vector<std::string>& labels,
                                   std::vector<Finding>& out) {
    const auto add_once = [&](size_t at, Finding f) {
        if (at > 0 && !reported_links_.insert(f.rule + "\n" + f.certificate + "\n" + f.message).second) return;
        out.push_back(std::move(f));
    };
    for (size_t k = 1; k < path.size(); ++k) {
        const auto& ca = *path[k];
        // pathLenConstraint (§4.2.1.9, §6.1.4 (l)-(m)): how many non-self-issued intermediate CA
        // certificates may follow this one. The one that is too many is named.
        const size_t limit = ca.path_limit();
        if (basic_constraints_ca(ca) && limit != Botan::Cert_Extension::NO_CERT_PATH_LIMIT) {
            size_t below = 0;
            for (size_t j = k - 1; j >= 1; --j) {
                if (self_issued(*path[j])) continue;
                if (++below == limit + 1) {
                    add_once(j, {"ra.chain.path-len", Severity::Error, labels[j],
                                 "is a CA certificate below `" + labels[k] + "`, whose pathLenConstraint " + std::to_string(limit) +
                                     (limit == 0 ? " allows no CA below it" : " allows only " + std::to_string(limit) + " CA level(s) below it") +
                                     " (RFC 5280 §4.2.1.9)",
                                 "issue from a CA whose pathLenConstraint allows it, or issue leaf certificates from `" + labels[k] + "` directly"});
                    break;
                }
            }
        }
        // Decoded once per CA: lint judges thousands of leaves under the same one.
        auto cached = name_constraints_.find(&ca);
        if (cached == name_constraints_.end()) {
            std::optional<NameConstraints> decoded;
            std::string error;
            try {
                decoded = NameConstraints::of(ca);
            } catch (const std::exception& e) {
                error = e.what();
            }
            cached = name_constraints_.emplace(&ca, std::make_pair(std::move(decoded), std::move(error))).first;
        }
        const auto& [nc, decode_error] = cached->second;
        if (!decode_error.empty()) {
            add_once(k, finding("ra.chain.name-constraints", Severity::Error, labels[k], "its nameConstraints cannot be decoded: " + decode_error, kReissueCa));
            continue;
        }
        if (!nc) continue;
        for (size_t j = 0; j < k; ++j) {
            if (j > 0 && self_issued(*path[j])) continue;
            if (auto why = nc->violation(*path[j], j == 0))
                add_once(j, {"ra.chain.name-constraints", Severity::Error, labels[j],
                             *why + ", against the name constraints of `" + labels[k] + "` (RFC 5280 §4.2.1.10)",
                             "issue it with names inside the CA's permitted subtrees"});
        }
    }
}

std::vector<Finding> PathEngine::check(const Botan::X509_Certificate& cert, const std::string& label) {
    std::vector<Finding> out;
    const auto& anchors = trust_.certificates();
    const bool have_anchors = !anchors.empty();
    // The certificate is itself a trust anchor: nothing to build.
    last_path_ = {&cert};
    for (const auto& a : anchors)
        if (a == cert) return out;

    check_critical_extensions(cert, label, out);

    std::vector<const Botan::X509_Certificate*> path{&cert};
    std::vector<std::string> labels{label};
    bool trusted = false, dead_end = false;
    while (path.size() <= 2 * kMaxIntermediates + 2) {
        const auto& current = *path.back();
        const std::string current_label = labels.back();
        bool name_only = false;
        const auto* issuer = find_issuer(current, anchors, path, name_only);
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
                               "present the CA certificate that really signed it, or re-issue it from this CA"});
            } else if (have_anchors && !current.is_self_signed()) {
                out.push_back({"ra.chain.untrusted", Severity::Error, label,
                               where + "its issuer `" + issuer_dn + "` is neither a trust anchor nor among the intermediates: it does not chain to the trust anchor",
                               "the chain needs the intermediate `" + issuer_dn + "` among the intermediates, or issue from a CA under the trust anchor"});
            } else if (have_anchors) {
                out.push_back({"ra.chain.untrusted", Severity::Error, label,
                               where + "the chain ends at the root `" + issuer_dn + "`, which is not the trust anchor",
                               "upload this root as the trust anchor, or issue from a CA under the current one"});
            }
            dead_end = true;
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
        path.push_back(issuer);
        labels.push_back(certificate_label(*issuer));
        if (issuer_is_anchor) {
            trusted = true;
            break;
        }
    }

    last_path_ = path;
    // Each issuer on the path is judged once, whichever leaf leads to it.
    for (size_t i = 1; i < path.size(); ++i)
        if (reported_.insert(path[i]).second) check_member(*path[i], labels[i], trusted && i + 1 == path.size(), out);
    // Revocation by the issuer's CRL: the checked certificate every time, intermediates once.
    for (size_t i = 0; i < path.size(); ++i) {
        const bool is_anchor = trusted && i + 1 == path.size();
        if (is_anchor) break;
        if (i > 0 && !revocation_reported_.insert(path[i]).second) continue;
        check_revocation(*path[i], i + 1 < path.size() ? path[i + 1] : nullptr, labels[i], out);
    }
    check_constraints(path, labels, out);

    const size_t intermediates = trusted ? path.size() - 2 : path.size() - 1;
    // The search gave up before reaching an anchor or a dead end: far too deep either way.
    if (!trusted && !dead_end && have_anchors)
        out.push_back({"ra.chain.depth", Severity::Error, label,
                       "the chain has at least " + std::to_string(intermediates) + " intermediates without reaching the trust anchor; Roles Anywhere accepts at most " +
                           std::to_string(kMaxIntermediates),
                       "upload an intermediate closer to the certificate as the trust anchor, or issue from a shallower CA"});
    if (trusted && intermediates > kMaxIntermediates)
        out.push_back({"ra.chain.depth", Severity::Error, label,
                       "the chain to the trust anchor has " + std::to_string(intermediates) + " intermediates; Roles Anywhere accepts at most " +
                           std::to_string(kMaxIntermediates),
                       "upload an intermediate closer to the certificate as the trust anchor, or issue from a shallower CA"});
    // The first error is the reason to refuse: errors before warnings, path order kept.
    std::stable_partition(out.begin(), out.end(), [](const Finding& f) { return f.severity == Severity::Error; });
    return out;
}

std::vector<Finding> PathEngine::check_crls() {
    std::vector<Finding> out;
    for (const auto& crl : trust_.crls()) {
        const std::string label = crl_label(crl);
        const Botan::X509_Certificate* issuer = nullptr;
        for (const std::vector<Botan::X509_Certificate>* pool : {&trust_.certificates(), static_cast<const std::vector<Botan::X509_Certificate>*>(&intermediates_)})
            for (const auto& c : *pool)
                if (!issuer && (c.subject_dn() == crl.issuer_dn()) && key_ids_compatible(crl.authority_key_id(), c.subject_key_id())) issuer = &c;
        if (!issuer) {
            out.push_back({"ra.crl.issuer-unknown", Severity::Warning, label,
                           "no certificate among the trust anchors and intermediates issued this CRL: its signature cannot be checked and it revokes nothing here",
                           "pass the CA that issued it as a trust anchor or an intermediate"});
        } else if (!crl_verifies(crl, *issuer)) {
            out.push_back(finding("ra.crl.signature", Severity::Error, label,
                                  "the CRL's signature does not verify with the key of `" + issue::format_dn(issuer->subject_dn()) + "`", kNewCrl));
        }
        // Roles Anywhere keeps using an imported CRL past nextUpdate (it never fetches one), so a
        // stale CRL is a warning: revocations made since it was issued are not enforced.
        if (crl.next_update().time_is_set() && crl.next_update().to_std_timepoint() < now_)
            out.push_back(finding("ra.crl.expired", Severity::Warning, label,
                                  "the CRL's nextUpdate " + issue::rfc3339(crl.next_update().to_std_timepoint()) + " has passed; later revocations are missing",
                                  {NextStep::Kind::PublishCrl, "sign a new CRL and import it into Roles Anywhere"}));
    }
    return out;
}

}  // namespace pkitool::profiles
