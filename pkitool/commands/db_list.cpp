// pkitool db list: the inventory, filtered by status, expiry window or subject.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/render.h"

#include "ca/authority.h"
#include "issue/inspect.h"
#include "base/duration.h"
#include "base/error.h"

#include <fmt/format.h>

namespace pkitool::cli {

namespace {

// "30d", "12h", "2w": the window for --expiring.
std::chrono::seconds parse_window(const std::string& text) {
    if (const auto window = parse_duration(text)) return *window;
    throw usage_error("--expiring " + text + ": expected a number with a unit, like 30d, 12h or 2w");
}

}  // namespace

void register_db_list(CLI::App& db_group, Context& ctx) {
    struct Args {
        CaDirOption ca;
        std::string status, expiring, subject;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = db_group.add_subcommand("list", "List issued certificates, soonest expiry first");
    a->ca.add(*cmd);
    cmd->add_option("--status", a->status, "Only certificates with this status")->check(CLI::IsMember({"valid", "revoked", "expired", "superseded"}))
        ->option_text("valid|revoked|expired|superseded");
    cmd->add_option("--expiring", a->expiring, "Only valid certificates expiring within this window (30d, 12h, 2w)")->option_text("WINDOW");
    cmd->add_option("--subject", a->subject, "Only subjects containing this text (case-insensitive)")->option_text("PATTERN");
    examples(*cmd, {{"Everything a CA issued:", "pkitool db list --ca root-ca"},
                    {"What needs renewing this month, for a script:", "pkitool db list --ca root-ca --expiring 30d --json"}});
    cmd->callback([a, &ctx] {
        db::Query q;
        if (!a->status.empty()) q.status = db::parse_status(a->status);
        if (!a->expiring.empty()) q.expiring_within = parse_window(a->expiring);
        if (!a->subject.empty()) q.subject_pattern = a->subject;
        auto authority = ca::Authority::open(a->ca.dir);
        // Rows are printed as they are read: a million of them never sit in memory.
        if (ctx.json) {
            // The document print_json would write for {"certificates": [...], "count": N}, a row at a time.
            ctx.out << "{\n  \"certificates\": [";
            std::string text;  // reused: one allocation for all rows
            bool first = true;
            const auto n = authority.store().list(q, [&](const db::CertificateRecord& r) {
                text.assign(first ? "\n" : ",\n");
                append_record_json(text, r, q.now, "    ");
                ctx.out << text;
                first = false;
            });
            ctx.out << (n ? "\n  ]" : "]") << ",\n  \"count\": " << n << "\n}\n";
            return;
        }
        bool header = false;
        const auto n = authority.store().list(q, [&](const db::CertificateRecord& r) {
            if (!header) ctx.out << fmt::format("{:<34}  {:<8}  {:<20}  {:<22}  {}\n", "SERIAL", "STATUS", "NOT AFTER", "PROFILE", "SUBJECT");
            header = true;
            ctx.out << fmt::format("{:<34}  {:<8}  {:<20}  {:<22}  {}\n", r.serial.hex(), db::to_string(r.status(q.now)),
                                   issue::rfc3339(r.not_after), r.profile, r.subject);
        });
        if (n == 0) ctx.note("no certificates match");
    });
}

}  // namespace pkitool::cli
