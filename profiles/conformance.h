// Checks one certificate against a profile: the rules `issue` applies before it records anything.
#pragma once

#include "profiles/finding.h"
#include "profiles/profile.h"

#include <botan/x509cert.h>

#include <vector>

namespace pkitool::profiles {

// "CN=vm-01 (serial 3AF2…)": how findings name a certificate.
std::string certificate_label(const Botan::X509_Certificate& cert);

// Signature hash strength in bits (SHA-256 → 256, SHA-1 → 160); 0 when unknown.
size_t signature_hash_bits(const Botan::X509_Certificate& cert);

// Rule ids: ra.ee.* for end-entity profiles, ra.anchor.* for CA profiles, plus ra.sig.hash and ra.key.type.
std::vector<Finding> check_conformance(const Botan::X509_Certificate& cert, const Profile& profile);
// The same, with the label already computed (lint names each certificate once).
std::vector<Finding> check_conformance(const Botan::X509_Certificate& cert, const Profile& profile, const std::string& label);

// basicConstraints present and CA:TRUE, whatever keyUsage says (Botan's is_CA_cert() also wants keyCertSign).
bool basic_constraints_ca(const Botan::X509_Certificate& cert);

}  // namespace pkitool::profiles
