// pkitool profiles show: everything one profile requires.
#include "pkitool/commands/commands.h"
#include "pkitool/completion.h"
#include "pkitool/options.h"

#include <fmt/format.h>

namespace pkitool::cli {

void register_profiles_show(CLI::App& group, Context& ctx) {
    struct Args {
        std::string name;
        ProfilesFileOption file;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = group.add_subcommand("show", "Show what a profile requires of a certificate");
    cmd->add_option("NAME", a->name, "Profile name (see `pkitool profiles list`)")->required()->type_name(kProfileType);
    a->file.add(*cmd);
    examples(*cmd, {{"What a Roles Anywhere client certificate must be:", "pkitool profiles show rolesanywhere-client"},
                    {"A profile of your own, as JSON (the shape the profiles file takes):",
                     "pkitool profiles show vm-client --profiles-file my-profiles.json --json"}});
    cmd->footer(std::string(kProfilesFileFormat) + cmd->get_footer());
    cmd->callback([a, &ctx] {
        const auto catalog = a->file.catalog();
        const auto j = profiles::to_json(catalog.find(a->name));
        if (ctx.json) return ctx.print_json(j);
        const auto list = [](const nlohmann::json& arr) {
            std::string s;
            for (const auto& e : arr) s += (s.empty() ? "" : ", ") + e.get<std::string>();
            return s.empty() ? std::string("(none)") : s;
        };
        ctx.out << fmt::format("{:<24} {}\n", "Name:", j["name"].get<std::string>());
        ctx.out << fmt::format("{:<24} {}\n", "Description:", j["description"].get<std::string>());
        ctx.out << fmt::format("{:<24} {}\n", "Role:", j["role"].get<std::string>());
        if (j.contains("path_len")) ctx.out << fmt::format("{:<24} {}\n", "Path length:", j["path_len"].get<size_t>());
        ctx.out << fmt::format("{:<24} {}\n", "Key usage (critical):", list(j["key_usage"]));
        ctx.out << fmt::format("{:<24} {}\n", "Extended key usage:", list(j["extended_key_usage"]));
        ctx.out << fmt::format("{:<24} {}\n", "Key types:", list(j["key_types"]));
        ctx.out << fmt::format("{:<24} SHA-{} or stronger\n", "Signature hash:", j["min_signature_hash_bits"].get<size_t>());
        ctx.out << fmt::format("{:<24} {} (max {})\n", "Validity days:", j["default_days"].get<unsigned>(), j["max_days"].get<unsigned>());
        ctx.out << fmt::format("{:<24} {}\n", "Subject required:", j["require_subject"].get<bool>() ? "yes" : "no");
        ctx.out << fmt::format("{:<24} {}\n", "SANs copied from CSR:", j["copy_sans_from_csr"].get<bool>() ? "yes" : "no");
    });
}

}  // namespace pkitool::cli
