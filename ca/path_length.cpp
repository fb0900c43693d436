// pathLenConstraint arithmetic for sub-CA creation, so a parent never signs a CA that validators would reject.
#include "ca/path_length.h"

#include "issue/subject.h"
#include "base/error.h"

#include <botan/x509_ext.h>

#include <fmt/format.h>

namespace pkitool::ca {

std::optional<size_t> ca_levels_below(const std::vector<std::optional<size_t>>& upwards) {
    std::optional<size_t> levels;
    for (size_t i = 0; i < upwards.size(); ++i) {
        if (!upwards[i]) continue;
        // i CA certificates sit between certificate i and the first one, and each uses up one level.
        if (*upwards[i] < i)
            throw Error(fmt::format("the CA chain already breaks a path length constraint: pathlen:{} with {} CA levels below", *upwards[i], i));
        const size_t left = *upwards[i] - i;
        if (!levels || left < *levels) levels = left;
    }
    return levels;
}

std::optional<size_t> ca_levels_below(const std::vector<Botan::X509_Certificate>& upwards) {
    std::vector<std::optional<size_t>> limits;
    for (const auto& cert : upwards) {
        if (!cert.is_CA_cert())
            throw Error(issue::format_dn(cert.subject_dn()) + ": not a CA certificate (basicConstraints CA:FALSE or missing)");
        // Botan reports an absent pathLenConstraint as NO_CERT_PATH_LIMIT.
        const size_t limit = cert.path_limit();
        limits.push_back(limit == Botan::Cert_Extension::NO_CERT_PATH_LIMIT ? std::nullopt : std::optional<size_t>(limit));
    }
    return ca_levels_below(limits);
}

std::optional<size_t> sub_ca_path_len(std::optional<size_t> levels_below, std::optional<size_t> requested, const std::string& parent) {
    if (levels_below && *levels_below == 0)
        throw Error(parent + ": its path length constraint (pathlen:0 here or above it) allows no CA below it; it can only issue end-entity certificates",
                    "create the sub-CA under a CA with a larger path length constraint, or issue leaf certificates from " + parent);
    if (!levels_below) return requested;
    const size_t most = *levels_below - 1;
    if (requested && *requested > most)
        throw Error(Error::Input{"path_len", std::to_string(*requested), "", most}, fmt::format("{} allows at most {} CA level(s) below the new CA", parent, most));
    return requested ? requested : std::optional<size_t>(most);
}

}  // namespace pkitool::ca
