// pkitool exchange credential-process: certificate → temporary credentials for the AWS CLI/SDKs.
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/credential_cache.h"

namespace pkitool::cli {

void register_exchange_credential_process(CLI::App& exchange_group, Context& ctx) {
    auto opts = std::make_shared<ExchangeOptions>();
    auto* cmd = exchange_group.add_subcommand(
        "credential-process",
        "Print temporary AWS credentials as credential_process JSON (cached until 5 minutes before they expire)");
    opts->add(*cmd);
    examples(*cmd, {{"Get credentials for a role:",
                     "pkitool exchange credential-process --certificate vm.crt --private-key vm.key --trust-anchor-arn TA_ARN "
                     "--profile-arn PROFILE_ARN --role-arn ROLE_ARN"},
                    {"With the key in a PKCS#11 token (PIN from the file, else asked once):",
                     "pkitool exchange credential-process --certificate vm.crt --private-key 'pkcs11:token=vm;object=vm' --pin-file pin "
                     "--trust-anchor-arn TA_ARN --profile-arn PROFILE_ARN --role-arn ROLE_ARN"},
                    {"Rehearse offline against `pkitool emulate`, showing what is signed:",
                     "pkitool exchange credential-process ... --endpoint http://127.0.0.1:8443 --no-cache --debug"}});
    cmd->callback([opts, &ctx] {
        opts->check();  // a bad ARN or key source is refused before any request
        const auto fetch = opts->source(ctx.err);
        const auto credentials =
            opts->no_cache ? fetch()
                           : exchange::CredentialCache(exchange::default_cache_dir())
                                 .get(exchange::cache_key(opts->leaf(), opts->target), exchange::Clock::now(), fetch);
        ctx.out << exchange::credential_process_json(credentials) << '\n';
    });
}

}  // namespace pkitool::cli
