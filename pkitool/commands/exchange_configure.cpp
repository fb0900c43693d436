// pkitool exchange configure: a ~/.aws/config profile whose credential_process is this pkitool.
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/aws_config.h"
#include "base/error.h"

#include <filesystem>

namespace pkitool::cli {

void register_exchange_configure(CLI::App& exchange_group, Context& ctx) {
    struct Args {
        ExchangeOptions options;
        std::string profile;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = exchange_group.add_subcommand(
        "configure", "Write a credential_process profile that runs this pkitool into ~/.aws/config (or $AWS_CONFIG_FILE)");
    args->options.add(*cmd);
    cmd->add_option("--profile", args->profile, "AWS CLI profile to write")->required()->option_text("NAME");
    examples(*cmd, {{"Create profile 'vm', then use it:",
                     "pkitool exchange configure --profile vm --certificate vm.crt --private-key vm.key --trust-anchor-arn TA_ARN "
                     "--profile-arn PROFILE_ARN --role-arn ROLE_ARN\n    $ aws sts get-caller-identity --profile vm"},
                    {"Say what was written (file, section, keys), as JSON:", "pkitool exchange configure --profile vm ... --json"}});
    cmd->callback([args, &ctx] {
        auto& o = args->options;
        o.check();
        if (!o.key.pkcs8_password.empty())
            throw usage_error("--pkcs8-password: would be written into the AWS config file for every reader of it to see",
                              "give the password in a 0600 file with --passphrase-file FILE");
        for (const auto* uri : {&o.key.certificate, &o.key.private_key})
            if (issue::pkcs11::KeyUri::looks_like(*uri) && issue::pkcs11::KeyUri::parse(*uri).pin_value())
                throw usage_error(issue::pkcs11::KeyUri::parse(*uri).shown() + ": its pin-value would be written into the AWS config file for "
                                  "every reader of it to see",
                                  "give the PIN in a 0600 file: --pin-file FILE, or pin-source=file:FILE in the URI");
        const auto region = o.target.effective_region();
        if (args->profile.find_first_of("[]\n") != std::string::npos) throw usage_error("--profile '" + args->profile + "': not a profile name");
        o.identity();  // refuse to configure a certificate and key that cannot work
        // The AWS CLI runs the command from any directory, so the program and files are absolute.
        std::vector<std::string> argv = {std::filesystem::read_symlink("/proc/self/exe").string(), "exchange", "credential-process"};
        const auto flags = o.to_args();
        argv.insert(argv.end(), flags.begin(), flags.end());
        const auto path = exchange::default_config_file();
        const auto command = exchange::shell_join(argv);
        exchange::write_credential_process(path, args->profile, command, region);
        if (ctx.json) {
            nlohmann::json keys = nlohmann::json::array();
            for (const auto& [key, value] : exchange::credential_process_values(command, region)) keys.push_back(key);
            return ctx.print_json({{"file", path.string()},
                                   {"profile", args->profile},
                                   {"section", exchange::config_section(args->profile)},
                                   {"keys", keys},
                                   {"credential_process", command},
                                   {"region", region.empty() ? nlohmann::json() : nlohmann::json(region)}});
        }
        ctx.note("wrote [" + exchange::config_section(args->profile) + "] to " + path.string());
    });
}

}  // namespace pkitool::cli
