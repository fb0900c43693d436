// aws_signing_helper credential-process: one CreateSession per call, no cache, the JSON the AWS
// SDKs read ("Sourcing credentials with an external process", AWS CLI User Guide).
#include "pkitool/commands/helper_commands.h"
#include "pkitool/exchange_options.h"

namespace pkitool::cli {

void register_helper_credential_process(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ExchangeOptions>();
    auto* cmd = app.add_subcommand("credential-process", "Print temporary AWS credentials as credential_process JSON (no cache)");
    opts->add(*cmd, Personality::SigningHelper);
    examples(*cmd, {{"In ~/.aws/config:", "credential_process = aws_signing_helper credential-process --certificate vm.crt --private-key vm.key "
                                          "--trust-anchor-arn TA_ARN --profile-arn PROFILE_ARN --role-arn ROLE_ARN"}});
    cmd->callback([opts, &ctx] {
        opts->check();
        const auto credentials = opts->source(ctx.err)();
        // No newline and Expiration as the service wrote it, byte for byte the helper's output.
        ctx.out << exchange::credential_process_json(credentials, exchange::ExpirationText::AsReceived) << std::flush;
    });
}

}  // namespace pkitool::cli
