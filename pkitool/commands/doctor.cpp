// pkitool doctor: every check a Roles Anywhere exchange depends on, each ok, fail (with the fix)
// or skip, then one real CreateSession (issue #12).
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/session.h"
#include "exchange/doctor/checks.h"
#include "exchange/doctor/setup_source.h"
#include "base/error.h"
#include "base/pem.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

namespace pkitool::cli {

namespace {

using exchange::doctor::Check;
using exchange::doctor::Status;

const char* to_string(Status s) {
    switch (s) {
        case Status::Ok: return "ok";
        case Status::Fail: return "fail";
        case Status::Skip: return "skip";
    }
    return "fail";
}

struct DoctorFiles {
    std::string anchor, trust_policy;
    std::vector<std::string> crls;
    bool given() const { return !anchor.empty() || !trust_policy.empty() || !crls.empty(); }
};

// The emulator's administrator key (or any key it accepts), as `pkitool emulate` prints it.
std::optional<exchange::Credentials> environment_credentials() {
    const char* id = std::getenv("AWS_ACCESS_KEY_ID");
    const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
    if (!id || !secret || !*id || !*secret) return std::nullopt;
    const char* token = std::getenv("AWS_SESSION_TOKEN");
    return exchange::Credentials{id, secret, token ? token : "", {}, ""};
}

bool arns_well_formed(const std::vector<Check>& checks) {
    return std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.id == "arns.well-formed" && c.status == Status::Ok; });
}

}  // namespace

void register_doctor(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ExchangeOptions>();
    auto files = std::make_shared<DoctorFiles>();
    auto* cmd = app.add_subcommand("doctor", "Check everything a Roles Anywhere exchange depends on, and say what to fix");
    opts->add(*cmd);
    cmd->add_option("--anchor", files->anchor, "The trust anchor bundle as uploaded (for a real AWS set-up)")->check(CLI::ExistingFile)->option_text("CA.pem");
    cmd->add_option("--crl", files->crls, "CRLs imported for the trust anchor (repeatable)")->check(CLI::ExistingFile)->option_text("CRL.pem");
    cmd->add_option("--trust-policy", files->trust_policy, "The role's trust policy document")->check(CLI::ExistingFile)->option_text("trust.json");
    examples(*cmd,
             {{"Against `pkitool emulate`, reading its set-up with the administrator key it printed:",
               "AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=... pkitool doctor --certificate vm.crt --private-key vm.key "
               "--trust-anchor-arn TA_ARN --profile-arn PROFILE_ARN --role-arn ROLE_ARN --endpoint http://127.0.0.1:9912"},
              {"Before asking AWS, with the set-up as files:",
               "pkitool doctor --certificate vm.crt --private-key vm.key --trust-anchor-arn TA_ARN --profile-arn PROFILE_ARN "
               "--role-arn ROLE_ARN --anchor root-ca/ca.crt --crl root-ca/crl.pem --trust-policy trust.json"}},
             "Each check prints ok, fail (and the fix) or skip (and why). The set-up checks need the emulator's key in\n"
             "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or --anchor, --crl and --trust-policy.",
             "0 when no check fails, 1 when any does, 2 for usage errors.");
    cmd->callback([opts, files, &ctx] {
        // Not opts->check(): a malformed ARN is a finding here (arns.well-formed), not a usage error.
        opts->key.check();
        if (const auto t = opts->transport(); t.verify_tls) t.trust_store.check();
        const auto now = exchange::Clock::now();
        exchange::doctor::Presented p{opts->leaf(), {}, "", opts->target.trust_anchor_arn, opts->target.profile_arn, opts->target.role_arn,
                                      opts->target.region, opts->target.duration_seconds};
        if (!opts->intermediates.empty()) p.intermediates = pem::load_certificates(opts->intermediates);  // unreadable: one line, exit 1
        std::optional<exchange::SessionIdentity> identity;
        try {
            identity = opts->identity();
            p.intermediates = identity->intermediates;
        } catch (const Error& e) {
            p.key_problem = e.what();
        }
        std::vector<Check> checks = exchange::doctor::local_checks(p, now);
        const auto transport = opts->transport();
        std::string endpoint;
        try {
            endpoint = opts->target.effective_endpoint();
            checks.push_back(exchange::doctor::clock_check(exchange::doctor::endpoint_date(endpoint, transport), now));
        } catch (const Error& e) {
            checks.push_back({"clock.skew", Status::Skip, e.what(), ""});
        }
        exchange::doctor::Setup setup;
        if (files->given()) {
            exchange::doctor::SetupFiles f;
            if (!files->anchor.empty()) f.anchor = files->anchor;
            f.crls.assign(files->crls.begin(), files->crls.end());
            if (!files->trust_policy.empty()) f.trust_policy = files->trust_policy;
            setup = exchange::doctor::read_file_setup(f);  // an unreadable file is an Error: one line, exit 1
            checks.push_back({"setup.source", Status::Ok, "the set-up is read from the files given", ""});
        } else if (const auto who = environment_credentials(); who && !opts->target.endpoint.empty() && !endpoint.empty()) {
            if (!arns_well_formed(checks)) {
                checks.push_back({"setup.source", Status::Skip, "the set-up is not read: an ARN is malformed", ""});
            } else {
                try {
                    setup = exchange::doctor::read_emulator_setup(endpoint, *who, p, transport);
                    checks.push_back({"setup.source", Status::Ok, "the set-up is read from " + setup.source, ""});
                } catch (const Error& e) {
                    checks.push_back({"setup.source", Status::Skip, std::string("the set-up could not be read: ") + e.what(), ""});
                }
            }
        } else {
            checks.push_back({"setup.source", Status::Skip,
                              "no set-up to check: give --endpoint of a pkitool emulator with its key in AWS_ACCESS_KEY_ID and "
                              "AWS_SECRET_ACCESS_KEY, or --anchor, --crl and --trust-policy",
                              ""});
        }
        for (auto& c : exchange::doctor::setup_checks(p, setup, now)) checks.push_back(std::move(c));
        if (!identity) {
            checks.push_back({"session.create", Status::Skip, "the key cannot sign for the certificate", ""});
        } else {
            try {
                (void)exchange::create_session(opts->target, *identity, transport, nullptr);
                checks.push_back({"session.create", Status::Ok, "CreateSession at " + endpoint + " returned credentials", ""});
            } catch (const Error& e) {
                checks.push_back({"session.create", Status::Fail, e.what(), "see the failing checks above"});
            }
        }
        const bool ok = exchange::doctor::all_ok(checks);
        if (ctx.json) {
            nlohmann::json out{{"ok", ok}, {"checks", nlohmann::json::array()}};
            for (const auto& c : checks) out["checks"].push_back({{"id", c.id}, {"status", to_string(c.status)}, {"message", c.message}, {"fix", c.fix}});
            ctx.print_json(out);
        } else {
            for (const auto& c : checks) {
                ctx.out << fmt::format("{:<4}  {}: {}\n", to_string(c.status), c.id, c.message);
                if (c.status == Status::Fail && !c.fix.empty()) ctx.out << "      fix: " << c.fix << '\n';
            }
        }
        if (!ok) ctx.exit_code = 1;  // a negative result, as lint's
    });
}

}  // namespace pkitool::cli
