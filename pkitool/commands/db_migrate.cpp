// pkitool db migrate: move a CA's inventory between SQLite and PostgreSQL (issue #14).
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"
#include "ca/inventory_location.h"
#include "ca/inventory_migration.h"

#include <fmt/format.h>

namespace pkitool::cli {

void register_db_migrate(CLI::App& db_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string to;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = db_group.add_subcommand("migrate", "Move a CA's inventory to PostgreSQL, or back to SQLite, and switch the CA directory to it");
    a->ca.add(*cmd);
    cmd->add_option("--to", a->to, "sqlite (DIR/pkitool.db) or a PostgreSQL connection string, without password")->required()->option_text("sqlite|postgresql://...");
    examples(*cmd,
             {{"To PostgreSQL (the password from ~/.pgpass or PGPASSWORD):", "pkitool db migrate --ca root-ca --to postgresql://pki@db.example/pkitool"},
              {"Back to SQLite:", "pkitool db migrate --ca root-ca --to sqlite"}},
             "Every row, revocation, renewal link and the CRL number are copied in one transaction, and a\n"
             "checksum over every serial, certificate and revocation is compared on both sides before the\n"
             "directory switches (DIR/inventory.url). Leaving SQLite keeps the old file as\n"
             "DIR/pkitool.db.before-migration. Run it while no other pkitool command uses the CA. A\n"
             "migration cut short is finished by running it again.\n");
    cmd->callback([a, &ctx] {
        const auto to = ca::parse_location(a->to, ca::Layout{a->ca.dir});
        const auto s = ca::migrate_inventory(a->ca.dir, to);
        if (ctx.json)
            return ctx.print_json({{"from", s.from}, {"to", s.to}, {"certificates", s.rows}, {"revoked", s.revoked}, {"last_crl_number", s.last_crl_number},
                                   {"checksum", s.checksum}, {"kept", s.kept ? s.kept->string() : ""}, {"finished_earlier_copy", s.finished_earlier_copy}});
        ctx.note(fmt::format("{} {} certificate(s) ({} revoked, last CRL number {}) from {} to {}; checksum {} on both sides",
                             s.finished_earlier_copy ? "finished moving" : "moved", s.rows, s.revoked, s.last_crl_number, s.from, s.to, s.checksum.substr(0, 16)));
        if (s.kept) ctx.note("the SQLite inventory is kept, no longer used, as " + s.kept->string());
    });
}

}  // namespace pkitool::cli
