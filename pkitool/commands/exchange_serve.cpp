// pkitool exchange serve: an IMDSv2-compatible credentials endpoint on 127.0.0.1 (or --bind).
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_services.h"

namespace pkitool::cli {

void register_exchange_serve(CLI::App& exchange_group, Context& ctx) {
    struct Args {
        ExchangeOptions options;
        ServeOptions serve;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = exchange_group.add_subcommand("serve", "Serve the credentials to SDKs as an IMDSv2 endpoint on 127.0.0.1 (or --bind ADDR)");
    args->options.add(*cmd);
    args->serve.add(*cmd);
    examples(*cmd, {{"Serve credentials, then point SDKs at it:",
                     "pkitool exchange serve --certificate vm.crt --private-key vm.key --trust-anchor-arn TA_ARN "
                     "--profile-arn PROFILE_ARN --role-arn ROLE_ARN &\n"
                     "    $ AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9911/ aws sts get-caller-identity"},
                    {"On a free port (for scripts):", "pkitool exchange serve ... --port 0"},
                    {"To containers on a Docker bridge (anyone reaching 172.17.0.1 gets the credentials):",
                     "pkitool exchange serve ... --bind 172.17.0.1 --allow-remote"}});
    cmd->callback([args, &ctx] {
        serve_credentials(args->options, args->serve, ctx, [&ctx](const ServeListening& l) {
            if (ctx.json) ctx.out << nlohmann::json{{"endpoint", l.url}, {"port", l.port}, {"role", l.role}}.dump() << std::endl;
            else ctx.out << l.url << std::endl;
        });
    });
}

}  // namespace pkitool::cli
