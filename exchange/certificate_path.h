// Does a presented certificate chain reach a trust anchor? The checks Roles Anywhere makes on the
// path (protocol §1): issuer signatures, validity dates, CA rules for intermediates, imported CRLs.
#pragma once

#include "exchange/emulator_config.h"

#include <botan/x509cert.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace pkitool::exchange {

// At most 5 certificates in X-Amz-X509-Chain (protocol §1).
constexpr size_t kMaxIntermediates = 5;

class PathValidator {
public:
    // Empty when `leaf` chains through `intermediates` to one of the anchor's certificates; otherwise
    // a sentence saying which certificate failed which check.
    std::optional<std::string> check(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& intermediates,
                                     const TrustAnchor& anchor, std::chrono::system_clock::time_point now);

private:
    // Certificate signatures are pure functions of (certificate, issuer): remembering the ones that
    // verified halves the public-key work per request. Failures are never cached.
    bool signed_by(const Botan::X509_Certificate& cert, const Botan::X509_Certificate& issuer);
    // The same for the anchor's CRLs, which are otherwise verified again on every request.
    bool crl_signed_by(const Botan::X509_CRL& crl, const Botan::X509_Certificate& issuer);
    std::optional<std::string> check_revocation(const Botan::X509_Certificate& c, const Botan::X509_Certificate& issuer, const TrustAnchor& anchor);
    void remember(const std::string& key);

    std::mutex mutex_;
    std::unordered_set<std::string> verified_;
};

}  // namespace pkitool::exchange
