// pkitool ca import: adopt a CA that `openssl ca` ran, with everything it issued and revoked.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"

#include <fmt/format.h>

namespace pkitool::cli {

void register_ca_import(CLI::App& ca_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string cert, key, index, newcerts, crlnumber;
        PassphraseOption passphrase;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = ca_group.add_subcommand("import", "Adopt an existing root CA (openssl ca): its key, certificates and revocations");
    a->ca.add(*cmd, "The CA directory to create (must not exist, or be empty)", true);
    cmd->add_option("--cert", a->cert, "The CA certificate (PEM or DER, self-signed)")->required()->check(CLI::ExistingFile)->option_text("CA.crt");
    cmd->add_option("--key", a->key, "Its private key (PKCS#8, SEC1 or PKCS#1)")->required()->check(CLI::ExistingFile)->option_text("CA.key");
    auto* index = cmd->add_option("--openssl-index", a->index, "The CA's index.txt (its certificates are read from newcerts/ beside it)")
                      ->check(CLI::ExistingFile)->option_text("index.txt");
    cmd->add_option("--newcerts", a->newcerts, "Where the issued certificates are (default: newcerts/ beside index.txt)")
        ->check(CLI::ExistingDirectory)->needs(index)->option_text("DIR");
    cmd->add_option("--crlnumber", a->crlnumber, "openssl's crlnumber file (default: crlnumber beside index.txt, if present)")
        ->check(CLI::ExistingFile)->needs(index)->option_text("FILE");
    a->passphrase.add(*cmd, "decrypts the CA key; the imported key is stored encrypted with it too", true);
    examples(*cmd,
             {{"Adopt the CA of the AWS Roles Anywhere blog's openssl set-up:", "pkitool ca import --dir root-ca --cert ca/ca.crt --key ca/private/ca.key --openssl-index ca/index.txt"},
              {"Then publish a CRL with every revocation openssl knew:", "pkitool crl --ca root-ca"}},
             "Every index line is checked: its certificate must exist in newcerts/ as SERIAL.pem, carry that\n"
             "serial and be signed by the CA key. Statuses, revocation dates and reasons are recorded\n"
             "(-crl_compromise counts as keyCompromise, -crl_CA_compromise as cACompromise; certificates on\n"
             "hold are refused, since a revocation in pkitool is final). The next `pkitool crl` continues\n"
             "openssl's cRLNumber. Nothing in the source directory is changed; on any error nothing is created.\n");
    cmd->callback([a, &ctx] {
        ca::ImportRequest req{a->ca.dir, a->cert, a->key, a->passphrase.for_key(a->key), std::nullopt, std::nullopt, std::nullopt};
        if (!a->index.empty()) req.openssl_index = a->index;
        if (!a->newcerts.empty()) req.newcerts = a->newcerts;
        if (!a->crlnumber.empty()) req.crlnumber = a->crlnumber;
        const auto s = ca::Authority::import(req);
        if (ctx.json)
            return ctx.print_json({{"dir", a->ca.dir}, {"certificates", s.certificates}, {"revoked", s.revoked}, {"last_crl_number", s.last_crl_number}});
        ctx.note(fmt::format("imported the CA into {}/: {} certificate(s), {} revoked; the next CRL is number {}", a->ca.dir, s.certificates, s.revoked,
                             s.last_crl_number + 1));
    });
}

}  // namespace pkitool::cli
