// Diagnosis of a refused CreateSession from the certificate side.
#include "exchange/diagnosis.h"

#include "profiles/conformance.h"
#include "profiles/profile.h"

#include <botan/x509path.h>

namespace pkitool::exchange {

std::vector<std::string> diagnose(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& intermediates,
                                  const std::string& service_error_type) {
    std::vector<std::string> lines;
    for (const auto& f : profiles::check_conformance(leaf, profiles::find(profiles::default_client_profile_name())))
        if (f.severity != profiles::Severity::Info)
            lines.push_back(f.certificate + ": " + f.message + (f.fix.empty() ? "" : " (" + f.fix + ")"));

    // Chain shape as protocol §1 states it. The fuller chain lint (issuer/subject links, CA flags
    // of each intermediate, the anchor) plugs in here once profiles/ grows it.
    if (intermediates.size() > 5)
        lines.push_back("the chain holds " + std::to_string(intermediates.size()) + " intermediates; Roles Anywhere accepts at most 5");
    const Botan::X509_Certificate* child = &leaf;
    for (const auto& ca : intermediates) {
        if (child->issuer_dn() != ca.subject_dn()) {
            lines.push_back("the chain is broken: " + profiles::certificate_label(*child) + " was not issued by " +
                            profiles::certificate_label(ca) + " (pass --intermediates in order, leaf's issuer first)");
            break;
        }
        child = &ca;
    }
    const auto now = std::chrono::system_clock::now();
    if (leaf.not_after().to_std_timepoint() < now) lines.push_back("the certificate has expired");
    if (leaf.not_before().to_std_timepoint() > now) lines.push_back("the certificate is not valid yet");

    if (lines.empty() && service_error_type == "AccessDeniedException")
        lines.push_back("the certificate passes pkitool's rolesanywhere-client rules; check that its chain reaches the trust "
                        "anchor you passed (--intermediates), that it is not revoked, and that the profile lists the role");
    return lines;
}

}  // namespace pkitool::exchange
