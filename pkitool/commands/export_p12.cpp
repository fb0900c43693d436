// pkitool export p12: a key, its certificate and chain in one password-protected PKCS#12 file.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/terminal.h"

#include "base/pem.h"
#include "issue/inspect.h"
#include "issue/pkcs12.h"
#include "issue/subject.h"

namespace pkitool::cli {

namespace {

// The new file's password: --empty-password, the file or environment, else typed twice on the
// terminal. Asked, unlike a new key's passphrase, because a PKCS#12 file cannot go without one.
std::string new_password(const PassphraseOption& option, bool empty, const std::string& out) {
    if (empty) return "";
    if (auto given = option.get()) return *given;
    const auto first = ask_secret("Password for the new " + out + ": ");
    if (first) {
        const auto again = ask_secret("The same password again: ");
        if (again != first) throw Error("the two passwords typed for " + out + " differ", "run the command again");
        return *first;
    }
    throw Error(out + ": the new PKCS#12 file needs a password",
                "give it with --passphrase-file FILE or PKITOOL_PASSPHRASE; --empty-password writes a file anyone can open");
}

}  // namespace

void register_export_p12(CLI::App& group, Context& ctx) {
    struct Args {
        std::string cert, key, chain, name;
        PassphraseOption password;
        PassphraseOption key_passphrase{"", "--key-passphrase-file", "PKITOOL_KEY_PASSPHRASE"};
        bool empty_password = false;
        OutputOption out;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group.add_subcommand("p12", "Write a key, its certificate and chain into a password-protected PKCS#12 file (mode 0600)");
    cmd->add_option("--cert", args->cert, "The certificate (PEM or DER; one certificate)")->required()->check(kExistingFileOrStdin)->option_text("FILE");
    cmd->add_option("--key", args->key, "Its private key (PKCS#8, SEC1 or PKCS#1; PEM or DER)")->required()->check(CLI::ExistingFile)->option_text("FILE");
    cmd->add_option("--chain", args->chain, "PEM bundle of the intermediate CAs, the certificate's issuer first")
        ->check(CLI::ExistingFile)
        ->option_text("FILE");
    args->out.add(*cmd, "Where to write the PKCS#12 file")->required();
    cmd->add_option("--name", args->name, "friendlyName of the key and certificate (default: the certificate's CN)")->option_text("NAME");
    args->password.add(*cmd, "protects the new file (without either, it is asked twice on the terminal)");
    auto* empty = cmd->add_flag("--empty-password", args->empty_password,
                                "Write the file with the empty password, as `openssl pkcs12 -export -passout pass:` does, for readers that "
                                "take no password (aws_signing_helper): anyone who can read the file has the key");
    empty->excludes(cmd->get_option("--passphrase-file"));
    args->key_passphrase.add(*cmd, "decrypts an encrypted --key", true);
    examples(*cmd,
             {{"A .p12 for a VM, asking its password:", "pkitool export p12 --cert vm.crt --key vm.key --chain chain.pem --out vm.p12"},
              {"With the password from a file, checked by openssl:",
               "pkitool export p12 --cert vm.crt --key vm.key --out vm.p12 --passphrase-file p12.pass && openssl pkcs12 -in vm.p12 -passin file:p12.pass -info -noout"},
              {"Use it for Roles Anywhere credentials (key, certificate and chain from the file):",
               "pkitool exchange credential-process --certificate vm.p12 --passphrase-file p12.pass --trust-anchor-arn TA --profile-arn P --role-arn R"}},
             "The key is a PKCS8ShroudedKeyBag and the certificates an EncryptedData, both PBES2 (PBKDF2-HMAC-SHA256, " +
                 std::to_string(issue::kPkcs12Iterations) +
                 " iterations, AES-256-CBC); the MAC is HMAC-SHA256 (RFC 7292 Appendix B key).\n"
                 "OpenSSL 3, Python cryptography, Windows 10 and Java 11 or later read it; openssl -legacy readers do not.\n");
    cmd->callback([args, &ctx] {
        auto& a = *args;
        files::ensure_writable(a.out.path, a.out.overwrite());
        const auto leaf = pem::load_certificate(a.cert);
        const auto key = issue::PrivateKey::load(a.key, a.key_passphrase.for_key(a.key));
        std::unique_ptr<Botan::Public_Key> pub(leaf.subject_public_key());
        if (!issue::keys_match(key.botan(), *pub)) throw Error(a.key + ": is not the key of " + a.cert, "pass the private key that belongs to --cert");
        const auto chain = a.chain.empty() ? std::vector<Botan::X509_Certificate>{} : pem::load_certificates(a.chain);
        try {
            issue::check_chain_order(leaf, chain);
        } catch (const Error& e) {
            throw e.at(a.chain);
        }
        const auto password = new_password(a.password, a.empty_password, a.out.path);
        const auto cn = leaf.subject_dn().get_first_attribute("CN");
        const issue::Pkcs12Contents contents{key, leaf, chain, a.name.empty() ? cn : a.name};
        const auto der = issue::encode_pkcs12(contents, password);
        // Read back before it is written: what lands on disk is a file pkitool itself opens.
        const auto written = issue::Pkcs12::parse(der, a.out.path, password);
        files::write_atomic(a.out.path, std::string(der.begin(), der.end()), files::Mode::Secret, a.out.overwrite());
        if (ctx.json) {
            auto j = issue::describe(written);
            j["path"] = a.out.path;
            j["empty_password"] = password.empty();
            return ctx.print_json(j);
        }
        ctx.note("wrote " + a.out.path + " (" + key.type().name() + " key, " + issue::format_dn(leaf.subject_dn()) + ", " +
                 std::to_string(chain.size()) + " chain certificate" + (chain.size() == 1 ? "" : "s") +
                 (password.empty() ? "; empty password: anyone who can read it has the key" : "") + ")");
    });
}

}  // namespace pkitool::cli
