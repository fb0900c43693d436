// Validity-period rules, judged against one "now" so a whole run agrees with itself.
#include "profiles/validity.h"

#include "issue/inspect.h"

namespace pkitool::profiles {

std::vector<Finding> check_validity(const Botan::X509_Certificate& cert, const std::string& label, Clock::time_point now, bool end_entity) {
    std::vector<Finding> out;
    const auto not_before = cert.not_before().to_std_timepoint();
    const auto not_after = cert.not_after().to_std_timepoint();
    if (not_before >= not_after) return out;  // never valid: rfc5280.validity-order says so, once
    const NextStep reissue{NextStep::Kind::Reissue, "issue a new certificate"};
    const auto renew = [&](const char* rule, Severity s, std::string message) {
        out.push_back(end_entity ? finding(rule, s, label, std::move(message), reissue)
                                 : Finding{rule, s, label, std::move(message), "replace this CA certificate and re-issue what it signed"});
    };
    if (not_after < now) {
        renew("ra.validity.expired", Severity::Error, "expired on " + issue::rfc3339(not_after));
    } else if (not_before > now) {
        out.push_back({"ra.validity.not-yet-valid", Severity::Error, label, "not valid before " + issue::rfc3339(not_before),
                       "wait until then, or check the clock of the machine that issued it"});
    } else if (end_entity && not_after - now < kExpiryWarning) {
        const auto days = std::chrono::duration_cast<std::chrono::hours>(not_after - now).count() / 24;
        renew("ra.validity.expiring", Severity::Warning, "expires on " + issue::rfc3339(not_after) + " (in " + std::to_string(days) + " days)");
    }
    return out;
}

}  // namespace pkitool::profiles
