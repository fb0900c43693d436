// aws_signing_helper update: a profile of the shared credentials file kept fresh.
#include "pkitool/commands/helper_commands.h"
#include "pkitool/exchange_services.h"

#include "issue/inspect.h"

namespace pkitool::cli {

void register_helper_update(CLI::App& app, Context& ctx) {
    struct Args {
        ExchangeOptions options;
        std::string profile = "default";
        bool once = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("update", "Write credentials into a profile of ~/.aws/credentials (or $AWS_SHARED_CREDENTIALS_FILE)");
    args->options.add(*cmd, Personality::SigningHelper);
    cmd->add_option("--profile", args->profile, "Profile to update")->option_text("NAME (default default)");
    cmd->add_flag("--once", args->once, "Update once and exit, instead of 5 minutes before every expiry");
    examples(*cmd, {{"Keep profile 'default' fresh:", "aws_signing_helper update --certificate vm.crt --private-key vm.key "
                                                      "--trust-anchor-arn TA_ARN --profile-arn PROFILE_ARN --role-arn ROLE_ARN"}});
    cmd->callback([args, &ctx] {
        // As the helper: silent on success, one log line per scheduled refresh.
        update_credentials(args->options, args->profile, args->once, ctx, [&ctx](const auto&, const auto&, auto next) {
            if (next) ctx.note("Credentials will be refreshed at " + issue::rfc3339(*next));
        });
    });
}

}  // namespace pkitool::cli
