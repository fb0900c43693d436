// pkitool __complete -- WORD... (hidden): what the completion scripts ask at every Tab. WORDs
// are the command line after the program name up to the cursor, the last one being completed.
// Answer: ":files" or ":words", then one "candidate<TAB>description" line each.
#include "pkitool/commands/completion.h"
#include "pkitool/completion.h"

namespace pkitool::cli {

void register_complete(CLI::App& app, Context& ctx) {
    auto words = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand("__complete", "Complete a command line (the completion scripts call it)");
    cmd->group("");  // hidden: for the scripts, not for people
    cmd->add_option("WORD", *words, "The words after the program name, up to the cursor");
    cmd->callback([words, &app, &ctx] {
        auto w = *words;
        if (w.empty()) w.emplace_back();
        const auto c = complete(app, w);
        ctx.out << (c.files ? ":files\n" : ":words\n");
        for (const auto& candidate : c.candidates) ctx.out << candidate.word << '\t' << candidate.description << '\n';
    });
}

}  // namespace pkitool::cli
