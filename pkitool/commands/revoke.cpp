// pkitool revoke: mark a certificate of a CA revoked in its inventory; `pkitool crl` publishes it.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/render.h"

#include "ca/authority.h"
#include "issue/inspect.h"

namespace pkitool::cli {


void register_revoke(CLI::App& app, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string serial;
        std::string reason = "unspecified";
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("revoke", "Revoke a certificate a CA issued (publish it with `pkitool crl`)");
    a->ca.add(*cmd);
    cmd->add_option("SERIAL", a->serial, "Serial number in hex, as `pkitool db list` and `openssl x509 -serial` show it")->required();
    cmd->add_option("--reason", a->reason, "RFC 5280 CRLReason, shown in the CRL entry")
        ->check(CLI::IsMember(db::reason_names()))
        ->option_text("unspecified|keyCompromise|caCompromise|affiliationChanged|superseded|cessationOfOperation (default unspecified)");
    examples(*cmd,
             {{"Revoke a VM's certificate whose key leaked:", "pkitool revoke --ca root-ca 3AF2C1D4E5F60718293A4B5C6D7E8F90 --reason keyCompromise"},
              {"Then publish a new CRL:", "pkitool crl --ca root-ca"}},
             "The revocation is recorded with the current time; it is final. A certificate an adopted CA had\n"
             "on hold (reason certificateHold, from `ca import`) can be revoked for good this way, once.\n"
             "Relying parties learn of it from the next CRL: run `pkitool crl` and publish DIR/crl.pem. To\n"
             "revoke an intermediate CA, revoke its serial in its parent CA.\n");
    cmd->callback([a, &ctx] {
        const auto serial = issue::Serial::parse(a->serial);
        const auto reason = db::parse_reason(a->reason);
        auto authority = ca::Authority::open(a->ca.dir);
        const auto record = authority.revoke(serial, reason);
        if (ctx.json) return ctx.print_json(record_json(record, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
        ctx.note("revoked " + record.serial.hex() + " (" + record.subject + "), reason " + db::to_string(reason));
        ctx.note("next: pkitool crl --ca " + a->ca.dir + "   # publishes the revocation");
    });
}

}  // namespace pkitool::cli
