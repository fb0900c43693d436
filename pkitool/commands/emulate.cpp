// pkitool emulate: a local IAM Roles Anywhere + STS endpoint on 127.0.0.1, for offline rehearsals.
#include "pkitool/commands/commands.h"
#include "base/error.h"
#include "pkitool/options.h"

#include "exchange/emulator/config.h"
#include "exchange/emulator/control_state.h"
#include "exchange/emulator/endpoint.h"
#include "exchange/loopback_server.h"

namespace pkitool::cli {

namespace {

nlohmann::json describe(const exchange::EmulatorEndpoint& endpoint, const std::string& url, const std::string& state_file) {
    const auto s = endpoint.state().snapshot();
    const auto& admin = endpoint.administrator();
    nlohmann::json j{{"endpoint", url}, {"region", s->region}, {"account", s->account}, {"trustAnchors", nlohmann::json::array()},
                     {"profiles", nlohmann::json::array()}, {"roles", nlohmann::json::array()}};
    if (!state_file.empty()) j["state"] = state_file;
    // The control plane's identity: scripts export these to call `aws rolesanywhere`.
    j["administrator"] = {{"accessKeyId", admin.access_key_id}, {"secretAccessKey", admin.secret_access_key}, {"arn", admin.arn}};
    for (const auto& a : exchange::ControlSnapshot::in_order(s->anchors))
        j["trustAnchors"].push_back({{"name", a->name}, {"arn", s->anchor_arn(*a)}, {"enabled", a->enabled}});
    for (const auto& p : exchange::ControlSnapshot::in_order(s->profiles))
        j["profiles"].push_back({{"name", p->name}, {"arn", s->profile_arn(*p)}, {"enabled", p->enabled}, {"roleArns", p->role_arns},
                                 {"durationSeconds", p->duration_seconds}});
    for (const auto& [arn, r] : s->roles) j["roles"].push_back({{"name", r->name}, {"arn", arn}});
    // The quick form has one of each: name them directly so scripts need no array indexing.
    if (!j["trustAnchors"].empty()) j["trustAnchorArn"] = j["trustAnchors"][0]["arn"];
    if (!j["profiles"].empty() && !j["profiles"][0]["roleArns"].empty()) j["roleArn"] = j["profiles"][0]["roleArns"][0];
    else if (!j["roles"].empty()) j["roleArn"] = j["roles"][0]["arn"];
    if (!j["profiles"].empty()) j["profileArn"] = j["profiles"][0]["arn"];
    return j;
}

void print_text(std::ostream& out, const nlohmann::json& j) {
    out << "Roles Anywhere + STS endpoint: " << j["endpoint"].get<std::string>() << " (region " << j["region"].get<std::string>() << ", account "
        << j["account"].get<std::string>() << ")" << (j.contains("state") ? ", state in " + j["state"].get<std::string>() : "") << "\n";
    for (const auto& a : j["trustAnchors"])
        out << "  trust anchor " << a["name"].get<std::string>() << ": " << a["arn"].get<std::string>() << (a["enabled"].get<bool>() ? "" : " (disabled)") << "\n";
    for (const auto& p : j["profiles"])
        out << "  profile " << p["name"].get<std::string>() << ": " << p["arn"].get<std::string>() << (p["enabled"].get<bool>() ? "" : " (disabled)") << "\n";
    for (const auto& r : j["roles"]) out << "  role " << r["name"].get<std::string>() << ": " << r["arn"].get<std::string>() << "\n";
    const auto& admin = j["administrator"];
    out << "Control plane administrator, for aws rolesanywhere ... --endpoint-url " << j["endpoint"].get<std::string>() << ":\n"
        << "  export AWS_ACCESS_KEY_ID=" << admin["accessKeyId"].get<std::string>() << " AWS_SECRET_ACCESS_KEY='"
        << admin["secretAccessKey"].get<std::string>() << "' AWS_REGION=" << j["region"].get<std::string>() << "\n";
}

}  // namespace

void register_emulate(CLI::App& app, Context& ctx) {
    struct Args {
        std::string anchor, config, state;
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
    cmd->add_option("--state", args->state, "Keep anchors, profiles, CRLs and tags in this SQLite file across restarts (created 0600)")
        ->option_text("emulate.db");
    args->port.add(*cmd);
    examples(*cmd, {{"Trust a CA and get ARNs to put in the client's flags:", "pkitool emulate --anchor root-ca/ca.crt --crl root-ca/crl.pem"},
                    {"For scripts: a free port, and one JSON line with the URL, ARNs and administrator key:", "pkitool emulate --anchor root-ca/ca.crt --port 0 --json"},
                    {"Start empty, set up with the AWS CLI, and keep the set-up across restarts:", "pkitool emulate --state emulate.db"},
                    {"Create a trust anchor as the administrator it printed (AWS_ACCESS_KEY_ID etc. exported):",
                     "aws rolesanywhere create-trust-anchor --name root --enabled --source "
                     "\"sourceType=CERTIFICATE_BUNDLE,sourceData={x509CertificateData=$(cat root-ca/ca.crt)}\" --endpoint-url http://127.0.0.1:9912"},
                    {"Check which role a certificate obtained (credentials in the environment):",
                     "aws sts get-caller-identity --endpoint-url http://127.0.0.1:9912"}});
    cmd->footer(cmd->get_footer() +
                "\nEndpoints: POST /sessions (CreateSession, SigV4-X509), POST / (STS GetCallerIdentity), and the Roles Anywhere control\n"
                "plane: trust anchors, profiles, CRLs and tags (aws rolesanywhere ... --endpoint-url URL), signed with the administrator\n"
                "key printed at start or with issued credentials. Created anchors, profiles and CRLs are disabled unless created enabled.\n"
                "Refusals carry X-Amzn-ErrorType and {\"message\": ...} naming the exact check that failed.\n"
                "--anchor and --config seed a new --state file; a state that exists keeps what it holds (and its administrator key).\n"
                "Runs until interrupted. Exit 1 when the configuration or state is invalid or the port cannot be bound.\n"
                "\nemulate.json (paths are relative to the file; // comments are explanations, not JSON):\n" +
                std::string(exchange::kEmulatorConfigSchema) + "\n");
    cmd->callback([args, &ctx] {
        if (args->anchor.empty() && args->config.empty() && args->state.empty())
            throw usage_error("emulate needs --anchor CA.pem, --config emulate.json or --state emulate.db");
        auto state = exchange::open_control_state(args->state.empty() ? std::nullopt : std::optional<std::filesystem::path>(args->state));
        const bool seeding = !args->anchor.empty() || !args->config.empty();
        if (!state->initialized()) {
            std::vector<std::filesystem::path> crls(args->crls.begin(), args->crls.end());
            const auto seed = !args->config.empty() ? exchange::load_emulator_config(args->config)
                              : !args->anchor.empty() ? exchange::quick_emulator_config(args->anchor, crls)
                                                      : exchange::roles_only_emulator_config();
            state->initialize(seed, std::chrono::system_clock::now());
        } else if (seeding) {
            ctx.note(args->state + " already holds a state, which is kept: --anchor and --config seed only a new --state file");
        }
        exchange::RequestLog log;
        if (!ctx.quiet) log = [&ctx](const std::string& line) { ctx.err << line << std::endl; };
        exchange::EmulatorEndpoint endpoint(std::move(state), log);
        exchange::LoopbackServer server(endpoint.service(), exchange::EmulatorEndpoint::limits());
        server.bind(args->port.port);
        const auto j = describe(endpoint, server.url(), args->state);
        if (ctx.json) {
            ctx.out << j.dump() << std::endl;  // one line, flushed: a test or script reads it to find the port
        } else {
            print_text(ctx.out, j);
            ctx.out << std::flush;
            ctx.note("serving until interrupted (Ctrl-C)");
        }
        exchange::StopOnSignal on_signal([&server] { server.stop(); });
        server.run();
    });
}

}  // namespace pkitool::cli
