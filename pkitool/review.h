// The review step before signing, as `openssl ca` does it: show, then ask on the terminal.
#pragma once

#include "pkitool/context.h"

#include <string>
#include <utility>
#include <vector>

namespace pkitool::cli {

// Returns when signing may go ahead: --yes, or the user typed y. Throws Error otherwise; with no
// terminal to ask on and no --yes it refuses rather than sign unseen.
void review(const Context& ctx, bool yes, const std::string& question,
            const std::vector<std::pair<std::string, std::string>>& lines, const std::string& what);

}  // namespace pkitool::cli
