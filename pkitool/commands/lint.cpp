// pkitool lint: check certificates, a chain, trust anchors and CRLs against the Roles Anywhere rules.
#include "pkitool/commands/commands.h"
#include "pkitool/completion.h"
#include "pkitool/options.h"
#include "pkitool/wording.h"

#include "profiles/lint.h"

#include <fmt/format.h>

#include <algorithm>

namespace pkitool::cli {

namespace {

// The supporting material by the flag it came from; input and anchor files by their names.
std::string source_of(const profiles::LintedItem& i) {
    switch (i.from) {
        case profiles::ItemSource::File: return i.source;
        case profiles::ItemSource::Chain: return "--chain";
        case profiles::ItemSource::Crls: return "--crl";
    }
    return i.source;
}

std::string fix_of(const profiles::Finding& f) { return f.step ? word(*f.step, nullptr) : f.fix; }

nlohmann::json report_json(const profiles::LintReport& r) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& i : r.items) {
        nlohmann::json findings = nlohmann::json::array();
        for (const auto& f : i.findings)
            findings.push_back({{"rule", f.rule}, {"severity", profiles::to_string(f.severity)}, {"certificate", f.certificate},
                                {"message", f.message}, {"fix", fix_of(f)}});
        nlohmann::json j{{"certificate", i.certificate}, {"source", source_of(i)}, {"findings", findings}};
        if (!i.profile.empty()) j["profile"] = i.profile;
        items.push_back(j);
    }
    return {{"certificates", items},
            {"summary",
             {{"certificates", r.certificates},
              {"errors", r.count(profiles::Severity::Error)},
              {"warnings", r.count(profiles::Severity::Warning)},
              {"infos", r.count(profiles::Severity::Info)}}},
            {"ok", !r.has_errors()}};
}

void print_report(std::ostream& out, const profiles::LintReport& r) {
    for (const auto& i : r.items) {
        const std::string source = source_of(i);
        const std::string where = source == i.certificate ? "" : "  [" + source + (i.profile.empty() ? "" : ", " + i.profile) + "]";
        const bool error = std::any_of(i.findings.begin(), i.findings.end(), [](const auto& f) { return f.severity == profiles::Severity::Error; });
        out << (error ? "FAIL  " : i.findings.empty() ? "ok    " : "warn  ") << i.certificate << where << '\n';
        for (const auto& f : i.findings) {
            out << fmt::format("  {:<7} {}: {}\n", profiles::to_string(f.severity), f.rule, f.message);
            if (const auto fix = fix_of(f); !fix.empty()) out << "          fix: " << fix << '\n';
        }
    }
    out << fmt::format("{} certificate(s): {} error(s), {} warning(s)\n", r.certificates, r.count(profiles::Severity::Error),
                       r.count(profiles::Severity::Warning));
}

}  // namespace

void register_lint(CLI::App& app, Context& ctx) {
    struct Args {
        std::vector<std::string> inputs, chain, anchors, crls;
        std::string profile = "auto";
        ProfilesFileOption profiles_file;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("lint", "Check certificates against the IAM Roles Anywhere rules and RFC 5280 before upload");
    cmd->add_option("CERT", a->inputs, "Certificates: PEM or DER files, bundles, or directories (*.pem, *.crt, *.cer, *.der in them); - reads standard input")
        ->required()
        ->check(kExistingPathOrStdin);
    cmd->add_option("--chain", a->chain, "Intermediate CA certificates the chain may use (repeatable)")->check(CLI::ExistingFile)->option_text("BUNDLE");
    cmd->add_option("--anchor", a->anchors, "The trust anchor bundle as uploaded to Roles Anywhere; also checked itself (repeatable)")
        ->check(CLI::ExistingFile)->option_text("CA.pem");
    cmd->add_option("--crl", a->crls, "CRLs imported into Roles Anywhere (repeatable)")->check(CLI::ExistingFile)->option_text("CRL.pem");
    cmd->add_option("--profile", a->profile, "Profile to judge against; auto: rolesanywhere-anchor for CA certificates, rolesanywhere-client otherwise")
        ->type_name(kProfileType)
        ->option_text("auto|NAME");
    a->profiles_file.add(*cmd);
    examples(*cmd,
             {{"Check a client certificate and its path to the trust anchor:", "pkitool lint vm.crt --chain issuing-ca/chain.pem --anchor root-ca/ca.crt"},
              {"Check a trust anchor before CreateTrustAnchor:", "pkitool lint root-ca/ca.crt"},
              {"Every certificate a CA issued, with revocations, for a script:", "pkitool lint root-ca/certs --anchor root-ca/ca.crt --crl root-ca/crl.pem --json"}},
             "Each finding has a rule id (ra.* for Roles Anywhere, rfc5280.*, lint.parse for unreadable input),\n"
             "a severity, the certificate (subject and serial), a message and a fix. Without --anchor the\n"
             "chain's trust is not judged; with it, ra.chain.untrusted says which certificate is missing.\n",
             "0 when no error is found (warnings allowed), 1 when any error is, 2 for usage errors.");
    cmd->callback([a, &ctx] {
        refuse_repeated_stdin(a->inputs);
        const auto catalog = a->profiles_file.catalog();
        profiles::LintRequest req;
        req.inputs.assign(a->inputs.begin(), a->inputs.end());
        req.chain.assign(a->chain.begin(), a->chain.end());
        req.anchors.assign(a->anchors.begin(), a->anchors.end());
        req.crls.assign(a->crls.begin(), a->crls.end());
        req.profile = a->profile;
        if (req.profile != "auto") (void)catalog.find(req.profile);  // usage error before any work
        const auto report = profiles::lint(req, catalog);
        if (ctx.json) ctx.print_json(report_json(report));
        else print_report(ctx.out, report);
        // A negative result, not a failure: exit 1 without an error line (README "Command line").
        if (report.has_errors()) ctx.exit_code = 1;
    });
}

}  // namespace pkitool::cli
