// Trust anchor bundle limits of CreateTrustAnchor (Roles Anywhere User Guide, "Trust model").
#include "profiles/anchor_bundle.h"

namespace pkitool::profiles {

std::vector<Finding> check_anchor_bundle(const std::string& source, size_t pem_chars, size_t certificates) {
    std::vector<Finding> out;
    if (pem_chars == 0 || pem_chars > kMaxBundleChars)
        out.push_back({"ra.anchor.bundle-size", Severity::Error, source,
                       "the trust anchor bundle is " + std::to_string(pem_chars) + " characters of PEM; Roles Anywhere accepts 1 to " +
                           std::to_string(kMaxBundleChars),
                       "upload only the CA certificate the chain ends at (an EC or RSA-2048 CA keeps it small)"});
    if (certificates > kMaxBundleCerts)
        out.push_back({"ra.anchor.bundle-size", Severity::Error, source,
                       "the trust anchor bundle holds " + std::to_string(certificates) + " certificates; Roles Anywhere accepts at most " +
                           std::to_string(kMaxBundleCerts),
                       "split it into several trust anchors, or upload only the root"});
    return out;
}

}  // namespace pkitool::profiles
