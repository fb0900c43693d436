// pkitool's own opinion on why the service refused a certificate: the lint rules run on the
// certificate and chain that were sent, turned into short "likely cause" lines.
#pragma once

#include <botan/x509cert.h>

#include <string>
#include <vector>

namespace pkitool::exchange {

// One line per likely cause; empty when pkitool's rules find nothing wrong.
std::vector<std::string> diagnose(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& intermediates,
                                  const std::string& service_error_type);

}  // namespace pkitool::exchange
