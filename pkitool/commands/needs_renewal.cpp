// pkitool needs-renewal: is any of these certificates due for renewal? The verdict is the exit status.
#include "pkitool/commands/commands.h"
#include "pkitool/options.h"

#include "base/files.h"
#include "base/pem.h"
#include "issue/inspect.h"
#include "issue/renewal_due.h"
#include "issue/serial.h"
#include "issue/subject.h"

#include <fmt/format.h>

#include <cmath>

namespace pkitool::cli {

namespace {

struct Checked {
    std::string file;
    Botan::X509_Certificate cert;
    issue::RenewalTime not_before, not_after;
};

// The leaf (first certificate) of each file. Exit 2 when a file cannot be read as a certificate:
// 1 means "not due", so it cannot also mean "could not tell" (as step certificate needs-renewal).
Checked read_leaf(const std::string& path) {
    try {
        const auto certs = pem::certificates(files::read(path), files::name_of(path));
        const auto& leaf = certs.front();
        const auto seconds = [](const Botan::X509_Time& t) { return std::chrono::floor<std::chrono::seconds>(t.to_std_timepoint()); };
        return Checked{path, leaf, seconds(leaf.not_before()), seconds(leaf.not_after())};
    } catch (const Error& e) {
        throw Error(e.what(), e.hint(), ExitCode::Usage);
    } catch (const std::exception& e) {
        throw Error(files::name_of(path) + ": cannot read the certificate's validity: " + e.what(), {}, ExitCode::Usage);
    }
}

std::string describe(const issue::RenewalVerdict& v, const Checked& c, const issue::RenewalThreshold& t) {
    const auto until = issue::rfc3339(c.not_after);
    if (v.reason == issue::RenewalReason::Expired) return "expired on " + until;
    if (t.is_share())
        return fmt::format("{:.1f}% of its lifetime used (due at {}); expires {}", v.lifetime_used_percent, t.to_string(), until);
    return fmt::format("expires {} (due within {} of it)", until, t.to_string());
}

}  // namespace

void register_needs_renewal(CLI::App& app, Context& ctx) {
    struct Args {
        std::vector<std::string> inputs;
        std::string expires_in;
        CLI::Option* expires_in_option = nullptr;  // given, even as "": parsed, never the default
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("needs-renewal", "Tell whether certificates are due for renewal: exit 0 when one is, 1 when none is");
    cmd->add_option("CERT", a->inputs, "Certificate files, PEM or DER; the first certificate of each (the leaf) is checked; - reads standard input")
        ->required()
        ->check(kExistingFileOrStdin);
    a->expires_in_option = cmd->add_option("--expires-in", a->expires_in,
                    "Due when this share of the lifetime is used (66%) or when this little time is left (30d, 12h, 90m; 0s: "
                    "only once expired); default: 2/3 of the lifetime")
        ->option_text("30d|66%");
    examples(*cmd,
             {{"Renew when 2/3 of the lifetime has passed, as step ca renew --daemon does:", "pkitool needs-renewal vm.crt && renew-it"},
              {"Due when 30 days or less are left:", "pkitool needs-renewal --expires-in 30d vm.crt"},
              {"Several certificates, as JSON for a monitoring script:", "pkitool needs-renewal --json /etc/pki/*.crt"}},
             "A certificate is due when the threshold is reached, and always once it has expired (after its\n"
             "notAfter, RFC 5280 section 4.1.2.5). A time left is judged as `openssl x509 -checkend` judges it.\n"
             "The verdict, one line per certificate, goes to stdout.\n",
             "0 when at least one certificate needs renewal (or has expired), 1 when none does,\n"
             "2 for usage errors and for a file that cannot be read as a certificate (not 1, which means\n"
             "\"not due\": the same exception as step certificate needs-renewal makes).");
    cmd->callback([a, &ctx] {
        const auto threshold = a->expires_in_option->count() ? issue::RenewalThreshold::parse(a->expires_in) : issue::RenewalThreshold::standard();
        refuse_repeated_stdin(a->inputs);
        std::vector<Checked> checked;
        for (const auto& path : a->inputs) checked.push_back(read_leaf(path));  // every file read before any verdict
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        bool any_due = false;
        nlohmann::json list = nlohmann::json::array();
        for (const auto& c : checked) {
            const auto v = issue::renewal_due(c.not_before, c.not_after, now, threshold);
            any_due = any_due || v.due;
            if (ctx.json) {
                list.push_back({{"file", c.file},
                                {"serial", issue::Serial::from(Botan::BigInt(c.cert.serial_number())).hex()},
                                {"subject", issue::format_dn(c.cert.subject_dn())},
                                {"not_before", issue::rfc3339(c.not_before)},
                                {"not_after", issue::rfc3339(c.not_after)},
                                {"lifetime_used_percent", std::round(v.lifetime_used_percent * 100) / 100},
                                {"remaining_seconds", v.remaining.count()},
                                {"due", v.due},
                                {"reason", issue::to_string(v.reason)}});
            } else {
                ctx.out << c.file << ": " << (v.due ? "due" : "not due") << ": " << describe(v, c, threshold) << "\n";
            }
        }
        ctx.exit_code = any_due ? 0 : 1;
        if (ctx.json) ctx.print_json({{"certificates", list}, {"threshold", threshold.to_string()}, {"due", any_due}});
    });
}

}  // namespace pkitool::cli
