// Review prompt: details and question on stderr, the answer from stdin.
#include "pkitool/review.h"

#include "base/error.h"

#include <algorithm>

namespace pkitool::cli {

void review(const Context& ctx, bool yes, const std::string& question,
            const std::vector<std::pair<std::string, std::string>>& lines, const std::string& what) {
    if (yes) return;
    if (!ctx.stdin_is_terminal)
        throw Error("refusing to sign the " + what + " without review: no terminal to ask on",
                    "check the request, then pass --yes to sign without the prompt");
    size_t width = 0;
    for (const auto& [k, v] : lines) width = std::max(width, k.size());
    for (const auto& [k, v] : lines) ctx.err << "  " << k << ":" << std::string(width - k.size() + 1, ' ') << v << '\n';
    ctx.err << question << " [y/N] " << std::flush;
    std::string answer;
    std::getline(ctx.in, answer);
    if (answer != "y" && answer != "Y" && answer != "yes" && answer != "YES")
        throw Error("not signed: the " + what + " was declined at the prompt");
}

}  // namespace pkitool::cli
