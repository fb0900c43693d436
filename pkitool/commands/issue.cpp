// pkitool issue: sign a CSR, a freshly generated key, or a whole fleet with a profile, after review.
#include "pkitool/commands/commands.h"
#include "pkitool/completion.h"
#include "pkitool/options.h"
#include "pkitool/review.h"

#include "ca/authority.h"
#include "ca/fleet.h"
#include "ca/release.h"
#include "issue/inspect.h"
#include "issue/x509_file.h"
#include "base/error.h"

#include <fmt/format.h>

#include <filesystem>

namespace pkitool::cli {

namespace fs = std::filesystem;

namespace {

struct Args {
    CaDirOption ca;
    std::string csr;
    SubjectOption subject;
    SanOption san;
    KeyTypeOption key_type;
    std::string profile = profiles::builtin(profiles::Builtin::RolesAnywhereClient).name;
    ProfilesFileOption profiles_file;
    DaysOption days;
    OutputOption out;  // --out and the --force every output of issue obeys
    std::string key_out;
    std::string batch;
    bool resume = false;
    std::string out_dir;
    std::string chain_out;
    bool yes = false;
    PassphraseOption passphrase;
    TokenOption token;  // the CA key, when DIR/key.uri names it in a token
};

nlohmann::json issued_json(const ca::Issued& i) {
    auto j = issue::describe(i.certificate);
    j["profile"] = i.record.profile;
    return j;
}

// --chain-out: checked before anything is signed, written once the certificates are.
std::string chain_to_write(const ca::Authority& authority, const Args& a) {
    if (a.chain_out.empty()) return "";
    if (authority.is_root())
        throw usage_error("--chain-out: " + a.ca.dir + " is a root CA, so clients send no intermediates",
                          "drop --chain-out: relying parties trust " + a.ca.dir + "/ca.crt itself");
    files::ensure_writable(a.chain_out, a.out.overwrite());
    std::string pem;
    for (const auto& c : authority.chain()) pem += c.PEM_encode();
    return pem;
}

// Two flags naming one file would have the second write replace the first (a private key in
// the certificate's file, issue #8 defect 10): refused before anything is signed.
void refuse_same_file(const std::vector<std::pair<const char*, std::string>>& paths) {
    for (size_t i = 0; i < paths.size(); ++i)
        for (size_t j = i + 1; j < paths.size(); ++j) {
            if (paths[i].second.empty() || paths[j].second.empty()) continue;
            std::error_code ec;
            const auto a = fs::weakly_canonical(fs::absolute(paths[i].second), ec);
            const auto b = ec ? fs::path() : fs::weakly_canonical(fs::absolute(paths[j].second), ec);
            if (!ec && a == b) throw usage_error(std::string(paths[i].first) + " and " + paths[j].first + " name the same file " + paths[j].second,
                                        "give each output its own file");
        }
}

void issue_one(const Args& a, Context& ctx) {
    auto authority = ca::Authority::open(a.ca.dir);
    const auto catalog = a.profiles_file.catalog();
    const auto& profile = catalog.find(a.profile);
    const auto overwrite = a.out.overwrite();
    if (!a.out.given()) throw usage_error("--out is required", "name the certificate file: --out vm.crt");
    refuse_same_file({{"--out", a.out.path}, {"--key-out", a.key_out}, {"--chain-out", a.chain_out}, {"--csr", a.csr}});
    if (a.subject.given() && issue::Subject::parse(a.subject.text).empty())
        throw usage_error("--subject is empty; profile " + profile.name + " requires one", "give one with --subject \"CN=...\"");
    if (a.days.days && !profile.allows_days(*a.days.days))
        throw usage_error(fmt::format("--days {}: profile {} allows 1 to {} days", *a.days.days, profile.name, profile.max_days));
    const auto chain = chain_to_write(authority, a);

    ca::IssueRequest req{issue::Subject::parse(a.subject.text), issue::SubjectAltNames::parse(a.san.values), nullptr, profile, a.days.days};
    std::optional<issue::PrivateKey> new_key;
    if (!a.csr.empty()) {
        const auto csr = issue::load_csr(a.csr);
        req.public_key.reset(csr.subject_public_key());
        if (!a.subject.given()) req.subject = issue::Subject::from(csr.subject_dn());
        if (a.san.values.empty() && profile.copy_sans_from_csr) req.sans = issue::SubjectAltNames::of(csr, a.csr);
    } else {
        if (!a.subject.given()) throw usage_error("give --csr FILE, or --subject DN with --key-out FILE to generate a key");
        if (a.key_out.empty()) throw usage_error("--key-out is required when pkitool generates the key", "or sign an existing request with --csr FILE");
        files::ensure_writable(a.key_out, overwrite);
        new_key = issue::PrivateKey::generate(a.key_type.get());
        req.public_key = new_key->public_key();
    }
    files::ensure_writable(a.out.path, overwrite);
    auto tmpl = authority.draft(req);
    tmpl.delivery = {a.out.path, new_key ? std::optional<fs::path>(a.key_out) : std::nullopt};
    authority.unlock(a.passphrase.for_key(authority.layout().key()), a.token.access());
    review(ctx, a.yes, "Sign this certificate?", tmpl.describe(), "certificate");

    const auto issued = authority.issue(tmpl);
    ca::release(authority, issued,
                ca::ReleaseFiles{a.out.path, new_key ? std::optional<fs::path>(a.key_out) : std::nullopt,
                                 new_key ? new_key->to_pem(std::nullopt) : std::string(),
                                 chain.empty() ? std::nullopt : std::optional<fs::path>(a.chain_out), chain},
                overwrite);
    if (ctx.json) {
        auto j = issued_json(issued);
        j["certificate_path"] = a.out.path;
        if (new_key) j["key_path"] = a.key_out;
        if (!chain.empty()) j["chain_path"] = a.chain_out;
        return ctx.print_json(j);
    }
    ctx.note("issued " + issued.record.subject + " serial " + issued.record.serial.hex() + " (" + profile.name + ", until " +
             issue::rfc3339(issued.certificate.not_after().to_std_timepoint()) + ")");
    ctx.note("wrote " + a.out.path + (new_key ? " and " + a.key_out : "") + (chain.empty() ? "" : " and " + a.chain_out));
}

void issue_batch(const Args& a, Context& ctx) {
    auto authority = ca::Authority::open(a.ca.dir);
    const auto catalog = a.profiles_file.catalog();
    (void)catalog.find(a.profile);  // an unknown default profile is a usage error even if every row names one
    const auto chain = chain_to_write(authority, a);
    auto plan = ca::plan_fleet(authority, ca::read_fleet(a.batch, a.profile, catalog), a.out_dir, a.out.overwrite(), a.resume);
    authority.unlock(a.passphrase.for_key(authority.layout().key()), a.token.access());
    if (a.resume)
        ctx.note(fmt::format("resuming: {} row(s) complete, {} certificate(s) to write from the inventory, {} undelivered to revoke "
                             "(superseded) and issue again, {} to issue",
                             plan.complete, plan.deliver.size(), plan.supersede.size(), plan.rows.size() - plan.supersede.size()));

    std::vector<std::pair<std::string, std::string>> summary{
        {"Certificates", std::to_string(plan.rows.size()) + " (one key + certificate each, into " + a.out_dir + "/)"},
        {"CA", issue::format_dn(authority.certificate().subject_dn())}};
    for (size_t i = 0; i < plan.rows.size() && i < 5; ++i)
        summary.emplace_back(plan.rows[i].name, plan.rows[i].subject.to_string() + " [" + plan.rows[i].profile.name + ", " +
                                                    plan.rows[i].key_type.name() + "]");
    if (plan.rows.size() > 5) summary.emplace_back("...", std::to_string(plan.rows.size() - 5) + " more");
    review(ctx, a.yes, "Sign these certificates?", summary, "batch");

    const bool bar = ctx.stderr_is_terminal && !ctx.quiet;
    const auto issued = ca::issue_fleet(authority, plan, a.out.overwrite(), [&](size_t done, size_t total) {
        if (bar) ctx.err << fmt::format("\rissuing [{:<30}] {}/{}", std::string(30 * done / total, '#'), done, total) << std::flush;
    });
    if (bar) ctx.err << "\n";
    if (!chain.empty()) files::write_atomic(a.chain_out, chain, files::Mode::Public, a.out.overwrite());
    if (ctx.json) {
        nlohmann::json list = nlohmann::json::array();
        for (size_t i = 0; i < issued.size(); ++i)
            list.push_back({{"name", plan.rows[i].name}, {"serial", issued[i].record.serial.hex()}, {"subject", issued[i].record.subject},
                            {"not_after", issue::rfc3339(issued[i].record.not_after)}, {"profile", issued[i].record.profile}});
        nlohmann::json resumed = nlohmann::json::object();
        if (a.resume) {
            nlohmann::json delivered = nlohmann::json::array(), superseded = nlohmann::json::array();
            for (const auto& r : plan.deliver) delivered.push_back({{"serial", r.serial.hex()}, {"certificate_path", *r.cert_path}});
            for (const auto& r : plan.supersede) superseded.push_back({{"serial", r.serial.hex()}, {"certificate_path", *r.cert_path}});
            resumed = {{"complete", plan.complete}, {"delivered", delivered}, {"superseded", superseded}};
        }
        return ctx.print_json({{"issued", list}, {"out_dir", a.out_dir}, {"chain_path", a.chain_out}, {"resume", resumed}});
    }
    ctx.note(fmt::format("issued {} certificates into {}/", issued.size(), a.out_dir));
}

}  // namespace

void register_issue(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("issue", "Issue certificates: from a CSR, with a new key, or for a fleet (CSV)");
    a->ca.add(*cmd);
    auto* csr = cmd->add_option("--csr", a->csr, "Sign this request (PEM or DER; - reads standard input); its subject and SANs are used unless overridden")
                    ->check(kExistingFileOrStdin)->option_text("FILE");
    auto* subject = a->subject.add(*cmd, false);
    auto* san = a->san.add(*cmd);
    auto* key_type = a->key_type.add(*cmd);
    cmd->add_option("--profile", a->profile, "Certificate profile (see `pkitool profiles list`)")
        ->type_name(kProfileType)
        ->option_text("NAME (default rolesanywhere-client)");
    a->profiles_file.add(*cmd);
    auto* days = a->days.add(*cmd, "the profile's, 365 for rolesanywhere-client");
    auto* out = a->out.add(*cmd, "Where to write the certificate (PEM)");
    auto* key_out = cmd->add_option("--key-out", a->key_out, "Where to write the generated key (PKCS#8 PEM, 0600)")->option_text("FILE");
    auto* batch = cmd->add_option("--batch", a->batch, "Issue one key + certificate per row of this CSV file")
                      ->check(CLI::ExistingFile)->option_text("FLEET.csv");
    auto* out_dir = cmd->add_option("--out-dir", a->out_dir, "With --batch: where NAME.key and NAME.crt go (created 0700 when missing)")
                        ->option_text("DIR");
    cmd->add_flag("--resume", a->resume,
                  "With --batch: finish a batch that was interrupted. Rows whose files hold their recorded certificate and key are "
                  "skipped; a recorded certificate whose key is on disk is written out; one whose key was lost is revoked "
                  "(superseded) and issued again")
        ->needs(batch);
    cmd->add_option("--chain-out", a->chain_out,
                    "From an intermediate CA: also write the bundle a client sends as intermediates (DIR/chain.pem: "
                    "the issuing CA, then its parents up to but not including the root)")
        ->option_text("FILE");
    cmd->add_flag("-y,--yes", a->yes, "Sign without showing the review prompt");
    a->passphrase.add(*cmd, "decrypts the CA key", true);
    a->token.add(*cmd);
    csr->excludes(key_out);
    // A batch takes names, keys and days from its rows: these flags would be ignored, so they are refused.
    batch->excludes(csr)->excludes(key_out)->excludes(out)->excludes(subject)->excludes(san)->excludes(key_type)->excludes(days);
    batch->needs(out_dir);
    out_dir->needs(batch);
    cmd->footer(
        "\nWithout --yes, issue shows what it is about to sign and asks on the terminal; with no\n"
        "terminal and no --yes it refuses. The certificate is checked against its profile and\n"
        "recorded in DIR/pkitool.db before any file is written.\n"
        "\nfleet.csv for --batch: a header row `name,subject,san,key_type,days,profile`, then one row\n"
        "per host; empty cells take the defaults; separate several SANs with ';'; quote subjects:\n"
        "  name,subject,san,key_type,days,profile\n"
        "  vm-01,\"CN=vm-01,O=Example\",dns:vm-01.example,,,\n"
        "\nExamples:\n"
        "  Sign a CSR with the Roles Anywhere client profile:\n"
        "    $ pkitool issue --ca root-ca --csr vm.csr --out vm.crt\n"
        "  Generate a key and certificate for a VM, without the prompt:\n"
        "    $ pkitool issue --ca root-ca --subject \"CN=MyOnpremVM\" --out vm.crt --key-out vm.key --yes\n"
        "  A whole fleet:\n"
        "    $ pkitool issue --ca root-ca --batch fleet.csv --out-dir fleet --yes\n"
        "  The same after it was interrupted (killed, power loss): no row is issued twice:\n"
        "    $ pkitool issue --ca root-ca --batch fleet.csv --out-dir fleet --yes --resume\n"
        "  From an intermediate, with the chain for `exchange --intermediates`:\n"
        "    $ pkitool issue --ca issuing-ca --subject \"CN=vm-02\" --out vm-02.crt --key-out vm-02.key --chain-out chain.pem --yes\n");
    cmd->callback([a, &ctx] {
        if (!a->batch.empty()) issue_batch(*a, ctx);
        else issue_one(*a, ctx);
    });
}

}  // namespace pkitool::cli
