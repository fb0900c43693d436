// pkitool exchange update: keep a profile of the shared credentials file filled with fresh credentials.
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_services.h"

#include "exchange/client/credentials_file.h"
#include "issue/inspect.h"

namespace pkitool::cli {

void register_exchange_update(CLI::App& exchange_group, Context& ctx) {
    struct Args {
        ExchangeOptions options;
        std::string profile = "default";
        bool once = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = exchange_group.add_subcommand(
        "update", "Write credentials into a profile of ~/.aws/credentials (or $AWS_SHARED_CREDENTIALS_FILE), refreshing them");
    args->options.add(*cmd);
    cmd->add_option("--profile", args->profile, "Profile (section) of the credentials file to write")->option_text("NAME (default default)");
    cmd->add_flag("--once", args->once, "Write once and exit, instead of refreshing 5 minutes before expiry until stopped");
    examples(*cmd, {{"Fill profile 'vm' once:",
                     "pkitool exchange update --certificate vm.crt --private-key vm.key --trust-anchor-arn TA_ARN "
                     "--profile-arn PROFILE_ARN --role-arn ROLE_ARN --profile vm --once"},
                    {"Keep it fresh in the background:", "pkitool exchange update ... --profile vm &"}},
             "With --json, each write prints one line on stdout: the file, the profile, the names of the keys\n"
             "written (never their values), the expiration and the next refresh (null with --once).\n");
    cmd->callback([args, &ctx] {
        update_credentials(args->options, args->profile, args->once, ctx, [&](const auto& path, const exchange::Credentials& c, auto next) {
            if (ctx.json) {
                // One line per write, flushed: a loop's output is read as it comes. Key names only.
                ctx.out << nlohmann::json{{"file", path.string()},
                                          {"profile", args->profile},
                                          {"keys", exchange::credentials_keys()},
                                          {"expiration", issue::rfc3339(c.expiration)},
                                          {"next_refresh", next ? nlohmann::json(issue::rfc3339(*next)) : nlohmann::json()}}
                                   .dump()
                        << std::endl;
                return;
            }
            ctx.note("wrote profile [" + args->profile + "] to " + path.string() + " (expires " + issue::rfc3339(c.expiration) + ")");
        });
    });
}

}  // namespace pkitool::cli
