// pkitool key public: write the public half of a private key (SubjectPublicKeyInfo PEM).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

namespace pkitool::cli {

void register_key_public(CLI::App& key, Context& ctx) {
    struct Args {
        PassphraseOption passphrase;
        std::string file;
        OutputOption out;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = key.add_subcommand("public", "Write the public key of a private key (PEM); to stdout without --out");
    cmd->add_option("KEY", args->file, "Private key file")->required();
    args->out.add(*cmd, "Where to write the public key");
    args->passphrase.add(*cmd, "decrypts the key", true);
    examples(*cmd, {{"Extract a public key:", "pkitool key public vm.key --out vm.pub"},
                    {"Compare it with a certificate's (same key, same output):", "pkitool key public vm.key | cmp - <(openssl x509 -in vm.crt -noout -pubkey)"}});
    cmd->callback([args, &ctx] {
        if (args->out.given()) files::ensure_writable(args->out.path, args->out.overwrite());
        const auto data = files::read(args->file);  // once: "-" is standard input
        const auto name = files::name_of(args->file);
        const auto pem = issue::PrivateKey::parse(data, name, args->passphrase.for_key(data, name)).public_pem();
        if (!args->out.given()) {
            ctx.out << pem;
            return;
        }
        files::write_atomic(args->out.path, pem, files::Mode::Public, args->out.overwrite());
        ctx.note("wrote " + args->out.path);
    });
}

}  // namespace pkitool::cli
