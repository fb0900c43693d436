// aws_signing_helper serve: the IMDSv2 endpoint, announced in the helper's log lines.
#include "pkitool/commands/helper_commands.h"
#include "pkitool/exchange_services.h"

namespace pkitool::cli {

void register_helper_serve(CLI::App& app, Context& ctx) {
    struct Args {
        ExchangeOptions options;
        ServeOptions serve;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("serve", "Serve the credentials to SDKs as an IMDSv2 endpoint on 127.0.0.1 (or --bind ADDR)");
    args->options.add(*cmd, Personality::SigningHelper);
    args->serve.add(*cmd);
    examples(*cmd, {{"Serve as EC2 does (answers never leave the host):",
                     "aws_signing_helper serve --certificate vm.crt --private-key vm.key --trust-anchor-arn TA_ARN "
                     "--profile-arn PROFILE_ARN --role-arn ROLE_ARN --hop-limit 1"}});
    cmd->callback([args, &ctx] {
        serve_credentials(args->options, args->serve, ctx, [&ctx](const ServeListening& l) {
            ctx.note("Local server started on port: " + std::to_string(l.port));
            ctx.note("Make it available to the sdk by running:");
            ctx.note("export AWS_EC2_METADATA_SERVICE_ENDPOINT=" + l.url + "/");
        });
    });
}

}  // namespace pkitool::cli
