// pkitool ca renew: a new certificate for a CA nearing its end, with the same key or (--rekey) a new one.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"
#include "pkitool/review.h"

#include "ca/ca_renewal.h"
#include "issue/inspect.h"

namespace pkitool::cli {

namespace {

struct Args {
    CaDirOption ca;
    std::string parent;
    DaysOption days;
    bool rekey = false, yes = false;
    PassphraseOption passphrase;
    PassphraseOption parent_passphrase{"", "--parent-passphrase-file", "PKITOOL_PARENT_PASSPHRASE"};
    TokenOption token;  // this CA's and the parent's keys, when in a token
};

void print_renewed(Context& ctx, const Args& a, const ca::CaRenewed& r, bool root) {
    const std::string anchor = a.ca.dir + "/ca.crt";
    if (ctx.json) {
        nlohmann::json j = issue::describe(r.renewed);
        j["dir"] = a.ca.dir;
        j["rekey"] = a.rekey;
        j["previous_path"] = r.previous_file.string();
        if (r.previous_key_file) j["previous_key_path"] = r.previous_key_file->string();
        if (r.cross_file) j["cross_path"] = r.cross_file->string();
        if (r.serial_in_parent) j["serial_in_parent"] = r.serial_in_parent->hex();
        j["reupload_trust_anchor"] = root && a.rekey;
        return ctx.print_json(j);
    }
    ctx.note("renewed " + issue::format_dn(r.renewed.subject_dn()) + " in " + anchor + "; the previous certificate is kept as " +
             r.previous_file.string());
    if (r.serial_in_parent) ctx.note("recorded in " + a.parent + "/pkitool.db as serial " + r.serial_in_parent->hex() + "; chain in " + a.ca.dir + "/chain.pem");
    if (!a.rekey) {
        ctx.note("same key: every certificate this CA issued verifies against the new certificate; " +
                 std::string(root ? "update the Roles Anywhere trust anchor with " + anchor + " before the old one expires"
                                  : "clients send the new " + a.ca.dir + "/chain.pem as --intermediates"));
        return;
    }
    ctx.note("new key: certificates issued from now on verify only against " + anchor + " (or, for relying parties that still trust the "
             "old certificate, through the cross-certificate in " + r.cross_file->string() + " sent as intermediates)");
    if (root)
        ctx.note("re-upload " + anchor + " as the Roles Anywhere trust anchor (update-trust-anchor); certificates issued under the old key "
                 "verify only against " + r.previous_file.string() + " and need renewing");
    else
        ctx.note("clients send the new " + a.ca.dir + "/chain.pem as --intermediates; the trust anchor (the root) stays; certificates issued "
                 "under the old key need renewing");
    ctx.note("the old key is kept as " + r.previous_key_file->string() + " (0600)");
}

}  // namespace

void register_ca_renew(CLI::App& ca, Context& ctx) {
    auto args = std::make_shared<Args>();
    auto* cmd = ca.add_subcommand("renew", "Renew a CA's own certificate, with the same key or (--rekey) a new one");
    args->ca.add(*cmd, "The CA directory to renew", true);
    auto* parent = cmd->add_option("--parent", args->parent, "An intermediate's parent CA directory, which signs the renewed certificate")
                       ->check(CLI::ExistingDirectory)
                       ->option_text("PARENT_DIR");
    args->days.add(*cmd, "as long as the current certificate; for an intermediate, no longer than the parent's days left");
    cmd->add_flag("--rekey", args->rekey, "Generate a new key of the same type, and a cross-certificate signed by the old key");
    cmd->add_flag("-y,--yes", args->yes, "Sign without showing the review prompt");
    args->passphrase.add(*cmd, "decrypts DIR/private/ca.key (a new key is encrypted with it too)", true);
    args->parent_passphrase.add(*cmd, "decrypts the parent CA's key", true);
    cmd->get_option("--parent-passphrase-file")->needs(parent);
    args->token.add(*cmd);
    examples(*cmd,
             {{"Renew a root with its key, so everything it issued keeps verifying:", "pkitool ca renew --dir root-ca --yes"},
              {"Renew an issuing CA under its root:", "pkitool ca renew --dir issuing-ca --parent root-ca --days 730 --yes"},
              {"Renew a root with a new key (the trust anchor must be uploaded again):", "pkitool ca renew --dir root-ca --rekey --yes"}},
             "Writes:\n"
             "  DIR/ca.crt                 the renewed certificate: same subject, key identifier, basicConstraints, keyUsage\n"
             "  DIR/previous/SERIAL.crt    the certificate it replaces\n"
             "  DIR/chain.pem              intermediates: the renewed certificate, then its parents\n"
             "  DIR/cross.pem              --rekey: the new key certified by the old key, then the old certificate\n"
             "  DIR/previous/SERIAL.key    --rekey: the old key (0600), still needed for CRLs of what it signed\n"
             "\n"
             "New files are staged and moved in after a commit marker: a crash leaves the old CA or the new one.\n"
             "A CA whose key is in a token (DIR/key.uri) is renewed with the same key; --rekey is refused for it.\n");
    cmd->callback([args, &ctx] {
        const auto& a = *args;
        const ca::Layout layout{a.ca.dir};
        ca::CaRenewalRequest req{a.ca.dir, a.parent.empty() ? std::nullopt : std::optional<std::filesystem::path>(a.parent), a.days.days, a.rekey,
                                 {}, {}};
        if (a.parent.empty() && !ca::Authority::open(a.ca.dir).is_root())
            throw Error(a.ca.dir + "/ca.crt: an intermediate CA is renewed by its parent", "give the parent CA's directory: --parent PARENT_DIR");
        const auto plan = ca::plan_ca_renewal(req);
        review(ctx, a.yes, "Renew this CA?", plan.describe(), "CA certificate");
        req.passphrase = a.passphrase.for_key(layout.key());
        req.access = req.parent_access = a.token.access();
        if (!a.parent.empty()) req.parent_passphrase = a.parent_passphrase.for_key(ca::Layout{a.parent}.key());
        print_renewed(ctx, a, ca::renew_ca(req), plan.root);
    });
}

}  // namespace pkitool::cli
