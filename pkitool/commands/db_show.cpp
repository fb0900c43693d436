// pkitool db show: one inventory row, with the certificate itself (or just its PEM with --pem).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/render.h"

#include "ca/authority.h"
#include "issue/inspect.h"
#include "base/error.h"

namespace pkitool::cli {


void register_db_show(CLI::App& db_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string serial;
        bool pem = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = db_group.add_subcommand("show", "Show one issued certificate by serial");
    a->ca.add(*cmd);
    cmd->add_option("SERIAL", a->serial, "Serial number in hex, as `db list` prints it")->required();
    cmd->add_flag("--pem", a->pem, "Print only the certificate as PEM (to recover or re-export it)");
    examples(*cmd, {{"Show a certificate:", "pkitool db show --ca root-ca 5A3F0C..."},
                    {"Export it again:", "pkitool db show --ca root-ca 5A3F0C... --pem > vm.crt"}});
    cmd->callback([a, &ctx] {
        const auto serial = issue::Serial::parse(a->serial);
        auto authority = ca::Authority::open(a->ca.dir);
        const auto r = authority.store().find(serial);
        if (!r) throw Error(a->ca.dir + ": no certificate with serial " + serial.hex(), "list them with `pkitool db list --ca " + a->ca.dir + "`");
        const Botan::X509_Certificate cert(r->der);
        if (a->pem && !ctx.json) {  // --json prints one document, which holds the PEM too
            ctx.out << cert.PEM_encode();
            return;
        }
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        auto j = record_json(*r, now);
        if (ctx.json) {
            j["certificate"] = issue::describe(cert);
            j["pem"] = cert.PEM_encode();
            return ctx.print_json(j);
        }
        ctx.out << "Status: " << j["status"].get<std::string>();
        if (r->revocation) ctx.out << " (" << db::to_string(r->revocation->reason) << ", " << issue::rfc3339(r->revocation->at) << ")";
        ctx.out << "\nProfile: " << r->profile << "\nRecorded: " << issue::rfc3339(r->created_at) << "\n";
        render(ctx.out, issue::describe(cert));
    });
}

}  // namespace pkitool::cli
