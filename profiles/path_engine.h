// The one Roles Anywhere path engine (issue #8): does a certificate lead, link by verified link, to
// a trust anchor, and does every link obey RFC 5280 §6.1 as the service and openssl apply it?
// `lint`, `emulate` and the exchange's diagnosis all judge chains here.
#pragma once

#include "profiles/finding.h"
#include "profiles/name_constraints.h"
#include "profiles/validity.h"

#include <botan/pk_keys.h>
#include <botan/pubkey.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace pkitool::profiles {

// Roles Anywhere takes at most 5 certificates in X-Amz-X509-Chain (Roles Anywhere User Guide, "Trust model").
constexpr size_t kMaxIntermediates = 5;

// Signatures known to verify, shared by engines on several threads (emulate makes one engine per
// request): a signature is a pure function of (signed object, issuer), so a client that presents
// the same certificate again costs no public-key work. Failures are never remembered.
class VerifiedSignatures {
public:
    bool contains(const std::string& key) const;
    void insert(const std::string& key);
    static constexpr size_t kCapacity = 10000;

private:
    mutable std::mutex mutex_;
    std::unordered_set<std::string> keys_;
};

// Trust anchors and the CRLs imported for them, prepared once (revoked serials indexed).
class TrustAnchors {
public:
    TrustAnchors(std::vector<Botan::X509_Certificate> anchors, std::vector<Botan::X509_CRL> crls);
    const std::vector<Botan::X509_Certificate>& certificates() const { return anchors_; }
    const std::vector<Botan::X509_CRL>& crls() const { return crls_; }
    // Serials revoked by crls()[i].
    const std::set<std::vector<uint8_t>>& revoked(size_t i) const { return revoked_[i]; }

private:
    std::vector<Botan::X509_Certificate> anchors_;
    std::vector<Botan::X509_CRL> crls_;
    std::vector<std::set<std::vector<uint8_t>>> revoked_;
};

// Judges certificates against one set of anchors and a pool of intermediates. Findings about an
// intermediate itself (validity, CA rules, revocation) are reported the first time it is used, so
// linting 10,000 leaves under one CA costs one signature check per leaf and reports the CA once.
// Not thread-safe: one engine per thread (or per request), sharing a VerifiedSignatures.
class PathEngine {
public:
    PathEngine(const TrustAnchors& trust, std::vector<Botan::X509_Certificate> intermediates, Clock::time_point now,
               VerifiedSignatures* shared = nullptr);
    PathEngine(const PathEngine&) = delete;
    PathEngine& operator=(const PathEngine&) = delete;

    // Everything wrong with the path from `cert` to an anchor, in path order (the first Error is
    // the reason to refuse). Rule ids: ra.chain.untrusted (only when there are anchors),
    // ra.chain.key-id, ra.chain.signature, ra.chain.issuer-ca, ra.chain.path-len, ra.chain.depth,
    // ra.chain.critical-extension, ra.chain.name-constraints, ra.chain.sig-hash, ra.crl.revoked and
    // ra.validity.* for the intermediates and anchor. `cert`'s own profile rules are not judged here.
    std::vector<Finding> check(const Botan::X509_Certificate& cert, const std::string& label);

    // The path the last check() built: `cert`, then each issuer it found, ending at the anchor when
    // the path is trusted (just `cert` when it is an anchor itself). Valid while the engine and
    // `cert` live; `ca import` keeps this path as the adopted CA's chain.
    const std::vector<const Botan::X509_Certificate*>& last_path() const { return last_path_; }

    // Findings about the CRLs themselves: ra.crl.signature, ra.crl.expired, ra.crl.issuer-unknown.
    std::vector<Finding> check_crls();

private:
    const Botan::Public_Key* key_of(const Botan::X509_Certificate& issuer);
    bool verifies(const Botan::X509_Certificate& subject, const Botan::X509_Certificate& issuer);
    bool crl_verifies(const Botan::X509_CRL& crl, const Botan::X509_Certificate& issuer);
    const Botan::X509_Certificate* find_issuer(const Botan::X509_Certificate& cert, const std::vector<Botan::X509_Certificate>& pool,
                                               const std::vector<const Botan::X509_Certificate*>& path, bool& name_only) const;
    // Rules on one certificate of the path that do not depend on what is below it.
    void check_member(const Botan::X509_Certificate& c, const std::string& label, bool is_anchor, std::vector<Finding>& out);
    void check_revocation(const Botan::X509_Certificate& cert, const Botan::X509_Certificate* issuer, const std::string& label,
                          std::vector<Finding>& out);
    void check_constraints(const std::vector<const Botan::X509_Certificate*>& path, const std::vector<std::string>& labels,
                           std::vector<Finding>& out);

    const TrustAnchors& trust_;
    std::vector<Botan::X509_Certificate> intermediates_;
    Clock::time_point now_;
    VerifiedSignatures* shared_;
    std::map<const Botan::X509_Certificate*, std::unique_ptr<Botan::Public_Key>> keys_;  // issuer keys, parsed once
    std::map<std::pair<const Botan::Public_Key*, Botan::OID>, std::unique_ptr<Botan::PK_Verifier>> verifiers_;
    std::map<const Botan::X509_Certificate*, bool> verified_;  // intermediate → its signature verified by its issuer
    std::set<const Botan::X509_Certificate*> reported_;       // certificates whose own findings were reported
    std::set<const Botan::X509_Certificate*> revocation_reported_;  // intermediates whose revocation was checked
    std::map<std::string, bool> verified_crls_;               // (CRL, issuer) digests → signature verdict
    // CA → its decoded nameConstraints (nullopt: none), or why they cannot be decoded.
    std::map<const Botan::X509_Certificate*, std::pair<std::optional<NameConstraints>, std::string>> name_constraints_;
    std::set<std::string> reported_links_;                    // constraint findings on intermediates, once each
    std::vector<const Botan::X509_Certificate*> last_path_;
};

}  // namespace pkitool::profiles
