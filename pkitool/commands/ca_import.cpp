// pkitool ca import: adopt a CA that `openssl ca` ran, with everything it issued and revoked.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"

#include <fmt/format.h>

namespace pkitool::cli {

void register_ca_import(CLI::App& ca_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string cert, key, index, newcerts, crlnumber, easyrsa;
        PassphraseOption passphrase;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = ca_group.add_subcommand("import", "Adopt an existing root CA (openssl ca or easy-rsa): its key, certificates and revocations");
    a->ca.add(*cmd, "The CA directory to create (must not exist, or be empty)", true);
    auto* cert = cmd->add_option("--cert", a->cert, "The CA certificate (PEM or DER, self-signed)")->check(CLI::ExistingFile)->option_text("CA.crt");
    auto* key = cmd->add_option("--key", a->key, "Its private key (PKCS#8, SEC1 or PKCS#1)")->check(CLI::ExistingFile)->option_text("CA.key");
    auto* index = cmd->add_option("--openssl-index", a->index, "The CA's index.txt (its certificates are read from newcerts/ beside it)")
                      ->check(CLI::ExistingFile)->option_text("index.txt");
    cmd->add_option("--newcerts", a->newcerts, "Where the issued certificates are (default: newcerts/ beside index.txt)")
        ->check(CLI::ExistingDirectory)->needs(index)->option_text("DIR");
    cmd->add_option("--crlnumber", a->crlnumber, "openssl's crlnumber file (default: crlnumber beside index.txt, if present)")
        ->check(CLI::ExistingFile)->needs(index)->option_text("FILE");
    cmd->add_option("--easyrsa", a->easyrsa, "An easy-rsa 3 PKI directory: its ca.crt, private/ca.key, index.txt and certificates")
        ->check(CLI::ExistingDirectory)->excludes(cert)->excludes(key)->excludes(index)->option_text("PKI_DIR");
    a->passphrase.add(*cmd, "decrypts the CA key; the imported key is stored encrypted with it too", true);
    examples(*cmd,
             {{"Adopt the CA of the AWS Roles Anywhere blog's openssl set-up:", "pkitool ca import --dir root-ca --cert ca/ca.crt --key ca/private/ca.key --openssl-index ca/index.txt"},
              {"Adopt an easy-rsa CA (its key is usually encrypted):", "pkitool ca import --dir root-ca --easyrsa /etc/openvpn/easy-rsa/pki --passphrase-file pass.txt"},
              {"Then publish a CRL with every revocation openssl knew:", "pkitool crl --ca root-ca"}},
             "Every index line is checked: its certificate must exist in newcerts/ as SERIAL.pem (easy-rsa:\n"
             "certs_by_serial/SERIAL.pem, or revoked/ or renewed/certs_by_serial/SERIAL.crt), carry that\n"
             "serial and be signed by the CA key. Statuses, revocation dates and reasons are recorded\n"
             "(-crl_compromise counts as keyCompromise, -crl_CA_compromise as cACompromise; certificates on\n"
             "hold are refused, since a revocation in pkitool is final). The next `pkitool crl` continues\n"
             "openssl's cRLNumber. Nothing in the source directory is changed; on any error nothing is created.\n");
    cmd->callback([a, &ctx] {
        if (a->easyrsa.empty() && (a->cert.empty() || a->key.empty()))
            throw usage_error("ca import needs --cert and --key, or --easyrsa PKI_DIR");
        const std::string key_file = a->easyrsa.empty() ? a->key : a->easyrsa + "/private/ca.key";
        auto req = a->easyrsa.empty() ? ca::ImportRequest{a->ca.dir, a->cert, a->key, a->passphrase.for_key(key_file), std::nullopt, {}, std::nullopt}
                                      : ca::ImportRequest::easyrsa(a->ca.dir, a->easyrsa, a->passphrase.for_key(key_file));
        if (!a->index.empty()) req.openssl_index = a->index;
        if (!a->newcerts.empty()) req.certificates_in = {{a->newcerts, ".pem"}};
        if (!a->crlnumber.empty()) req.crlnumber = a->crlnumber;
        const auto s = ca::Authority::import(req);
        if (ctx.json)
            return ctx.print_json({{"dir", a->ca.dir}, {"certificates", s.certificates}, {"revoked", s.revoked}, {"last_crl_number", s.last_crl_number}});
        ctx.note(fmt::format("imported the CA into {}/: {} certificate(s), {} revoked; the next CRL is number {}", a->ca.dir, s.certificates, s.revoked,
                             s.last_crl_number + 1));
    });
}

}  // namespace pkitool::cli
