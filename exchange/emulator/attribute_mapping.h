// Which certificate fields become session tags (Roles Anywhere User Guide, "Attribute mapping"):
// x509Subject/<RDN>, x509Issuer/<RDN>, x509SAN/DNS, x509SAN/URI, x509SAN/Name/<RDN>.
#pragma once

#include "exchange/emulator/trust_policy.h"

#include <botan/x509cert.h>

namespace pkitool::exchange {

// The tags a certificate gives under the default mappings.
PrincipalTags principal_tags(const Botan::X509_Certificate& leaf);

}  // namespace pkitool::exchange
