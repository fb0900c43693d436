// The process-wide random generator: the operating system's, cheap to use and never reseeded by us.
#pragma once

#include <botan/rng.h>

namespace pkitool::issue {

Botan::RandomNumberGenerator& rng();

}  // namespace pkitool::issue
