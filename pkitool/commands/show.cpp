// pkitool show: print what certificates, CSRs, CRLs, keys and PEM bundles hold.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/render.h"

#include "issue/inspect.h"
#include "base/pem.h"
#include "issue/x509_file.h"
#include "base/error.h"

#include <botan/data_src.h>
#include <botan/x509_key.h>

namespace pkitool::cli {

namespace {

std::vector<nlohmann::json> describe_file(const std::string& path, const issue::Passphrase& passphrase) {
    const auto data = files::read(path);  // once: "-" is standard input
    const std::string name = files::name_of(path);
    if (data.empty()) throw Error(name + ": file is empty");
    std::vector<nlohmann::json> out;
    switch (issue::detect_kind(data)) {
        case issue::FileKind::Certificate:
            for (const auto& c : pem::certificates(data, name)) out.push_back(issue::describe(c));
            break;
        case issue::FileKind::CertificateRequest: out.push_back(issue::describe(issue::parse_csr(data, name))); break;
        case issue::FileKind::Crl: out.push_back(issue::describe(issue::parse_crl(data, name))); break;
        case issue::FileKind::PrivateKey: out.push_back(issue::describe(issue::PrivateKey::parse(data, name, passphrase), false)); break;
        case issue::FileKind::EncryptedPrivateKey:
            if (!passphrase) {
                out.push_back({{"kind", "private_key"}, {"encrypted", true}, {"type", "(encrypted: pass --passphrase-file to see more)"}});
            } else {
                out.push_back(issue::describe(issue::PrivateKey::parse(data, name, passphrase), true));
            }
            break;
        case issue::FileKind::PublicKey: {
            Botan::DataSource_Memory src(data);
            std::unique_ptr<Botan::Public_Key> key(Botan::X509::load_key(src));
            auto j = issue::describe_public_key(*key);
            j["kind"] = "public_key";
            out.push_back(j);
            break;
        }
        case issue::FileKind::Pkcs12:
            if (!passphrase && issue::Pkcs12::needs_password(data)) {
                out.push_back({{"kind", "pkcs12"}, {"encrypted", true}});
            } else {
                out.push_back(issue::describe(issue::Pkcs12::parse(data, name, passphrase)));
            }
            break;
        case issue::FileKind::Unknown:
            throw Error(name + ": not a certificate, CSR, CRL or key (PEM or DER), nor a PKCS#12 file, that pkitool can read");
    }
    for (auto& j : out) j["path"] = path;
    return out;
}

}  // namespace

void register_show(CLI::App& app, Context& ctx) {
    struct Args {
        std::vector<std::string> files;
        PassphraseOption passphrase;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("show", "Print certificates, CSRs, CRLs, keys or PEM bundles, like `openssl x509 -text`");
    cmd->add_option("FILE", args->files, "Files to show (PEM or DER; - reads standard input)")->required()->check(kExistingFileOrStdin);
    args->passphrase.add(*cmd, "decrypts encrypted keys and opens PKCS#12 files");
    examples(*cmd, {{"Show a certificate:", "pkitool show vm.crt"},
                    {"Every certificate of a chain, as JSON:", "pkitool show chain.pem --json"},
                    {"What a command prints, read from standard input:", "openssl x509 -in vm.crt -trustout | pkitool show -"}});
    cmd->callback([args, &ctx] {
        refuse_repeated_stdin(args->files);
        const auto passphrase = args->passphrase.get();
        nlohmann::json all = nlohmann::json::array();
        for (const auto& f : args->files)
            for (auto& d : describe_file(f, passphrase)) all.push_back(std::move(d));
        if (ctx.json) return ctx.print_json({{"objects", all}});
        bool first = true;
        for (const auto& d : all) {
            if (!first) ctx.out << "\n";
            first = false;
            render(ctx.out, d);
        }
    });
}

}  // namespace pkitool::cli
