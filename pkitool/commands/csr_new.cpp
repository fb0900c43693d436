// pkitool csr new: a PKCS#10 request signed by the key it names.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "issue/csr.h"
#include "issue/inspect.h"
#include "base/error.h"

namespace pkitool::cli {

void register_csr_new(CLI::App& csr, Context& ctx) {
    struct Args {
        PassphraseOption passphrase;
        SubjectOption subject;
        SanOption san;
        std::string key;
        OutputOption out;
        TokenOption token;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = csr.add_subcommand("new", "Create a certificate signing request (PEM) for an existing key");
    cmd->add_option("--key", args->key, "The private key the request is for: a key file, or a pkcs11: URI of a key in a token (it signs there)")
        ->required()
        ->check(kExistingFileOrUri)
        ->option_text("FILE|URI");
    args->subject.add(*cmd, true);
    args->san.add(*cmd);
    args->out.add(*cmd, "Where to write the CSR; stdout without it");
    args->passphrase.add(*cmd, "decrypts the key", true);
    args->token.add(*cmd);
    examples(*cmd, {{"A request for a VM:", "pkitool csr new --key vm.key --subject \"CN=MyOnpremVM,O=Example\" --out vm.csr"},
                    {"With SANs:", "pkitool csr new --key vm.key --subject CN=web --san dns:web.example,ip:10.0.0.5 --out web.csr"},
                    {"For a key in a token (PIN from PKITOOL_PIN or --pin-file):",
                     "pkitool csr new --key 'pkcs11:token=pkitool;object=vm' --pkcs11-lib /usr/lib/softhsm/libsofthsm2.so --subject CN=vm --out vm.csr"}});
    cmd->callback([args, &ctx] {
        const auto subject = issue::Subject::parse(args->subject.text);
        const auto sans = issue::SubjectAltNames::parse(args->san.values);
        if (subject.empty())
            throw usage_error("--subject is empty", "Roles Anywhere needs a subject even when SANs are present: --subject \"CN=...\"");
        if (args->out.given()) files::ensure_writable(args->out.path, args->out.overwrite());
        const auto where = issue::KeyLocation::parse(args->key);
        const auto key = where.open(where.uri() ? std::nullopt : args->passphrase.for_key(where.path()), args->token.access());
        const auto req = issue::make_csr(key, subject, sans);
        if (args->out.given()) files::write_atomic(args->out.path, req.PEM_encode(), files::Mode::Public, args->out.overwrite());
        if (ctx.json) {
            auto j = issue::describe(req);
            j["path"] = args->out.given() ? nlohmann::json(args->out.path) : nlohmann::json();
            j["pem"] = req.PEM_encode();
            return ctx.print_json(j);
        }
        if (!args->out.given()) {
            ctx.out << req.PEM_encode();
            return;
        }
        ctx.note("wrote " + args->out.path + " for " + subject.to_string());
    });
}

}  // namespace pkitool::cli
