// System_RNG reads getrandom(); it is thread-safe, so one instance serves batch workers too.
#include "issue/random.h"

#include <botan/system_rng.h>

namespace pkitool::issue {

Botan::RandomNumberGenerator& rng() { return Botan::system_rng(); }

}  // namespace pkitool::issue
