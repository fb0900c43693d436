// aws_signing_helper version: the helper release this personality follows (`pkitool --version`
// gives pkitool's own).
#include "pkitool/commands/helper_commands.h"

namespace pkitool::cli {

void register_helper_version(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("version", "Print the aws_signing_helper version this pkitool behaves as (pkitool --version: its own)");
    cmd->callback([&ctx] { ctx.out << kSigningHelperVersion << '\n'; });
}

}  // namespace pkitool::cli
