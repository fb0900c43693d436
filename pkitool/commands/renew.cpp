// pkitool renew: re-issue certificates with the same subject, SANs and profile, a new serial and validity.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/review.h"
#include "pkitool/wakeup.h"
#include "pkitool/wording.h"

#include "ca/renewal.h"
#include "issue/inspect.h"
#include "base/duration.h"
#include "base/error.h"

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <random>
#include <sys/wait.h>

namespace pkitool::cli {

namespace {

struct Args {
    CaDirOption ca;
    std::string cert, serial, expiring, expires_in, out, key_out, out_dir, exec, interval;
    bool due = false, rekey = false, revoke_old = false, dry_run = false, yes = false, watch = false;
    DaysOption days;
    ProfilesFileOption profiles_file;
    PassphraseOption passphrase;
    TokenOption token;  // the CA key, when DIR/key.uri names it in a token
};

// --exec: through /bin/sh -c with the renewal in the environment; its failure is reported, the
// renewal stays.
bool run_exec(const Context& ctx, const std::string& command, const ca::Renewed& r) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        // The hook gets what was renewed, never the secrets pkitool was given.
        for (const char* secret : {"PKITOOL_PIN", "PKITOOL_PASSPHRASE", "PKITOOL_PARENT_PASSPHRASE"}) ::unsetenv(secret);
        ::setenv("PKITOOL_RENEWED_CERT", r.certificate.c_str(), 1);
        if (r.key) ::setenv("PKITOOL_RENEWED_KEY", r.key->c_str(), 1);
        else ::unsetenv("PKITOOL_RENEWED_KEY");
        ::setenv("PKITOOL_RENEWED_SERIAL", r.serial.hex().c_str(), 1);
        ::setenv("PKITOOL_PREVIOUS_SERIAL", r.previous_serial.hex().c_str(), 1);
        ::dup2(STDERR_FILENO, STDOUT_FILENO);  // stdout carries --json
        // --watch blocks SIGHUP/SIGINT/SIGTERM; exec keeps a blocked mask, and `systemctl` or a
        // script must not start with the signals that stop it blocked.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ctx.warn(fmt::format("--exec failed for {} (serial {}): {}", r.certificate.string(), r.serial.hex(),
                             pid < 0 ? "cannot start /bin/sh" : WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status)) : "killed by a signal"));
        return false;
    }
    return true;
}

ca::RenewRequest request(const Args& a, const profiles::Catalog& catalog) {
    ca::RenewRequest req;
    if (!a.cert.empty()) req.certificate = a.cert;
    if (!a.serial.empty()) req.serial = issue::Serial::parse(a.serial);
    if (!a.expiring.empty()) {
        const auto window = issue::RenewalThreshold::parse(a.expiring);
        if (window.is_share()) throw usage_error("--expiring " + a.expiring + ": give a time left (30d, 12h)", "for a share of the lifetime use --due --expires-in " + a.expiring);
        req.expiring_within = window.window();
    }
    req.due = a.due;
    if (!a.expires_in.empty()) req.threshold = issue::RenewalThreshold::parse(a.expires_in);
    req.rekey = a.rekey;
    if (!a.out.empty()) req.out = a.out;
    if (!a.key_out.empty()) req.key_out = a.key_out;
    if (!a.out_dir.empty()) req.out_dir = a.out_dir;
    req.days = a.days.days;
    req.revoke_old = a.revoke_old;
    req.catalog = &catalog;
    return req;
}

nlohmann::json renewed_json(const ca::Renewed& r) {
    return {{"previous_serial", r.previous_serial.hex()}, {"serial", r.serial.hex()}, {"certificate_path", r.certificate.string()},
            {"key_path", r.key ? nlohmann::json(r.key->string()) : nlohmann::json()}, {"rekeyed", r.rekeyed}, {"resumed", r.resumed},
            {"differences", r.differences}};
}

