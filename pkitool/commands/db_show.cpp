// pkitool db show: one inventory row, with the certificate itself (or just its PEM with --pem).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/render.h"

#include "ca/authority.h"
#include "issue/inspect.h"
#include "base/error.h"

namespace pkitool::cli {

namespace {
constexpr const char* kMissingAtImport = "certificate file was missing at import";
}  // namespace

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
        // `ca import --allow-missing` records an index line whose certificate file was gone: there is
        // a row to show, but no certificate.
        if (!r->has_certificate() && a->pem && !ctx.json)
            throw Error(a->ca.dir + ": certificate " + serial.hex() + ": " + kMissingAtImport + "; there is no PEM to print",
                        "only the index line was recorded: serial, subject, expiry and revocation");
        const std::optional<Botan::X509_Certificate> cert = r->has_certificate() ? std::optional(Botan::X509_Certificate(r->der)) : std::nullopt;
        if (a->pem && !ctx.json) {  // --json prints one document, which holds the PEM too
            ctx.out << cert->PEM_encode();
            return;
        }
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        auto j = record_json(*r, now);
        const auto renews = authority.store().find_renewed_by(serial);
        if (renews) j["renews"] = renews->serial.hex();
        if (ctx.json) {
            j["certificate"] = cert ? issue::describe(*cert) : nlohmann::json(nullptr);
            j["pem"] = cert ? nlohmann::json(cert->PEM_encode()) : nlohmann::json(nullptr);
            return ctx.print_json(j);
        }
        ctx.out << "Status: " << j["status"].get<std::string>();
        if (r->revocation) {
            ctx.out << " (" << db::to_string(r->revocation->reason) << ", " << issue::rfc3339(r->revocation->at);
            if (r->revocation->hold_instruction) ctx.out << ", hold instruction " << hold_instruction_name(*r->revocation->hold_instruction);
            ctx.out << ")";
        }
        if (r->superseded_by) ctx.out << "\nSuperseded by: " << r->superseded_by->hex();
        if (renews) ctx.out << "\nRenews: " << renews->serial.hex();
        ctx.out << "\nProfile: " << r->profile << "\nRecorded: " << issue::rfc3339(r->created_at) << "\n";
        if (cert) return render(ctx.out, issue::describe(*cert));
        ctx.out << "Subject: " << r->subject << "\nNot after: " << issue::rfc3339(r->not_after) << "\nCertificate: " << kMissingAtImport
                << " (recorded from the CA's index line alone)\n";
    });
}

}  // namespace pkitool::cli
