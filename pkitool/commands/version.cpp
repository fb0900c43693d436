// pkitool version: the same as --version, and as JSON for scripts and bug reports (issue #15).
#include "pkitool/build_info.h"
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include <nlohmann/json.hpp>

namespace pkitool::cli {

void register_version(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("version", "Print pkitool's version, git commit, Botan and SQLite versions (as --version)");
    examples(*cmd, {{"Which build is this:", "pkitool version"}, {"For a bug report or a script:", "pkitool version --json"}}, "", "0.");
    cmd->callback([&ctx] {
        const auto b = build_info();
        if (ctx.json)
            ctx.print_json({{"version", b.version}, {"commit", b.commit}, {"botan", b.botan}, {"sqlite", b.sqlite}, {"awsSigningHelper", b.signing_helper}});
        else ctx.out << version_text(b) << '\n';
    });
}

}  // namespace pkitool::cli
