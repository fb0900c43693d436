// The trust anchor bundle as Roles Anywhere takes it: PEM text of limited size and certificate count.
#pragma once

#include "profiles/finding.h"

#include <botan/x509cert.h>

#include <string>
#include <vector>

namespace pkitool::profiles {

constexpr size_t kMaxBundleChars = 8000;  // Roles Anywhere User Guide, "Trust model": 1 to 8000 characters
constexpr size_t kMaxBundleCerts = 2;     // Roles Anywhere User Guide, "Trust model": at most 2 certificates

// ra.anchor.bundle-size. `pem_chars` is the size of the PEM text that would be uploaded.
std::vector<Finding> check_anchor_bundle(const std::string& source, size_t pem_chars, size_t certificates);

}  // namespace pkitool::profiles
