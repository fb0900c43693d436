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
    std::string key;    // an existing key file or a pkcs11: URI, instead of a new key
    TokenOption token;  // the new CA's key and the parent's, when in a token
    DbOption db;
};

void print_created(Context& ctx, const Args& a, const std::string& what, bool encrypted, const std::string& serial_in_parent = "") {
    const auto authority = ca::Authority::open(a.ca.dir);
    const auto where = authority.key_location();
    const auto type = issue::key_type_of(*std::unique_ptr<Botan::Public_Key>(authority.certificate().subject_public_key()));
    encrypted = encrypted && !where.uri();
    if (ctx.json) {
        nlohmann::json j = issue::describe(authority.certificate());
        j["dir"] = a.ca.dir;
        j["key"] = where.uri() ? where.shown() : where.path().string();
        j["key_in_token"] = where.uri().has_value();
        j["key_encrypted"] = encrypted;
        j["inventory"] = authority.store().where();
        if (!a.parent.empty()) {
            j["parent"] = a.parent;
            j["chain_path"] = authority.layout().chain().string();
            j["serial_in_parent"] = serial_in_parent;
        }
        return ctx.print_json(j);
    }
    ctx.note("created " + what + " " + issue::format_dn(authority.certificate().subject_dn()) + " in " + a.ca.dir + "/ (" + type.name() +
             (encrypted ? ", key encrypted" : "") + (where.uri() ? ", key in token: " + where.shown() : "") + ")");
    if (std::filesystem::exists(authority.layout().inventory_url()))
        ctx.note("inventory: " + authority.store().where());
    if (!a.parent.empty()) ctx.note("recorded in the inventory of " + a.parent + " as serial " + serial_in_parent + "; chain in " + a.ca.dir + "/chain.pem");
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
    auto* key_type = args->key_type.add(*cmd);
    cmd->add_option("--key", args->key,
                    "Use this existing key instead of generating one: a key file (copied into DIR/private/ca.key) or a "
                    "pkcs11: URI of a key in a token (recorded in DIR/key.uri; the key never leaves the token)")
        ->option_text("FILE|URI")
        ->excludes(key_type);
    args->days.add(*cmd, "3650 for a root; 1825 for an intermediate, or the parent's days left if fewer");
    cmd->add_option("--path-len", args->path_len,
                    "Most CA levels allowed below this one (basicConstraints pathLenConstraint); for an intermediate, "
                    "the default is the most its parent allows")
        ->check(CLI::Range(0, 16))
        ->option_text("N");
    args->passphrase.add(*cmd, "encrypts DIR/private/ca.key");
    args->parent_passphrase.add(*cmd, "decrypts the parent CA's key", true);
    cmd->get_option("--parent-passphrase-file")->needs(parent);
    args->token.add(*cmd);
    args->db.add(*cmd, "Where the inventory is: sqlite (DIR/pkitool.db) or a PostgreSQL connection string, without password, "
                       "recorded in DIR/inventory.url; other hosts then join with pkitool ca attach");
    examples(*cmd,
             {{"A test root CA with an EC P-256 key:", "pkitool ca init --dir root-ca --subject \"CN=Example Root CA,O=Example\""},
              {"An RSA root whose key is encrypted, allowing one intermediate level:", "pkitool ca init --dir root-ca --subject \"CN=Example Root CA\" --key-type rsa:4096 --path-len 1 --passphrase-file pass.txt"},
              {"An issuing CA under that root, which may only sign end-entity certificates:", "pkitool ca init --dir issuing-ca --parent root-ca --subject \"CN=Example Issuing CA\" --path-len 0 --parent-passphrase-file pass.txt"},
              {"A root whose inventory is on PostgreSQL (the password from ~/.pgpass), for several issuing hosts:",
               "pkitool ca init --dir root-ca --subject \"CN=Example Root CA\" --db postgresql://pki@db.example/pkitool"},
              {"A root whose key was made in a SoftHSM2 token (pkitool key new --out 'pkcs11:token=pkitool;object=root-ca'):",
               "PKITOOL_PIN=1234 pkitool ca init --dir root-ca --key 'pkcs11:token=pkitool;object=root-ca' --pkcs11-lib /usr/lib/softhsm/libsofthsm2.so --subject \"CN=Example Root CA\""}},
             "Creates:\n"
             "  DIR/ca.crt            the CA certificate (PEM): upload a root as the Roles Anywhere trust anchor\n"
             "  DIR/private/ca.key    its private key, PKCS#8 PEM, mode 0600 in a 0700 directory\n"
             "  DIR/key.uri           instead, for --key pkcs11:...: the key's URI (never the PIN), with\n"
             "                        module-path set to the --pkcs11-lib given here\n"
             "  DIR/pkitool.db        the inventory of everything this CA issues\n"
             "  DIR/inventory.url     instead, for --db postgresql://...: the database that holds it\n"
             "  DIR/certs/            a copy of every issued certificate, named SERIAL.pem\n"
             "  DIR/chain.pem         intermediates only: this CA's certificate, then its parents up to but\n"
             "                        not including the root; clients send it with their certificate\n"
             "\n"
             "An intermediate is signed by its parent and recorded in the parent's inventory (profile\n"
             "intermediate-ca). It may not outlive its parent (an explicit --days that would is refused), and a parent whose path length constraint\n"
             "is used up (pathlen:0) refuses to sign it.\n"
             "\n"
             "A key in a token signs there and never leaves it. Its PIN comes from the URI's pin-source, --pin-file\n"
             "or PKITOOL_PIN, else it is asked on the terminal; it is never written to DIR. Later commands (issue,\n"
             "crl, renew, ca renew) open the token from DIR/key.uri and take the same --pin-file or PKITOOL_PIN.\n");
    cmd->callback([args, &ctx] {
        const auto& a = *args;
        // A token key has a PIN, not a passphrase: one given would be silently unused.
        if (issue::pkcs11::KeyUri::looks_like(a.key) && !a.passphrase.file.empty())
            throw Error("--passphrase-file encrypts a key file; a key in a token (--key pkcs11:...) has a PIN: --pin-file", "", ExitCode::Usage);
        if (a.parent.empty()) {
            ca::RootRequest req{a.ca.dir, issue::Subject::parse(a.subject.text), a.key_type.get(), a.days.days.value_or(3650), a.path_len,
                                a.passphrase.get()};
            if (!a.key.empty()) {
                req.key = issue::KeyLocation::parse(a.key);
                if (!req.key->uri()) req.passphrase = a.passphrase.for_key(req.key->path());
            }
            req.access = a.token.access();
            req.database = a.db.database(a.ca.dir);
            ca::Authority::init_root(req);
            return print_created(ctx, a, "root CA", req.passphrase.has_value());
        }
        ca::IntermediateRequest req{a.ca.dir,     a.parent,          issue::Subject::parse(a.subject.text), a.key_type.get(),
                                    a.days.days, a.path_len, a.passphrase.get(),                   a.parent_passphrase.for_key(ca::Layout{a.parent}.key())};
        if (!a.key.empty()) {
            req.key = issue::KeyLocation::parse(a.key);
            if (!req.key->uri()) req.passphrase = a.passphrase.for_key(req.key->path());
        }
        req.access = req.parent_access = a.token.access();
        req.database = a.db.database(a.ca.dir);
        const auto issued = ca::Authority::init_intermediate(req);
        print_created(ctx, a, "intermediate CA", req.passphrase.has_value(), issued.record.serial.hex());
    });
}

}  // namespace pkitool::cli
