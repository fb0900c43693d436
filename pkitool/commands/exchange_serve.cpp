// pkitool exchange serve: an IMDSv2-compatible credentials endpoint on 127.0.0.1.
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/http_client.h"
#include "exchange/client/imds_endpoint.h"
#include "exchange/loopback_server.h"

namespace pkitool::cli {

void register_exchange_serve(CLI::App& exchange_group, Context& ctx) {
    struct Args {
        ExchangeOptions options;
        PortOption port{9911};
    };
    auto args = std::make_shared<Args>();
    auto* cmd = exchange_group.add_subcommand("serve", "Serve the credentials to SDKs as an IMDSv2 endpoint on 127.0.0.1");
    args->options.add(*cmd);
    args->port.add(*cmd);
    examples(*cmd, {{"Serve credentials, then point SDKs at it:",
                     "pkitool exchange serve --certificate vm.crt --private-key vm.key --trust-anchor-arn TA_ARN "
                     "--profile-arn PROFILE_ARN --role-arn ROLE_ARN &\n"
                     "    $ AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9911/ aws sts get-caller-identity"},
                    {"On a free port (for scripts):", "pkitool exchange serve ... --port 0"}});
    cmd->callback([args, &ctx] {
        auto& o = args->options;
        o.target.check_arns();  // a bad ARN is a usage error before anything is served
        o.target.effective_region();
        const auto role = exchange::role_name_of_arn(o.target.role_arn);
        o.identity();  // a wrong key or passphrase fails now, not on the first request

        exchange::RefreshingCredentials credentials(o.source(ctx.err));
        exchange::ImdsEndpoint endpoint(role, credentials);
        exchange::LoopbackServer server(endpoint.service(), exchange::ImdsEndpoint::limits());
        // Before any thread exists: a signal from now on stops the server, and cancels the first
        // CreateSession if it is still waiting on a slow endpoint, so serve exits promptly (#9).
        exchange::StopOnSignal on_signal([&server] {
            exchange::cancel_requests();
            server.stop();
        });
        const int port = server.bind(args->port.port);
        const std::string url = server.url();
        if (ctx.json) ctx.out << nlohmann::json{{"endpoint", url}, {"port", port}, {"role", role}}.dump() << std::endl;
        else ctx.out << url << std::endl;
        if (const auto got = credentials.get(exchange::Clock::now()); std::holds_alternative<exchange::CredentialsFailure>(got)) {
            if (!on_signal.signalled())
                ctx.warn("no credentials yet (answering 500 until they can be had): " + std::get<exchange::CredentialsFailure>(got).reason);
        } else {
            ctx.note("serving credentials for role " + role + " at " + url + "/latest/meta-data/iam/security-credentials/" + role);
        }
        server.run();  // returns at once when a signal came during the first CreateSession
    });
}

}  // namespace pkitool::cli
