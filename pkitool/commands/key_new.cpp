// pkitool key new: generate a private key into a 0600 PKCS#8 PEM file, or inside a PKCS#11 token.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "issue/inspect.h"

namespace pkitool::cli {

void register_key_new(CLI::App& key, Context& ctx) {
    struct Args {
        KeyTypeOption type;
        PassphraseOption passphrase;
        OutputOption out;
        TokenOption token;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = key.add_subcommand("new", "Generate a private key (PKCS#8 PEM, mode 0600), or a key pair inside a PKCS#11 token");
    args->type.add(*cmd);
    args->out.add(*cmd, "Where to write the key; a pkcs11: URI (token=...;object=LABEL) generates it inside that token")
        ->required()
        ->option_text("FILE|URI");
    args->passphrase.add(*cmd, "encrypts the key (PBES2: scrypt + AES-256-CBC)");
    args->token.add(*cmd);
    examples(*cmd, {{"An EC P-256 key for a VM:", "pkitool key new --out vm.key"},
                    {"An encrypted RSA key:", "pkitool key new --type rsa:3072 --out ca.key --passphrase-file pass.txt"},
                    {"A CA key that never leaves a SoftHSM2 token (PIN from PKITOOL_PIN):",
                     "PKITOOL_PIN=1234 pkitool key new --type ec:p384 --out 'pkcs11:token=pkitool;object=root-ca' --pkcs11-lib /usr/lib/softhsm/libsofthsm2.so"}},
             "In a token the pair is made there (issue #11): the private key is sensitive and never extractable,\n"
             "labelled with the URI's object; a label already used on the token is refused. Its PIN comes from\n"
             "the URI's pin-source, --pin-file or PKITOOL_PIN, else it is asked on the terminal.\n");
    cmd->callback([args, &ctx] {
        if (issue::pkcs11::KeyUri::looks_like(args->out.path)) {
            const auto uri = issue::pkcs11::KeyUri::parse(args->out.path);
            if (!args->passphrase.file.empty())
                throw usage_error("--passphrase-file: a key in a token is protected by the token's PIN, not a passphrase",
                                  "drop --passphrase-file; give the PIN with --pin-file or PKITOOL_PIN");
            const auto k = issue::PrivateKey::generate_in_token(uri, args->type.get(), args->token.access());
            if (ctx.json) {
                auto j = issue::describe(k, false);
                j["uri"] = k.token_uri();
                j["in_token"] = true;
                return ctx.print_json(j);
            }
            ctx.note("generated " + k.type().name() + " key in the token: " + k.token_uri());
            return;
        }
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
