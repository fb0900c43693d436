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
    };
    auto args = std::make_shared<Args>();
    auto* cmd = csr.add_subcommand("new", "Create a certificate signing request (PEM) for an existing key");
    cmd->add_option("--key", args->key, "The private key the request is for")->required()->check(CLI::ExistingFile)->option_text("FILE");
    args->subject.add(*cmd, true);
    args->san.add(*cmd);
    args->out.add(*cmd, "Where to write the CSR; stdout without it");
    args->passphrase.add(*cmd, "decrypts the key", true);
    examples(*cmd, {{"A request for a VM:", "pkitool csr new --key vm.key --subject \"CN=MyOnpremVM,O=Example\" --out vm.csr"},
                    {"With SANs:", "pkitool csr new --key vm.key --subject CN=web --san dns:web.example,ip:10.0.0.5 --out web.csr"}});
    cmd->callback([args, &ctx] {
        const auto subject = issue::Subject::parse(args->subject.text);
        const auto sans = issue::SubjectAltNames::parse(args->san.values);
        if (subject.empty())
            throw usage_error("--subject is empty", "Roles Anywhere needs a subject even when SANs are present: --subject \"CN=...\"");
        if (args->out.given()) files::ensure_writable(args->out.path, args->out.overwrite());
        const auto key = issue::PrivateKey::load(args->key, args->passphrase.for_key(args->key));
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
