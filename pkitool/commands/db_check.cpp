// pkitool db check: recorded certificates whose files are missing (a batch killed after its chunk
// was committed, a deleted copy), so that none goes unnoticed (issue #8, defect 12).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/render.h"

#include "ca/authority.h"
#include "base/error.h"
#include "issue/inspect.h"
#include "issue/serial.h"

#include <filesystem>

namespace pkitool::cli {

void register_db_check(CLI::App& db_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = db_group.add_subcommand("check", "List valid certificates whose files are missing, and files in certs/ without a row");
    a->ca.add(*cmd);
    examples(*cmd,
             {{"After a crash or before a backup:", "pkitool db check --ca root-ca"},
              {"In a script, as JSON (the problems are listed in it):", "pkitool db check --ca root-ca --json || alert-the-operator"}},
             "For every certificate that is neither revoked nor expired: the CA's copy (DIR/certs/SERIAL.pem)\n"
             "and the certificate and key files `issue` wrote (recorded for certificates issued since this\n"
             "version) must exist.\n"
             "Every DIR/certs/SERIAL.pem must have its row; each problem is listed. Certificates `ca import\n"
             "--allow-missing` recorded without their file are listed apart, and are not a problem.\n"
             "A batch that was interrupted is finished with `pkitool issue --batch FLEET.csv --out-dir DIR --resume`;\n"
             "a certificate whose key is lost should be revoked: `pkitool revoke --ca DIR SERIAL --reason superseded`.\n",
             "0 when all is well, 1 when any problem is found, 2 for usage errors.");
    cmd->callback([a, &ctx] {
        auto authority = ca::Authority::open(a->ca.dir);
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        db::Query q;
        q.status = db::Status::Valid;
        q.now = now;
        nlohmann::json problems = nlohmann::json::array();
        nlohmann::json without_file = nlohmann::json::array();
        const size_t checked = authority.store().list(q, [&](const db::CertificateRecord& r) {
            // Recorded from an index line alone (`ca import --allow-missing`): the file was gone
            // before pkitool knew the CA, and it was said then; no copy is expected in certs/.
            if (!r.has_certificate()) {
                without_file.push_back({{"serial", r.serial.hex()}, {"subject", r.subject}});
                return;
            }
            std::vector<std::string> missing;
            std::error_code ec;
            const auto copy = authority.layout().issued(r.serial);
            if (!std::filesystem::exists(copy, ec)) missing.push_back(copy.string());
            for (const auto& p : {r.cert_path, r.key_path})
                if (p && !std::filesystem::exists(*p, ec)) missing.push_back(*p);
            if (!missing.empty()) problems.push_back({{"serial", r.serial.hex()}, {"subject", r.subject}, {"missing", missing}});
        });
        // The other way round: a CA copy without a row is a certificate the inventory lost.
        nlohmann::json unrecorded = nlohmann::json::array();
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(authority.layout().certs_dir(), ec)) {
            if (e.path().extension() != ".pem") continue;
            std::optional<issue::Serial> serial;
            try {
                serial = issue::Serial::parse(e.path().stem().string());
            } catch (const Error&) {
            }
            if (!serial || !authority.store().find(*serial)) unrecorded.push_back(e.path().string());
        }
        ctx.exit_code = problems.empty() && unrecorded.empty() ? 0 : 1;
        if (ctx.json)
            return ctx.print_json({{"checked", checked}, {"problems", problems}, {"unrecorded", unrecorded}, {"missing_at_import", without_file}});
        for (const auto& m : without_file)
            ctx.out << m["serial"].get<std::string>() << "  " << m["subject"].get<std::string>() << "  certificate file was missing at import\n";
        for (const auto& f : unrecorded) ctx.out << f.get<std::string>() << "  not in the inventory\n";
        for (const auto& p : problems)
            for (const auto& m : p["missing"])
                ctx.out << p["serial"].get<std::string>() << "  " << p["subject"].get<std::string>() << "  missing " << m.get<std::string>() << "\n";
        ctx.note(std::to_string(checked) + " valid certificate(s) checked, " + std::to_string(problems.size()) + " with missing files, " +
                 std::to_string(unrecorded.size()) + " file(s) in certs/ without a row" +
                 (without_file.empty() ? "" : ", " + std::to_string(without_file.size()) + " recorded without their file at import (not a problem)"));
    });
}

}  // namespace pkitool::cli
