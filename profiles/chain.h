// Chain rules: does a certificate lead, link by verified link, to a trust anchor, and is any link revoked.
#pragma once

#include "profiles/finding.h"
#include "profiles/validity.h"

#include <botan/pk_keys.h>
#include <botan/pubkey.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace pkitool::profiles {

// Roles Anywhere takes at most 5 certificates in X-Amz-X509-Chain (protocol §1).
constexpr size_t kMaxIntermediates = 5;

// Judges many certificates against one set of intermediates, anchors and CRLs. Work that does not
// depend on the certificate (issuer public keys, intermediate links, CRL checks) is done once and
// its findings reported once, so linting 10,000 leaves costs one signature check per leaf.
class ChainLinter {
public:
    ChainLinter(std::vector<Botan::X509_Certificate> intermediates, std::vector<Botan::X509_Certificate> anchors,
                std::vector<Botan::X509_CRL> crls, Clock::time_point now);
    ChainLinter(const ChainLinter&) = delete;
    ChainLinter& operator=(const ChainLinter&) = delete;

    // ra.chain.untrusted (only when anchors were given), ra.chain.depth, ra.chain.signature,
    // ra.chain.key-id, ra.chain.issuer-ca, ra.crl.revoked; plus, the first time an intermediate is
    // used, its validity.
    std::vector<Finding> check(const Botan::X509_Certificate& cert, const std::string& label);

    // Findings about the CRLs themselves: ra.crl.signature, ra.crl.expired, ra.crl.issuer-unknown.
    std::vector<Finding> check_crls();

    const std::vector<Botan::X509_Certificate>& anchors() const { return anchors_; }

private:
    struct Revoked {
        const Botan::X509_CRL* crl;
        std::set<std::vector<uint8_t>> serials;
    };
    const Botan::Public_Key* key_of(const Botan::X509_Certificate& issuer);
    // Does `issuer` sign `subject`? One PK_Verifier per issuer key and algorithm, reused.
    bool verifies(const Botan::X509_Certificate& subject, const Botan::X509_Certificate& issuer);
    const Botan::X509_Certificate* find_issuer(const Botan::X509_Certificate& cert, const std::vector<Botan::X509_Certificate>& pool,
                                               const std::vector<const Botan::X509_Certificate*>& path, bool& name_only) const;
    void check_revocation(const Botan::X509_Certificate& cert, const std::string& label, std::vector<Finding>& out) const;

    std::vector<Botan::X509_Certificate> intermediates_;
    std::vector<Botan::X509_Certificate> anchors_;
    std::vector<Botan::X509_CRL> crls_;
    std::vector<Revoked> revoked_;
    Clock::time_point now_;
    std::map<const Botan::X509_Certificate*, std::unique_ptr<Botan::Public_Key>> keys_;  // issuer keys, parsed once
    std::map<std::pair<const Botan::Public_Key*, Botan::OID>, std::unique_ptr<Botan::PK_Verifier>> verifiers_;
    std::map<const Botan::X509_Certificate*, bool> verified_;  // intermediate → its signature verified by its issuer
    std::set<const Botan::X509_Certificate*> reported_;       // intermediates whose own findings were reported
};

}  // namespace pkitool::profiles
