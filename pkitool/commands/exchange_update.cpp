// pkitool exchange update: keep a profile of the shared credentials file filled with fresh credentials.
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/credentials_file.h"
#include "issue/inspect.h"
#include "base/error.h"

#include <thread>

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
                    {"Keep it fresh in the background:", "pkitool exchange update ... --profile vm &"}});
    cmd->callback([args, &ctx] {
        auto& o = args->options;
        o.target.check_arns();
        if (args->profile.empty() || args->profile.find_first_of("[]\n") != std::string::npos)
            throw usage_error("--profile '" + args->profile + "': not a profile name");
        const auto path = exchange::default_credentials_file();
        const auto fetch = o.source(ctx.err);
        for (bool first = true;; first = false) {
            std::chrono::seconds wait{60};  // after a failed refresh
            try {
                const auto c = fetch();
                exchange::write_credentials_profile(path, args->profile, c);
                ctx.note("wrote profile [" + args->profile + "] to " + path.string() + " (expires " + issue::rfc3339(c.expiration) + ")");
                wait = std::max(wait, std::chrono::duration_cast<std::chrono::seconds>(c.expiration - exchange::kRefreshMargin - exchange::Clock::now()));
            } catch (const Error& e) {
                if (first || args->once) throw;  // a setup mistake: report it rather than retry forever
                ctx.warn(std::string(e.what()) + "; retrying in 60 s");
            }
            if (args->once) return;
            std::this_thread::sleep_for(wait);
        }
    });
}

}  // namespace pkitool::cli
