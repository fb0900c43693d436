// pkitool ca init: create a root CA, or with --parent an intermediate CA, in a new directory.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"
#include "issue/inspect.h"

#include <fmt/format.h>

namespace pkitool::cli {

namespace {

struct Args {
    CaDirOption ca;
    std::string parent;
    SubjectOption subject;
    KeyTypeOption key_type;
    DaysOption days;
    std::optional<size_t> path_len;
    PassphraseOption passphrase;
    PassphraseOption parent_passphrase{"", "--parent-passphrase-file", "PKITOOL_PARENT_PASSPHRASE"};
};

void print_created(Context& ctx, const Args& a, const std::string& what, bool encrypted, const std::string& serial_in_parent = "") {
    const auto authority = ca::Authority::open(a.ca.dir);
    if (ctx.json) {
        nlohmann::json j = issue::describe(authority.certificate());
        j["dir"] = a.ca.dir;
        j["key_encrypted"] = encrypted;
        if (!a.parent.empty()) {
            j["parent"] = a.parent;
            j["chain_path"] = authority.layout().chain().string();
            j["serial_in_parent"] = serial_in_parent;
        }
        return ctx.print_json(j);
    }
    ctx.note("created " + what + " " + issue::format_dn(authority.certificate().subject_dn()) + " in " + a.ca.dir + "/ (" +
             a.key_type.get().name() + (encrypted ? ", key encrypted" : "") + ")");
    if (!a.parent.empty()) ctx.note("recorded in " + a.parent + "/pkitool.db as serial " + serial_in_parent + "; chain in " + a.ca.dir + "/chain.pem");
    ctx.note("next: pkitool issue --ca " + a.ca.dir + " --subject \"CN=MyOnpremVM\" --out vm.crt --key-out vm.key" +
             (a.parent.empty() ? "" : " --chain-out chain.pem"));
}

}  // namespace

void register_ca_init(CLI::App& ca, Context& ctx) {
    auto args = std::make_shared<Args>();
    auto* cmd = ca.add_subcommand("init", "Create a root CA, or with --parent an intermediate CA, in a new directory");
    args->ca.add(*cmd, "The CA directory to create (must not exist, or be empty)", true);
    auto* parent = cmd->add_option("--parent", args->parent, "Make an intermediate CA signed by the CA in this directory")
                       ->check(CLI::ExistingDirectory)
                       ->option_text("PARENT_DIR");
    args->subject.add(*cmd, true);
    args->key_type.add(*cmd);
    args->days.add(*cmd, "3650 for a root; 1825 for an intermediate, or the parent's days left if fewer");
    cmd->add_option("--path-len", args->path_len,
                    "Most CA levels allowed below this one (basicConstraints pathLenConstraint); for an intermediate, "
                    "the default is the most its parent allows")
        ->check(CLI::Range(0, 16))
        ->option_text("N");
    args->passphrase.add(*cmd, "encrypts DIR/private/ca.key");
    args->parent_passphrase.add(*cmd, "decrypts the parent CA's key", true);
    cmd->get_option("--parent-passphrase-file")->needs(parent);
    examples(*cmd,
             {{"A test root CA with an EC P-256 key:", "pkitool ca init --dir root-ca --subject \"CN=Example Root CA,O=Example\""},
              {"An RSA root whose key is encrypted, allowing one intermediate level:", "pkitool ca init --dir root-ca --subject \"CN=Example Root CA\" --key-type rsa:4096 --path-len 1 --passphrase-file pass.txt"},
              {"An issuing CA under that root, which may only sign end-entity certificates:", "pkitool ca init --dir issuing-ca --parent root-ca --subject \"CN=Example Issuing CA\" --path-len 0 --parent-passphrase-file pass.txt"}},
             "Creates:\n"
             "  DIR/ca.crt            the CA certificate (PEM): upload a root as the Roles Anywhere trust anchor\n"
             "  DIR/private/ca.key    its private key, PKCS#8 PEM, mode 0600 in a 0700 directory\n"
             "  DIR/pkitool.db        the inventory of everything this CA issues\n"
             "  DIR/certs/            a copy of every issued certificate, named SERIAL.pem\n"
             "  DIR/chain.pem         intermediates only: this CA's certificate, then its parents up to but\n"
             "                        not including the root; clients send it with their certificate\n"
             "\n"
             "An intermediate is signed by its parent and recorded in the parent's inventory (profile\n"
             "intermediate-ca). It may not outlive its parent (an explicit --days that would is refused), and a parent whose path length constraint\n"
             "is used up (pathlen:0) refuses to sign it.\n");
    cmd->callback([args, &ctx] {
        const auto& a = *args;
        if (a.parent.empty()) {
            ca::RootRequest req{a.ca.dir, issue::Subject::parse(a.subject.text), a.key_type.get(), a.days.days.value_or(3650), a.path_len,
                                a.passphrase.get()};
            ca::Authority::init_root(req);
            return print_created(ctx, a, "root CA", req.passphrase.has_value());
        }
        ca::IntermediateRequest req{a.ca.dir,     a.parent,          issue::Subject::parse(a.subject.text), a.key_type.get(),
                                    a.days.days, a.path_len, a.passphrase.get(),                   a.parent_passphrase.for_key(ca::Layout{a.parent}.key())};
        const auto issued = ca::Authority::init_intermediate(req);
        print_created(ctx, a, "intermediate CA", req.passphrase.has_value(), issued.record.serial.hex());
    });
}

}  // namespace pkitool::cli
