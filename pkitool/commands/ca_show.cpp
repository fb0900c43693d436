// pkitool ca show: the CA certificate and a summary of its inventory.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/render.h"

#include "ca/authority.h"
#include "issue/inspect.h"

namespace pkitool::cli {

void register_ca_show(CLI::App& ca, Context& ctx) {
    auto ca_dir = std::make_shared<CaDirOption>();
    auto* cmd = ca.add_subcommand("show", "Show a CA's certificate and how many certificates it has issued");
    ca_dir->add(*cmd, "The CA directory", true);
    examples(*cmd, {{"Show a CA:", "pkitool ca show --dir root-ca"}, {"As JSON:", "pkitool ca show --dir root-ca --json"}});
    cmd->callback([ca_dir, &ctx] {
        const auto& dir = ca_dir->dir;
        auto authority = ca::Authority::open(dir);
        const auto c = authority.store().counts(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
        auto j = issue::describe(authority.certificate());
        j["dir"] = dir;
        j["issued"] = {{"valid", c.valid}, {"revoked", c.revoked}, {"expired", c.expired}, {"superseded", c.superseded}};
        // Where the key is (issue #11): a token's URI (DIR/key.uri, no PIN) or DIR/private/ca.key.
        const auto where = authority.key_location();
        j["key"] = where.uri() ? where.shown() : where.path().string();
        j["key_in_token"] = where.uri().has_value();
        // Where the inventory is (issue #14): DIR/pkitool.db or a PostgreSQL database.
        j["inventory"] = authority.store().where();
        if (ctx.json) return ctx.print_json(j);
        render(ctx.out, j);
        ctx.out << "Key: " << (where.uri() ? "in a token, " + where.shown() : where.path().string()) << "\n";
        ctx.out << "Inventory: " << authority.store().where() << "\n";
        ctx.out << "Issued: " << c.valid << " valid, " << c.revoked << " revoked, " << c.expired << " expired, " << c.superseded << " superseded\n";
    });
}

}  // namespace pkitool::cli
