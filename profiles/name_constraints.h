// nameConstraints (RFC 5280 §4.2.1.10): which names a CA lets the certificates below it carry.
// Checked for dNSName, rfc822Name, uniformResourceIdentifier, iPAddress and directoryName, as
// openssl does: the subject DN, its emailAddress attributes, every SAN, and (for an end-entity
// certificate without dNSName SANs) a CN that looks like a host name.
#pragma once

#include "issue/extensions.h"

#include <botan/x509cert.h>

#include <optional>
#include <string>
#include <vector>

namespace pkitool::profiles {

class NameConstraints {
public:
    // The CA's constraints; nullopt when it has none. Throws Botan::Decoding_Error when the
    // extension cannot be decoded.
    static std::optional<NameConstraints> of(const Botan::X509_Certificate& ca);

    // Why `cert` breaks these constraints (one sentence), or nullopt when it does not.
    // `end_entity` enables the CN-as-host-name check.
    std::optional<std::string> violation(const Botan::X509_Certificate& cert, bool end_entity) const;

private:
    std::optional<std::string> check(const issue::GeneralName& name) const;
    std::vector<issue::GeneralSubtree> permitted_, excluded_;
};

}  // namespace pkitool::profiles
