// pkitool profiles list: the built-in profiles and the user's own.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include <fmt/format.h>

namespace pkitool::cli {

void register_profiles_list(CLI::App& group, Context& ctx) {
    auto file = std::make_shared<ProfilesFileOption>();
    auto* cmd = group.add_subcommand("list", "List the certificate profiles: built-in and from --profiles-file");
    file->add(*cmd);
    examples(*cmd, {{"The built-in profiles:", "pkitool profiles list"},
                    {"With your own, as JSON:", "pkitool profiles list --profiles-file my-profiles.json --json"}});
    cmd->footer(std::string(kProfilesFileFormat) + cmd->get_footer());
    cmd->callback([file, &ctx] {
        const auto catalog = file->catalog();
        if (ctx.json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& p : catalog.all()) {
                auto j = profiles::to_json(p);
                j["builtin"] = catalog.is_builtin(p.name);
                list.push_back(j);
            }
            return ctx.print_json({{"profiles", list}});
        }
        for (const auto& p : catalog.all())
            ctx.out << fmt::format("{:<24} {:<4} {}\n", p.name, catalog.is_builtin(p.name) ? "" : "user", p.description);
    });
}

}  // namespace pkitool::cli
