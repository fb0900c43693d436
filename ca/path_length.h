// How deep a CA hierarchy may grow: basicConstraints pathLenConstraint (RFC 5280 §4.2.1.9).
#pragma once

#include <botan/x509cert.h>

#include <optional>
#include <string>
#include <vector>

namespace pkitool::ca {

// How many more CA certificates may follow the first certificate of `upwards` in a path, as
// RFC 5280 §6.1.4 (l)-(m) counts: each certificate's pathLenConstraint minus the CA certificates
// already between it and the first. `upwards` holds the pathLenConstraint of each CA from the
// issuing one up towards the root (nullopt: none). nullopt result: unlimited.
// Error when the chain already breaks a constraint.
std::optional<size_t> ca_levels_below(const std::vector<std::optional<size_t>>& upwards);

// The same for certificates: the CA first, then its issuers.
std::optional<size_t> ca_levels_below(const std::vector<Botan::X509_Certificate>& upwards);

// The pathLenConstraint to give a new sub-CA of a parent that allows `levels_below` more CA levels:
// the requested one, or when none is requested the most allowed (nullopt: unlimited).
// Error naming `parent` when it may not sign a sub-CA at all or the request is too long.
std::optional<size_t> sub_ca_path_len(std::optional<size_t> levels_below, std::optional<size_t> requested, const std::string& parent);

}  // namespace pkitool::ca
