// Diagnosis of a refused CreateSession from the certificate side.
#include "exchange/client/diagnosis.h"

#include "profiles/path_engine.h"
#include "profiles/conformance.h"
#include "profiles/lint.h"
#include "profiles/profile.h"

#include <botan/x509path.h>  // operator!= on X509_DN

namespace pkitool::exchange {

std::vector<std::string> diagnose(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& intermediates,
                                  const std::string& service_error_type) {
    std::vector<std::string> lines;
    // The same rules as `pkitool lint --chain`: the leaf against rolesanywhere-client, RFC 5280 and
    // its validity, then each link of the chain that was sent (signatures, key ids, intermediates
    // being CAs and in date). The client knows no trust anchor and no CRL, so none are passed:
    // lint_chain then never claims the chain is untrusted or revoked, which only the service knows.
    for (const auto& f : profiles::lint_chain(leaf, intermediates, {}, {}))
        if (f.severity != profiles::Severity::Info)
            lines.push_back(f.certificate + ": " + f.message + (f.fix.empty() ? "" : " (" + f.fix + ")"));

    // What lint_chain cannot judge without an anchor: its depth rule counts the path to the anchor,
    // but the service also refuses a header holding more than 5 certificates (Roles Anywhere User Guide, "Trust model"); and the
    // order asked of --intermediates (leaf's issuer first), since the header is sent in bundle order.
    if (intermediates.size() > profiles::kMaxIntermediates)
        lines.push_back("the chain holds " + std::to_string(intermediates.size()) + " intermediates; Roles Anywhere accepts at most " +
                        std::to_string(profiles::kMaxIntermediates));
    const Botan::X509_Certificate* child = &leaf;
    for (const auto& ca : intermediates) {
        if (child->issuer_dn() != ca.subject_dn()) {
            lines.push_back("the chain is broken: " + profiles::certificate_label(*child) + " was not issued by " +
                            profiles::certificate_label(ca) + " (give the intermediates in order, the leaf's issuer first)");
            break;
        }
        child = &ca;
    }

    if (lines.empty() && service_error_type == "AccessDeniedException")
        lines.push_back("the certificate passes pkitool's rolesanywhere-client rules; check that its chain reaches the trust "
                        "anchor through the intermediates sent, that it is not revoked, and that the profile lists the role");
    return lines;
}

}  // namespace pkitool::exchange
