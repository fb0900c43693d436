// RFC 5280 basics that any certificate should meet and a hand-rolled private CA can easily break.
#pragma once

#include "profiles/finding.h"

#include <botan/x509cert.h>

#include <string>
#include <vector>

namespace pkitool::profiles {

// Rule ids rfc5280.*: serial (positive, at most 20 octets), validity order, SKI on CAs,
// AKI on certificates that are not self-signed, keyUsage critical on CAs.
std::vector<Finding> check_rfc5280(const Botan::X509_Certificate& cert, const std::string& label);

}  // namespace pkitool::profiles