// --dry-run: the selection, with where each would be written; nothing signed. A batch is listed
// from the inventory's listing alone (no DER read), which keeps --due fast at a million rows.
void dry_run(const Context& ctx, const ca::Authority& authority, const ca::RenewRequest& req, bool single) {
    std::vector<std::pair<db::CertificateRecord, std::optional<std::string>>> rows;
    if (single) {
        for (auto& i : ca::plan_renewal(authority, req).items) rows.emplace_back(std::move(i.previous), i.certificate.string());
    } else {
        for (auto& r : ca::select_for_renewal(authority, req)) {
            auto path = r.cert_path;
            if (!path && req.out_dir) path = (*req.out_dir / (r.serial.hex() + ".crt")).string();
            rows.emplace_back(std::move(r), std::move(path));
        }
    }
    if (ctx.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& [r, path] : rows)
            list.push_back({{"previous_serial", r.serial.hex()}, {"subject", r.subject}, {"not_after", issue::rfc3339(r.not_after)},
                            {"certificate_path", path ? nlohmann::json(*path) : nlohmann::json()}});
        return ctx.print_json({{"selected", list}, {"count", rows.size()}});
    }
    for (const auto& [r, path] : rows)
        ctx.out << fmt::format("{}  {}  {}  {}\n", r.serial.hex(), issue::rfc3339(r.not_after), path.value_or("(no recorded path: needs --out-dir)"), r.subject);
    ctx.note(fmt::format("{} certificate(s) would be renewed (dry run: nothing signed)", rows.size()));
}

void check_selection(const Args& a) {
    if (a.cert.empty() + a.serial.empty() + a.expiring.empty() + !a.due != 3)
        throw usage_error("give one of --cert FILE, --serial S, --expiring WINDOW or --due");
    // A watched file is renewed when due, so the threshold applies to it too.
    if (!a.expires_in.empty() && !a.due && !(a.watch && !a.cert.empty())) throw usage_error("--expires-in goes with --due (or --cert with --watch)");
}

// Signs and writes a plan (a progress bar for a batch on a terminal), running --exec after each.
std::pair<ca::RenewOutcome, bool> carry_out(const Args& a, const Context& ctx, ca::Authority& authority, const ca::RenewPlan& plan,
                                            const ca::RenewRequest& req, bool single) {
    const bool bar = ctx.stderr_is_terminal && !ctx.quiet && !single;
    bool exec_failed = false;
    auto outcome = ca::execute_renewal(authority, plan, req, [&](size_t done, size_t total) {
        if (bar) ctx.err << fmt::format("\rrenewing [{:<30}] {}/{}", std::string(30 * done / total, '#'), done, total) << std::flush;
    }, [&](const ca::Renewed& r) {
        if (!a.exec.empty() && !run_exec(ctx, a.exec, r)) exec_failed = true;
    });
    if (bar) ctx.err << "\n";
    return {std::move(outcome), exec_failed};
}

void report(const Context& ctx, const ca::RenewOutcome& outcome) {
    for (const auto& r : outcome.renewed) {
        ctx.note(fmt::format("renewed {} as {}{}{}: wrote {}{}", r.previous_serial.hex(), r.serial.hex(), r.rekeyed ? " with a new key" : "",
                             r.resumed ? " (finished an interrupted renewal)" : "", r.certificate.string(), r.rekeyed && r.key ? " and " + r.key->string() : ""));
        for (const auto& d : r.differences) ctx.note("  differs from the previous certificate: " + d);
    }
}

void run(const Args& a, Context& ctx) {
    check_selection(a);
    const bool single = !a.cert.empty() || !a.serial.empty();
    if (!single && (!a.out.empty() || !a.key_out.empty()))
        throw usage_error("--out and --key-out name one certificate's files", "renewing many, use --out-dir DIR for rows without a recorded path");
    if (a.days.days && *a.days.days == 0) throw usage_error("--days 0: give at least 1");
    if (!a.interval.empty() && !a.watch) throw usage_error("--interval goes with --watch");
    const auto catalog = a.profiles_file.catalog();
    const auto req = request(a, catalog);
    auto authority = ca::Authority::open(a.ca.dir);
    if (a.dry_run) return dry_run(ctx, authority, req, single);
    const auto plan = ca::plan_renewal(authority, req);
    if (plan.items.empty()) {
        if (ctx.json) return ctx.print_json({{"renewed", nlohmann::json::array()}, {"not_due", plan.not_due}});
        return ctx.note(plan.not_due ? "not due for renewal: nothing renewed" : "no certificates to renew");
    }
    authority.unlock(a.passphrase.for_key(authority.layout().key()), a.token.access());
    std::vector<std::pair<std::string, std::string>> summary{
        {"Renew", fmt::format("{} certificate(s){}", plan.items.size(), a.rekey ? ", each with a new key" : ", keeping their keys")},
        {"CA", issue::format_dn(authority.certificate().subject_dn())}};
    for (size_t i = 0; i < plan.items.size() && i < 5; ++i)
        summary.emplace_back(plan.items[i].previous.serial.hex(), plan.items[i].previous.subject + " -> " + plan.items[i].certificate.string());
    if (plan.items.size() > 5) summary.emplace_back("...", std::to_string(plan.items.size() - 5) + " more");
    if (a.revoke_old) summary.emplace_back("Then", "revoke each previous certificate (superseded)");
    review(ctx, a.yes, "Renew these certificates?", summary, "renewal");

    const auto [outcome, exec_failed] = carry_out(a, ctx, authority, plan, req, single);
    if (exec_failed) ctx.exit_code = 1;
    if (ctx.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& r : outcome.renewed) list.push_back(renewed_json(r));
        return ctx.print_json({{"renewed", list}, {"not_due", outcome.not_due}, {"exec_failed", exec_failed}});
    }
    report(ctx, outcome);
}

