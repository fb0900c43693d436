// pkitool completion bash|zsh|fish: print the shell's completion script (issue #15).
#include "pkitool/commands/completion.h"
#include "pkitool/completion.h"
#include "pkitool/options.h"

#include <map>

namespace pkitool::cli {

void register_completion(CLI::App& app, Context& ctx) {
    static const std::map<std::string, Shell> kShells{{"bash", Shell::Bash}, {"zsh", Shell::Zsh}, {"fish", Shell::Fish}};
    auto shell = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("completion", "Print a shell completion script: commands, flags, fixed values, profiles, files");
    cmd->add_option("SHELL", *shell, "The shell")->required()->check(CLI::IsMember(kShells))->option_text("bash|zsh|fish");
    examples(*cmd,
             {{"Complete in this bash session:", "source <(pkitool completion bash)"},
              {"For every bash session (the .deb installs this one):", "pkitool completion bash > ~/.local/share/bash-completion/completions/pkitool"},
              {"zsh, from a directory on $fpath:", "pkitool completion zsh > ~/.zfunc/_pkitool"},
              {"fish:", "pkitool completion fish > ~/.config/fish/completions/pkitool.fish"}},
             "The script asks pkitool itself at every Tab, so it completes what this pkitool parses:\n"
             "commands, flags, the values of flags with fixed choices (--key-type, --status, --reason),\n"
             "--profile from the catalog (with --profiles-file or PKITOOL_PROFILES, the user's too) and\n"
             "file names. It need not be regenerated when pkitool is upgraded.\n");
    cmd->callback([shell, &ctx] { ctx.out << completion_script(kShells.at(*shell)); });
}

}  // namespace pkitool::cli
