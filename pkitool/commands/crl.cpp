// pkitool crl: sign a new CRL of everything a CA revoked and refresh DIR/crl.pem.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"
#include "issue/inspect.h"

#include <fmt/format.h>

namespace pkitool::cli {

void register_crl(CLI::App& app, Context& ctx) {
    struct Args {
        CaDirOption ca;
        DaysOption days;
        OutputOption out;
        PassphraseOption passphrase;
        TokenOption token;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("crl", "Sign a new CRL of every certificate the CA revoked; refreshes DIR/crl.pem");
    a->ca.add(*cmd);
    a->days.add(*cmd, "7; sets nextUpdate");
    a->out.add(*cmd, "Also write the CRL here (PEM)");
    a->passphrase.add(*cmd, "decrypts the CA key", true);
    a->token.add(*cmd);
    examples(*cmd,
             {{"Publish a CRL valid for a week:", "pkitool crl --ca root-ca"},
              {"A CRL valid for 30 days, also copied for upload:", "pkitool crl --ca issuing-ca --days 30 --out upload/crl.pem"},
              {"Check it with openssl:", "openssl crl -in root-ca/crl.pem -CAfile root-ca/ca.crt -noout -text"}},
             "The CRL is v2 PEM, signed by the CA: every revoked serial with its revocation date and reason,\n"
             "a cRLNumber one higher than the last (kept in DIR/pkitool.db), authorityKeyIdentifier, and\n"
             "nextUpdate --days ahead. Roles Anywhere imports CRLs of up to 300,000 PEM characters; crl warns\n"
             "from 90% of that.\n");
    cmd->callback([a, &ctx] {
        if (a->out.given()) files::ensure_writable(a->out.path, a->out.overwrite());
        auto authority = ca::Authority::open(a->ca.dir);
        authority.unlock(a->passphrase.for_key(authority.layout().key()), a->token.access());
        const auto issued = authority.issue_crl(std::chrono::days(a->days.days.value_or(7)));
        if (a->out.given()) files::write_atomic(a->out.path, issued.pem, files::Mode::Public, a->out.overwrite());

        const auto fit = ca::rolesanywhere_fit(issued.pem.size());
        const auto size_text = fmt::format("{} is {} PEM characters", authority.layout().crl().string(), issued.pem.size());
        if (fit == ca::CrlSize::NearLimit)
            ctx.warn(size_text + ", close to the 300,000 that Roles Anywhere imports");
        else if (fit == ca::CrlSize::TooLarge)
            ctx.warn(size_text + ", more than the 300,000 that Roles Anywhere imports; it will refuse this CRL");
        if (ctx.json)
            return ctx.print_json({{"crl_number", issued.number},
                                   {"entries", issued.entries},
                                   {"this_update", issue::rfc3339(issued.crl.this_update().to_std_timepoint())},
                                   {"next_update", issue::rfc3339(issued.crl.next_update().to_std_timepoint())},
                                   {"crl_path", authority.layout().crl().string()},
                                   {"out", a->out.path},
                                   {"pem_characters", issued.pem.size()},
                                   {"rolesanywhere_size", ca::to_string(fit)}});
        ctx.note(fmt::format("wrote {}{}: CRL number {}, {} revoked, next update {}", authority.layout().crl().string(),
                             !a->out.given() ? "" : " and " + a->out.path, issued.number, issued.entries,
                             issue::rfc3339(issued.crl.next_update().to_std_timepoint())));
    });
}

}  // namespace pkitool::cli