// --watch: a pass now, then one per --interval (plus up to a tenth of it at random, so that hosts
// started together do not renew together, as `step ca renew --daemon` jitters), SIGHUP for a pass
// now, SIGINT/SIGTERM to stop between passes. A failed pass is logged and the loop goes on: the
// next one may succeed (the CA directory back, a disk no longer full).
void watch(const Args& a, Context& ctx, const CLI::App* command) {
    check_selection(a);
    if (!a.serial.empty()) throw usage_error("--watch follows a file or the inventory, not a serial", "give --cert FILE, --due or --expiring WINDOW");
    if (!a.yes) throw usage_error("--watch renews without a review prompt: give --yes to say so");
    if (a.dry_run || ctx.json || !a.out.empty() || !a.key_out.empty())
        throw usage_error("--watch goes without --dry-run, --json, --out and --key-out", "a watched certificate is renewed in place, and each pass logs on stderr");
    const auto interval = parse_duration(a.interval.empty() ? "1h" : a.interval);
    if (!interval || interval->count() < 1) throw usage_error("--interval " + a.interval + ": expected a time with a unit, like 1h, 30m or 1d");
    // In milliseconds below: a longer interval would overflow them (and a check a year apart misses every renewal).
    if (*interval > std::chrono::hours(24 * 366)) throw usage_error("--interval " + a.interval + ": at most a year (366d)");
    Wakeup wakeup;  // before any thread: issuing in parallel starts some
    const auto catalog = a.profiles_file.catalog();
    auto req = request(a, catalog);
    req.only_if_due = true;
    // The CA key's passphrase is asked for (or read) once, not at every pass.
    const auto passphrase = a.passphrase.for_key(ca::Authority::open(a.ca.dir).layout().key());
    std::mt19937_64 random(std::random_device{}());
    const auto jitter_ms = std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(*interval).count() / 10);
    ctx.note(fmt::format("watching {}: a check every {} (plus up to a tenth at random); SIGHUP checks now, SIGTERM stops",
                         a.cert.empty() ? "the inventory of " + a.ca.dir : a.cert, a.interval.empty() ? "1h" : a.interval));
    for (;;) {
        try {
            // Opened at each pass: other processes issue, revoke and renew meanwhile.
            auto authority = ca::Authority::open(a.ca.dir);
            const auto plan = ca::plan_renewal(authority, req);
            if (!plan.items.empty()) {
                const auto now = std::chrono::floor<std::chrono::seconds>(db::Clock::now());
                for (const auto& item : plan.items) {
                    const auto nb = std::chrono::floor<std::chrono::seconds>(item.validity.not_before), na = std::chrono::floor<std::chrono::seconds>(item.validity.not_after);
                    if (issue::renewal_due(nb, na, now, req.threshold).due)
                        ctx.warn(fmt::format("{}: its renewal is due at once too ({} of a {}-day lifetime), so it is renewed at every check: "
                                             "give an --expires-in shorter than the lifetime, or --days",
                                             item.certificate.string(), req.threshold.to_string(), std::chrono::duration_cast<std::chrono::hours>(na - nb).count() / 24));
                }
                authority.unlock(passphrase, a.token.access());
                report(ctx, carry_out(a, ctx, authority, plan, req, true).first);
            }
        } catch (const Error& e) {
            const auto words = word(e, command);
            ctx.warn("renewal failed, next check at the next interval: " + words.message);
            for (const auto& hint : words.hints) ctx.err << "hint: " << hint << '\n';
        } catch (const std::exception& e) {
            ctx.warn(std::string("renewal failed, next check at the next interval: ") + e.what());
        }
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*interval) +
                          std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, jitter_ms - 1)(random));
        const auto wake = wakeup.wait(wait);
        if (wake == Wake::Stop) return ctx.note("stopped");
        if (wake == Wake::Hangup) ctx.note("SIGHUP: checking now");
    }
}

}  // namespace

