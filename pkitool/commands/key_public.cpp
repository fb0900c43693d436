// pkitool key public: write the public half of a private key (SubjectPublicKeyInfo PEM).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "issue/inspect.h"

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
                    {"As JSON, with its SHA-256 fingerprint:", "pkitool key public vm.key --json"},
                    {"Compare it with a certificate's (same key, same output):", "pkitool key public vm.key | cmp - <(openssl x509 -in vm.crt -noout -pubkey)"}});
    cmd->callback([args, &ctx] {
        if (args->out.given()) files::ensure_writable(args->out.path, args->out.overwrite());
        const auto data = files::read(args->file);  // once: "-" is standard input
        const auto name = files::name_of(args->file);
        const auto key = issue::PrivateKey::parse(data, name, args->passphrase.for_key(data, name));
        const auto pem = key.public_pem();
        if (args->out.given()) files::write_atomic(args->out.path, pem, files::Mode::Public, args->out.overwrite());
        if (ctx.json) {
            auto j = issue::describe_public_key(*key.public_key());
            j["kind"] = "public_key";
            j["path"] = args->file;
            j["pem"] = pem;
            j["out"] = args->out.given() ? nlohmann::json(args->out.path) : nlohmann::json();
            return ctx.print_json(j);
        }
        if (!args->out.given()) {
            ctx.out << pem;
            return;
        }
        ctx.note("wrote " + args->out.path);
    });
}

}  // namespace pkitool::cli
