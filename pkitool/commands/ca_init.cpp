// pkitool ca init: create a root CA directory (key, self-signed certificate, inventory).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"
#include "issue/inspect.h"

namespace pkitool::cli {

void register_ca_init(CLI::App& ca, Context& ctx) {
    struct Args {
        std::string dir;
        SubjectOption subject;
        KeyTypeOption key_type;
        DaysOption days;
        std::optional<size_t> path_len;
        PassphraseOption passphrase;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = ca.add_subcommand("init", "Create a root CA in a new directory");
    cmd->add_option("--dir", args->dir, "The CA directory to create (must not exist, or be empty)")->required()->option_text("DIR");
    args->subject.add(*cmd, true);
    args->key_type.add(*cmd);
    args->days.add(*cmd, "3650");
    cmd->add_option("--path-len", args->path_len, "Most CA levels allowed below this one (basicConstraints pathLenConstraint)")
        ->check(CLI::Range(0, 16))
        ->option_text("N");
    args->passphrase.add(*cmd, "encrypts DIR/private/ca.key");
    cmd->footer(
        "\nCreates:\n"
        "  DIR/ca.crt            the CA certificate (PEM): upload it as the Roles Anywhere trust anchor\n"
        "  DIR/private/ca.key    its private key, PKCS#8 PEM, mode 0600 in a 0700 directory\n"
        "  DIR/pkitool.db        the inventory of everything this CA issues\n"
        "  DIR/certs/            a copy of every issued certificate, named SERIAL.pem\n"
        "\nExamples:\n"
        "  A test root CA with an EC P-256 key:\n"
        "    $ pkitool ca init --dir root-ca --subject \"CN=Example Root CA,O=Example\"\n"
        "  An RSA root whose key is encrypted, allowing one intermediate level:\n"
        "    $ pkitool ca init --dir root-ca --subject \"CN=Example Root CA\" --key-type rsa:4096 --path-len 1 --passphrase-file pass.txt\n");
    cmd->callback([args, &ctx] {
        ca::RootRequest req{args->dir, issue::Subject::parse(args->subject.text), args->key_type.get(),
                            args->days.days.value_or(3650), args->path_len, args->passphrase.get()};
        ca::Authority::init_root(req);
        const auto authority = ca::Authority::open(args->dir);
        if (ctx.json) {
            nlohmann::json j = issue::describe(authority.certificate());
            j["dir"] = args->dir;
            j["key_encrypted"] = req.passphrase.has_value();
            return ctx.print_json(j);
        }
        ctx.note("created root CA " + req.subject.to_string() + " in " + args->dir + "/ (" + req.key_type.name() +
                 (req.passphrase ? ", key encrypted" : "") + ")");
        ctx.note("next: pkitool issue --ca " + args->dir + " --subject \"CN=MyOnpremVM\" --out vm.crt --key-out vm.key");
    });
}

}  // namespace pkitool::cli