void register_renew(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("renew", "Renew issued certificates: same subject, SANs and profile, new serial and validity");
    a->ca.add(*cmd);
    cmd->add_option("--cert", a->cert, "Renew this certificate file (written back in place unless --out)")->check(CLI::ExistingFile)->option_text("FILE");
    cmd->add_option("--serial", a->serial, "Renew this certificate of the inventory (hex, as `db list` prints it)")->option_text("SERIAL");
    cmd->add_option("--expiring", a->expiring, "Renew every valid certificate expiring within this window (30d, 12h)")->option_text("WINDOW");
    cmd->add_flag("--due", a->due, "Renew every valid certificate due for renewal, as needs-renewal decides");
    cmd->add_option("--expires-in", a->expires_in, "With --due (or --cert and --watch): due at this share of the lifetime (66%) or this time left (30d); default 2/3 of the lifetime")
        ->option_text("30d|66%");
    cmd->add_flag("--rekey", a->rekey, "Generate a new key (written 0600 beside the old one, which it replaces once the certificate is recorded)");
    cmd->add_option("--out", a->out, "One certificate: write it here instead of where it was")->option_text("FILE");
    cmd->add_option("--key-out", a->key_out, "One certificate: its key (the new one with --rekey) is here")->option_text("FILE");
    cmd->add_option("--out-dir", a->out_dir, "Rows that record no path (older inventories): write DIR/SERIAL.crt and .key")->option_text("DIR");
    a->days.add(*cmd, "the lifetime the certificate had, within the profile's limit");
    cmd->add_flag("--revoke-old", a->revoke_old, "Revoke each previous certificate (reason superseded) instead of only marking it superseded");
    cmd->add_option("--exec", a->exec, "Run this through /bin/sh -c after each renewal, with PKITOOL_RENEWED_CERT, PKITOOL_RENEWED_KEY, "
                                       "PKITOOL_RENEWED_SERIAL and PKITOOL_PREVIOUS_SERIAL set")->option_text("CMD");
    cmd->add_flag("--dry-run", a->dry_run, "Print the selection; sign and write nothing");
    cmd->add_flag("--watch", a->watch, "Keep running: renew what is due at every --interval; SIGHUP checks now, SIGTERM stops (with --cert, --due or --expiring, and --yes)");
    cmd->add_option("--interval", a->interval, "With --watch: time between checks, plus up to a tenth of it at random")->option_text("TIME (default 1h)");
    a->profiles_file.add(*cmd);
    cmd->add_flag("-y,--yes", a->yes, "Renew without showing the review prompt");
    a->passphrase.add(*cmd, "decrypts the CA key", true);
    a->token.add(*cmd);
    examples(*cmd,
             {{"Renew one certificate in place, keeping its key:", "pkitool renew --ca root-ca --cert vm.crt --yes"},
              {"With a new key, revoking the old certificate:", "pkitool renew --ca root-ca --serial 5A3F0C... --rekey --revoke-old --yes"},
              {"Everything due, then reload the service of each:", "pkitool renew --ca root-ca --due --exec 'systemctl reload nginx' --yes"},
              {"What would be renewed this month:", "pkitool renew --ca root-ca --expiring 30d --dry-run"},
              {"On a host, keep its certificate renewed (a systemd service):", "pkitool renew --ca /var/lib/pkitool/ca --cert /etc/pki/vm.crt --watch --yes"}},
             "The profile's current rules apply: any way in which the new certificate differs from the old\n"
             "one is printed. The previous certificate becomes `superseded` (db list --status superseded),\n"
             "or is revoked with --revoke-old. --due and --expiring take valid certificates only, and write\n"
             "where `issue` wrote each. The new certificate is recorded before any file is written; a\n"
             "renewal that was interrupted is finished by running the same renew again.\n",
             "0 when every renewal succeeded, 1 on failure or when an --exec command failed (the renewal\n"
             "stays), 2 for usage errors.");
    cmd->callback([a, &ctx, cmd] { a->watch ? watch(*a, ctx, cmd) : run(*a, ctx); });
}

}  // namespace pkitool::cli
