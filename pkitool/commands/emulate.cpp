// pkitool emulate: a local IAM Roles Anywhere + STS endpoint on 127.0.0.1, for offline rehearsals.
#include "pkitool/commands/commands.h"
#include "base/error.h"
#include "pkitool/options.h"

#include "exchange/emulator/config.h"
#include "exchange/emulator/endpoint.h"
#include "exchange/loopback_server.h"

namespace pkitool::cli {

namespace {

nlohmann::json describe(const exchange::EmulatorConfig& c, const std::string& url) {
    nlohmann::json j{{"endpoint", url}, {"region", c.region}, {"account", c.account}};
    for (const auto& a : c.anchors) j["trustAnchors"].push_back({{"name", a.name}, {"arn", a.arn}, {"enabled", a.enabled}});
    for (const auto& p : c.profiles)
        j["profiles"].push_back({{"name", p.name}, {"arn", p.arn}, {"enabled", p.enabled}, {"roleArns", p.role_arns}, {"durationSeconds", p.duration_seconds}});
    for (const auto& r : c.roles) j["roles"].push_back({{"name", r.name}, {"arn", r.arn}});
    // The quick form has one of each: name them directly so scripts need no array indexing.
    j["trustAnchorArn"] = c.anchors.front().arn;
    j["profileArn"] = c.profiles.front().arn;
    j["roleArn"] = c.profiles.front().role_arns.front();
    return j;
}

}  // namespace

void register_emulate(CLI::App& app, Context& ctx) {
    struct Args {
        std::string anchor, config;
        std::vector<std::string> crls;
        PortOption port{9912};
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "emulate", "Run a local IAM Roles Anywhere + STS endpoint on 127.0.0.1 that verifies requests as AWS does");
    auto* anchor = cmd->add_option("--anchor", args->anchor, "Trust anchor: PEM bundle of 1 or 2 CA certificates (quick form)")
                       ->check(CLI::ExistingFile)->option_text("CA.pem");
    cmd->add_option("--crl", args->crls, "CRL imported into the quick-form trust anchor (repeatable, at most 2)")
        ->check(CLI::ExistingFile)->needs(anchor)->option_text("CRL.pem");
    cmd->add_option("--config", args->config, "Several anchors, profiles and roles from a JSON file (schema below)")
        ->check(CLI::ExistingFile)->excludes(anchor)->option_text("emulate.json");
    args->port.add(*cmd);
    examples(*cmd, {{"Trust a CA and get ARNs to put in the client's flags:", "pkitool emulate --anchor root-ca/ca.crt --crl root-ca/crl.pem"},
                    {"For scripts: a free port, and one JSON line with the URL and ARNs:", "pkitool emulate --anchor root-ca/ca.crt --port 0 --json"},
                    {"Several anchors, profiles and roles with trust-policy conditions:", "pkitool emulate --config emulate.json"},
                    {"Check which role a certificate obtained (credentials in the environment):",
                     "aws sts get-caller-identity --endpoint-url http://127.0.0.1:9912"}});
    cmd->footer(cmd->get_footer() +
                "\nEndpoints: POST /sessions (CreateSession, SigV4-X509) and POST / (STS GetCallerIdentity with the issued credentials).\n"
                "Refusals carry X-Amzn-ErrorType and {\"message\": ...} naming the exact check that failed.\n"
                "Runs until interrupted. Exit 1 when the configuration is invalid or the port cannot be bound.\n"
                "\nemulate.json (paths are relative to the file; // comments are explanations, not JSON):\n" +
                std::string(exchange::kEmulatorConfigSchema) + "\n");
    cmd->callback([args, &ctx] {
        if (args->anchor.empty() && args->config.empty()) throw usage_error("emulate needs --anchor CA.pem or --config emulate.json");
        std::vector<std::filesystem::path> crls(args->crls.begin(), args->crls.end());
        auto config = args->config.empty() ? exchange::quick_emulator_config(args->anchor, crls) : exchange::load_emulator_config(args->config);
        exchange::RequestLog log;
        if (!ctx.quiet) log = [&ctx](const std::string& line) { ctx.err << line << std::endl; };
        exchange::EmulatorEndpoint endpoint(std::move(config), log);
        exchange::LoopbackServer server(endpoint.service(), exchange::EmulatorEndpoint::limits());
        server.bind(args->port.port);
        const auto j = describe(endpoint.config(), server.url());
        if (ctx.json) {
            ctx.out << j.dump() << std::endl;  // one line, flushed: a test or script reads it to find the port
        } else {
            ctx.out << "Roles Anywhere + STS endpoint: " << server.url() << " (region " << j["region"].get<std::string>() << ", account "
                    << j["account"].get<std::string>() << ")\n";
            for (const auto& a : j["trustAnchors"])
                ctx.out << "  trust anchor " << a["name"].get<std::string>() << ": " << a["arn"].get<std::string>() << (a["enabled"].get<bool>() ? "" : " (disabled)") << "\n";
            for (const auto& p : j["profiles"])
                ctx.out << "  profile " << p["name"].get<std::string>() << ": " << p["arn"].get<std::string>() << (p["enabled"].get<bool>() ? "" : " (disabled)") << "\n";
            for (const auto& r : j["roles"]) ctx.out << "  role " << r["name"].get<std::string>() << ": " << r["arn"].get<std::string>() << "\n";
            ctx.out << std::flush;
            ctx.note("serving until interrupted (Ctrl-C)");
        }
        exchange::StopOnSignal on_signal([&server] { server.stop(); });
        server.run();
    });
}

}  // namespace pkitool::cli
