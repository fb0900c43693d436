// pkitool db backup: a consistent copy of the inventory, the only safe way to copy a live one.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "ca/authority.h"

namespace pkitool::cli {

void register_db_backup(CLI::App& db_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string file;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = db_group.add_subcommand("backup", "Copy the CA's inventory consistently into a new SQLite file");
    a->ca.add(*cmd);
    cmd->add_option("FILE", a->file, "The new file (never overwritten; created 0600)")->required();
    examples(*cmd,
             {{"Before upgrading or moving the CA:", "pkitool db backup --ca root-ca root-ca-$(date +%F).db"},
              {"Check the copy:", "sqlite3 root-ca-2026-12-01.db 'PRAGMA integrity_check; SELECT count(*) FROM certificates'"}},
             "The copy is taken with SQLite's online backup, so it is consistent even while another pkitool\n"
             "issues or revokes. Copying pkitool.db with cp is not: a live inventory may have rows in\n"
             "pkitool.db-wal. To restore, stop every pkitool using the CA and copy FILE over DIR/pkitool.db\n"
             "(removing any DIR/pkitool.db-wal and -shm).\n"
             "\n"
             "For an inventory on PostgreSQL, FILE is an SQLite inventory of this CA's rows (pg_dump backs up\n"
             "the whole database). To go on from it, copy it to DIR/pkitool.db of one directory, remove its\n"
             "inventory.url, and move it into a new database with pkitool db migrate: other directories must\n"
             "not go on issuing from the old database meanwhile.\n");
    cmd->callback([a, &ctx] {
        auto authority = ca::Authority::open(a->ca.dir);
        authority.store().backup(a->file);
        const auto rows = authority.store().count();
        if (ctx.json) return ctx.print_json({{"backup", a->file}, {"certificates", rows}});
        ctx.note("wrote " + a->file + ": " + std::to_string(rows) + " certificate(s)");
    });
}

}  // namespace pkitool::cli
