// Is a certificate valid now: expired, not yet valid, or about to expire.
#pragma once

#include "profiles/finding.h"

#include <botan/x509cert.h>

#include <chrono>
#include <string>
#include <vector>

namespace pkitool::profiles {

using Clock = std::chrono::system_clock;

// An end-entity certificate expiring within this window gets a warning: renew before AWS refuses it.
constexpr std::chrono::days kExpiryWarning{30};

// ra.validity.expired, ra.validity.not-yet-valid (errors), ra.validity.expiring (warning, end-entity only).
std::vector<Finding> check_validity(const Botan::X509_Certificate& cert, const std::string& label, Clock::time_point now, bool end_entity);

}  // namespace pkitool::profiles
