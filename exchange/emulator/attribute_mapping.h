// Which certificate fields become session tags (Roles Anywhere User Guide, "Certificate attribute
// mapping"): a profile's mapping rules per field, the defaults, and the tags they give.
#pragma once

#include "exchange/emulator/trust_policy.h"

#include <botan/x509cert.h>

#include <string>
#include <vector>

namespace pkitool::exchange {

// One AttributeMapping of the API (API Reference, "AttributeMapping"): a certificate field
// (x509Subject, x509Issuer or x509SAN) and its rules' specifiers, in the order they were put.
struct AttributeMapping {
    std::string certificate_field;
    std::vector<std::string> specifiers;
    bool operator==(const AttributeMapping&) const = default;
};
using AttributeMappings = std::vector<AttributeMapping>;

// The certificate fields a mapping may name.
bool is_certificate_field(const std::string& field);

// A new profile's mappings (User Guide, "Default mapping behavior"): x509Subject "*", x509Issuer
// "*", x509SAN "DNS", "URI", "Name/*".
AttributeMappings default_attribute_mappings();

// The tags `leaf` gives under `mappings`: x509Subject/<RDN>, x509Issuer/<RDN>, x509SAN/DNS,
// x509SAN/URI and x509SAN/Name/<RDN> (the first SAN of each kind). A field or specifier with no
// rule gives no tag.
PrincipalTags principal_tags(const Botan::X509_Certificate& leaf, const AttributeMappings& mappings);
// Under the default mappings.
PrincipalTags principal_tags(const Botan::X509_Certificate& leaf);

// The request context a CreateSession by `leaf` under the trust anchor `anchor_arn` puts before the
// role's trust policy: its tags under `mappings`, aws:SourceArn, and the source identity (Roles
// Anywhere User Guide, "Trust policy": CN=<common name>, or ID=<serial in hex> without one). The
// emulator's CreateSession and `doctor` judge with the same context.
TrustRequest trust_request(const Botan::X509_Certificate& leaf, const AttributeMappings& mappings, const std::string& anchor_arn);

}  // namespace pkitool::exchange
