// pkitool ca import: adopt a CA that `openssl ca` or easy-rsa ran, with everything it issued and revoked.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/wording.h"

#include "ca/authority.h"

#include <fmt/format.h>

namespace pkitool::cli {

namespace {

std::string fix_of(const profiles::Finding& f) { return f.step ? word(*f.step, nullptr) : f.fix; }

nlohmann::json findings_json(const std::vector<profiles::Finding>& findings) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : findings)
        out.push_back({{"rule", f.rule}, {"severity", profiles::to_string(f.severity)}, {"certificate", f.certificate}, {"message", f.message}, {"fix", fix_of(f)}});
    return out;
}

nlohmann::json lines_json(const std::vector<ca::ImportSummary::IndexLine>& lines) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& l : lines) out.push_back({{"line", l.line}, {"serial", l.serial.hex()}});
    return out;
}

}  // namespace

void register_ca_import(CLI::App& ca_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string cert, key, index, newcerts, crlnumber, easyrsa, chain;
        bool allow_missing = false;
        PassphraseOption passphrase;
        DbOption db;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = ca_group.add_subcommand("import", "Adopt an existing CA (openssl ca or easy-rsa, root or intermediate): its key, certificates and revocations");
    a->ca.add(*cmd, "The CA directory to create (must not exist, or be empty)", true);
    auto* cert = cmd->add_option("--cert", a->cert, "The CA certificate (PEM or DER)")->check(CLI::ExistingFile)->option_text("CA.crt");
    auto* key = cmd->add_option("--key", a->key, "Its private key (PKCS#8, SEC1 or PKCS#1)")->check(CLI::ExistingFile)->option_text("CA.key");
    cmd->add_option("--chain", a->chain, "For an intermediate CA: its issuers up to and including the root (PEM)")->check(CLI::ExistingFile)->option_text("CHAIN.pem");
    auto* index = cmd->add_option("--openssl-index", a->index, "The CA's index.txt (its certificates are read from newcerts/ beside it)")
                      ->check(CLI::ExistingFile)->option_text("index.txt");
    cmd->add_option("--newcerts", a->newcerts, "Where the issued certificates are (default: newcerts/ beside index.txt)")
        ->check(CLI::ExistingDirectory)->needs(index)->option_text("DIR");
    cmd->add_option("--crlnumber", a->crlnumber, "openssl's crlnumber file (default: crlnumber beside index.txt, if present)")
        ->check(CLI::ExistingFile)->needs(index)->option_text("FILE");
    cmd->add_option("--easyrsa", a->easyrsa, "An easy-rsa 3 PKI directory: its ca.crt, private/ca.key, index.txt and certificates")
        ->check(CLI::ExistingDirectory)->excludes(cert)->excludes(key)->excludes(index)->option_text("PKI_DIR");
    cmd->add_flag("--allow-missing", a->allow_missing, "Record an index line whose certificate file is missing from the line alone, instead of refusing");
    a->passphrase.add(*cmd, "decrypts the CA key; the imported key is stored encrypted with it too", true);
    a->db.add(*cmd, "Where the inventory is: sqlite (DIR/pkitool.db) or a PostgreSQL connection string, without password");
    examples(*cmd,
             {{"Adopt the CA of the AWS Roles Anywhere blog's openssl set-up:", "pkitool ca import --dir root-ca --cert ca/ca.crt --key ca/private/ca.key --openssl-index ca/index.txt"},
              {"Adopt an intermediate, with its issuers up to the root:",
               "pkitool ca import --dir issuing-ca --cert int/int.crt --key int/int.key --chain root/ca.crt --openssl-index int/index.txt"},
              {"Adopt an easy-rsa CA (its key is usually encrypted):", "pkitool ca import --dir root-ca --easyrsa /etc/openvpn/easy-rsa/pki --passphrase-file pass.txt"},
              {"Adopt a CA whose newcerts/ lost some files:", "pkitool ca import --dir root-ca --cert ca.crt --key ca.key --openssl-index index.txt --allow-missing"},
              {"Then publish a CRL with every revocation openssl knew:", "pkitool crl --ca root-ca"}},
             "Every index line is checked: its certificate must exist in newcerts/ as SERIAL.pem (easy-rsa:\n"
             "certs_by_serial/SERIAL.pem, or revoked/ or renewed/certs_by_serial/SERIAL.crt), carry that\n"
             "serial and be signed by the CA key. With --allow-missing a line without its file is recorded\n"
             "from the line alone (serial, subject, expiry, status, revocation), one note per line; `db show`\n"
             "then says the file was missing, and a revoked one is still listed by `pkitool crl`.\n"
             "Statuses, revocation dates and reasons are recorded (-crl_compromise counts as keyCompromise,\n"
             "-crl_CA_compromise as cACompromise). A hold (-crl_hold CODE, -crl_reason certificateHold) is\n"
             "recorded as revoked with reason certificateHold and its hold instruction code, both in every\n"
             "CRL; `pkitool revoke` can make it final. removeFromCRL marks a released hold: the certificate\n"
             "is valid again (openssl's verify reads it so), and is recorded as not revoked, with a note.\n"
             "A CA that is not self-signed needs --chain: its issuers up to and including the root, checked\n"
             "link by link with the path engine of `pkitool lint`; DIR/chain.pem keeps the CA and its issuers\n"
             "below the root. easy-rsa sub-CAs take --chain too. The CA certificate is then linted as a Roles\n"
             "Anywhere trust anchor, and each finding printed (they do not stop the import; --json lists\n"
             "them as \"findings\"). The next `pkitool crl` continues openssl's cRLNumber. Nothing in the\n"
             "source directory is changed; on any error nothing is created.\n");
    cmd->callback([a, &ctx] {
        if (a->easyrsa.empty() && (a->cert.empty() || a->key.empty()))
            throw usage_error("ca import needs --cert and --key, or --easyrsa PKI_DIR");
        if (a->allow_missing && a->easyrsa.empty() && a->index.empty())
            throw usage_error("--allow-missing is about index lines: it needs --openssl-index or --easyrsa");
        const std::string key_file = a->easyrsa.empty() ? a->key : a->easyrsa + "/private/ca.key";
        auto req = a->easyrsa.empty() ? ca::ImportRequest{a->ca.dir, a->cert, a->key, a->passphrase.for_key(key_file), std::nullopt, {}, std::nullopt}
                                      : ca::ImportRequest::easyrsa(a->ca.dir, a->easyrsa, a->passphrase.for_key(key_file));
        if (!a->index.empty()) req.openssl_index = a->index;
        if (!a->newcerts.empty()) req.certificates_in = {{a->newcerts, ".pem"}};
        if (!a->crlnumber.empty()) req.crlnumber = a->crlnumber;
        if (!a->chain.empty()) req.chain = a->chain;
        req.allow_missing = a->allow_missing;
        req.database = a->db.database(a->ca.dir);
        const auto s = ca::Authority::import(req);
        if (ctx.json)
            return ctx.print_json({{"dir", a->ca.dir},
                                   {"certificates", s.certificates},
                                   {"revoked", s.revoked},
                                   {"on_hold", s.holds},
                                   {"missing", s.missing.size()},
                                   {"missing_certificates", lines_json(s.missing)},
                                   {"released_holds", lines_json(s.released)},
                                   {"intermediate", req.chain.has_value()},
                                   {"chain_parents", s.parents},
                                   {"last_crl_number", s.last_crl_number},
                                   {"findings", findings_json(s.findings)}});
        const std::string index_file = req.openssl_index ? req.openssl_index->string() : "";
        for (const auto& m : s.missing)
            ctx.note(fmt::format("{}:{}: serial {}: no certificate file ({}); recorded from the index line alone", index_file, m.line, m.serial.hex(), m.looked_for));
        for (const auto& r : s.released)
            ctx.note(fmt::format("{}:{}: serial {}: removeFromCRL, a released hold: recorded as not revoked", index_file, r.line, r.serial.hex()));
        for (const auto& u : s.chain_unused) ctx.note(fmt::format("{}: {} is not on the path to the root; left out of chain.pem", a->chain, u));
        for (const auto& f : s.findings) {
            ctx.note(fmt::format("lint: {} {}: {}: {}", profiles::to_string(f.severity), f.rule, f.certificate, f.message));
            if (const auto fix = fix_of(f); !fix.empty()) ctx.note("  fix: " + fix);
        }
        const std::string chain = !req.chain ? "" : s.parents == 0 ? "; chain.pem holds it (its root is the trust anchor)"
                                                                   : fmt::format("; chain.pem holds it and {} issuer(s) below the root", s.parents);
        ctx.note(fmt::format("imported the CA into {}/: {} certificate(s), {} revoked ({} on hold), {} without their file{}; the next CRL is number {}", a->ca.dir,
                             s.certificates, s.revoked, s.holds, s.missing.size(), chain, s.last_crl_number + 1));
    });
}

}  // namespace pkitool::cli
