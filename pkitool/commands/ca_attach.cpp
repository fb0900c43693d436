// pkitool ca attach: a second CA directory, on another host, for a CA whose inventory is on
// PostgreSQL (issue #14): the same CA, the same serials, revocations and CRL numbers.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"

#include <fmt/format.h>

namespace pkitool::cli {

void register_ca_attach(CLI::App& ca_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string cert, key, chain;
        PassphraseOption passphrase;
        TokenOption token;
        DbOption db;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = ca_group.add_subcommand("attach", "Make a CA directory on another host for a CA whose inventory is on PostgreSQL");
    a->ca.add(*cmd, "The CA directory to create (must not exist, or be empty)", true);
    cmd->add_option("--cert", a->cert, "The CA certificate (the first host's DIR/ca.crt)")->required()->check(CLI::ExistingFile)->option_text("CA.crt");
    cmd->add_option("--key", a->key,
                    "The CA's key on this host: a key file (copied into DIR/private/ca.key) or a pkcs11: URI of the key in this host's "
                    "token (recorded in DIR/key.uri)")
        ->required()
        ->option_text("FILE|URI");
    cmd->add_option("--chain", a->chain, "For an intermediate CA: its issuers up to and including the root (PEM)")->check(CLI::ExistingFile)->option_text("CHAIN.pem");
    a->passphrase.add(*cmd, "decrypts a key file; the copy in DIR/private/ca.key is encrypted with it too", true);
    a->token.add(*cmd);
    a->db.add(*cmd, "The PostgreSQL database that holds the CA's inventory, as the first host's DIR/inventory.url names it");
    examples(*cmd,
             {{"On the second host, with the first host's ca.crt and a copy of the key:",
               "pkitool ca attach --dir root-ca --cert ca.crt --key ca.key --db postgresql://pki@db.example/pkitool"},
              {"With the key in this host's token:",
               "pkitool ca attach --dir issuing-ca --cert ca.crt --chain chain.pem --key 'pkcs11:token=pkitool;object=issuing-ca' --db postgresql://pki@db.example/pkitool"}},
             "Both directories then issue, revoke and publish CRLs from one inventory: serials stay unique,\n"
             "CRL numbers increase across hosts, and every CRL lists every revocation. The database must\n"
             "already hold the CA (pkitool ca init or ca import with --db on the first host).\n");
    cmd->callback([a, &ctx] {
        auto database = a->db.database(a->ca.dir);
        if (!database)
            throw usage_error("--db: give the PostgreSQL database that holds the CA's inventory",
                              "a CA directory shares its inventory with another only on PostgreSQL; an SQLite inventory belongs to one directory");
        ca::AttachRequest req{a->ca.dir, a->cert, issue::KeyLocation::parse(a->key), {}, a->token.access(), std::nullopt, *database};
        if (issue::pkcs11::KeyUri::looks_like(a->key) && !a->passphrase.file.empty())
            throw usage_error("--passphrase-file encrypts a key file; a key in a token (--key pkcs11:...) has a PIN: --pin-file");
        if (!req.key.uri()) req.passphrase = a->passphrase.for_key(req.key.path());
        if (!a->chain.empty()) req.chain = a->chain;
        const auto rows = ca::Authority::attach(req);
        if (ctx.json) return ctx.print_json({{"dir", a->ca.dir}, {"inventory", database->conninfo()}, {"certificates", rows}});
        ctx.note(fmt::format("attached {}/ to the inventory in {} ({} certificate(s) so far)", a->ca.dir, database->conninfo(), rows));
        ctx.note("next: pkitool issue --ca " + a->ca.dir + " --subject \"CN=MyOnpremVM\" --out vm.crt --key-out vm.key");
    });
}

}  // namespace pkitool::cli
