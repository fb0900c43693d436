// pkitool key show: type, size and public-key fingerprint of a private key.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "issue/inspect.h"
#include "issue/x509_file.h"
#include "base/files.h"

namespace pkitool::cli {

void register_key_show(CLI::App& key, Context& ctx) {
    struct Args {
        PassphraseOption passphrase;
        std::string file;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = key.add_subcommand("show", "Show a private key's type, size and public-key SHA-256 fingerprint");
    cmd->add_option("KEY", args->file, "Private key file (PEM or DER PKCS#8, SEC1, PKCS#1, or a PKCS#12 file; - reads standard input)")->required();
    args->passphrase.add(*cmd, "decrypts the key", true);
    examples(*cmd, {{"Show a key:", "pkitool key show vm.key"},
                    {"As JSON, for scripts:", "pkitool key show vm.key --json"}});
    cmd->callback([args, &ctx] {
        const auto data = files::read(args->file);  // once: "-" is standard input
        const auto k = issue::PrivateKey::parse(data, files::name_of(args->file), args->passphrase.for_key(data, files::name_of(args->file)));
        const auto kind = issue::detect_kind(data);
        const bool encrypted = issue::PrivateKey::is_encrypted(data);  // a PKCS#12 file too, when it takes a password
        auto j = issue::describe(k, encrypted);
        j["path"] = args->file;
        if (kind == issue::FileKind::Pkcs12) j["container"] = "pkcs12";
        if (ctx.json) return ctx.print_json(j);
        ctx.out << "Private key: " << args->file << "\n"
                << "  Type:       " << j["type"].get<std::string>() << " (" << j["bits"].get<size_t>() << " bits)\n"
                << "  Encrypted:  " << (encrypted ? "yes" : "no") << "\n"
                << (kind == issue::FileKind::Pkcs12 ? "  Container:  PKCS#12\n" : "")
                << "  Public key SHA-256: " << j["sha256"].get<std::string>() << "\n";
    });
}

}  // namespace pkitool::cli
