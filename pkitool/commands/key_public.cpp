// pkitool key public: write the public half of a private key (SubjectPublicKeyInfo PEM).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

namespace pkitool::cli {

void register_key_public(CLI::App& key, Context& ctx) {
    struct Args {
        PassphraseOption passphrase;
        ForceOption force;
        std::string file;
        std::string out;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = key.add_subcommand("public", "Write the public key of a private key (PEM); to stdout without --out");
    cmd->add_option("KEY", args->file, "Private key file")->required();
    cmd->add_option("--out", args->out, "Where to write the public key")->option_text("FILE");
    args->passphrase.add(*cmd, "decrypts the key");
    args->force.add(*cmd);
    examples(*cmd, {{"Extract a public key:", "pkitool key public vm.key --out vm.pub"},
                    {"Compare it with a certificate's (same key, same output):", "pkitool key public vm.key | cmp - <(openssl x509 -in vm.crt -noout -pubkey)"}});
    cmd->callback([args, &ctx] {
        if (!args->out.empty()) files::ensure_writable(args->out, args->force.overwrite());
        const auto pem = issue::PrivateKey::load(args->file, args->passphrase.get()).public_pem();
        if (args->out.empty()) {
            ctx.out << pem;
            return;
        }
        files::write_atomic(args->out, pem, files::Mode::Public, args->force.overwrite());
        ctx.note("wrote " + args->out);
    });
}

}  // namespace pkitool::cli
