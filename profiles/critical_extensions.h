// RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a
// critical extension it does not recognize". These are the ones pkitool's path engine processes.
#pragma once

#include <botan/x509cert.h>

#include <string>
#include <vector>

namespace pkitool::profiles {

// The OIDs (dotted) of `cert`'s critical extensions that the path engine does not process.
std::vector<std::string> unhandled_critical_extensions(const Botan::X509_Certificate& cert);

// "nameConstraints (2.5.29.30)" for known extensions, else the dotted OID.
std::string extension_name(const Botan::OID& oid);

}  // namespace pkitool::profiles
