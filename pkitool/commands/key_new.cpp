// pkitool key new: generate a private key into a 0600 PKCS#8 PEM file.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "issue/inspect.h"

namespace pkitool::cli {

void register_key_new(CLI::App& key, Context& ctx) {
    struct Args {
        KeyTypeOption type;
        PassphraseOption passphrase;
        OutputOption out;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = key.add_subcommand("new", "Generate a private key (PKCS#8 PEM, mode 0600)");
    args->type.add(*cmd);
    args->out.add(*cmd, "Where to write the key")->required();
    args->passphrase.add(*cmd, "encrypts the key (PBES2: scrypt + AES-256-CBC)");
    examples(*cmd, {{"An EC P-256 key for a VM:", "pkitool key new --out vm.key"},
                    {"An encrypted RSA key:", "pkitool key new --type rsa:3072 --out ca.key --passphrase-file pass.txt"}});
    cmd->callback([args, &ctx] {
        const auto passphrase = args->passphrase.get();
        files::ensure_writable(args->out.path, args->out.overwrite());
        const auto k = issue::PrivateKey::generate(args->type.get());
        files::write_atomic(args->out.path, k.to_pem(passphrase), files::Mode::Secret, args->out.overwrite());
        if (ctx.json) {
            auto j = issue::describe(k, passphrase.has_value());
            j["path"] = args->out.path;
            ctx.print_json(j);
        } else {
            ctx.note("wrote " + args->out.path + " (" + k.type().name() + (passphrase ? ", encrypted" : "") + ")");
        }
    });
}

}  // namespace pkitool::cli
