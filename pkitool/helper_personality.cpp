// The aws_signing_helper personality: its command table and its way of failing.
#include "pkitool/helper_personality.h"
#include "pkitool/wording.h"

#include "pkitool/commands/helper_commands.h"
#include "base/error.h"

#include <cstring>
#include <unistd.h>

namespace pkitool::cli {

namespace {

// The helper's commands, in the order its help lists them.
constexpr void (*kHelperCommands[])(CLI::App&, Context&) = {
    register_helper_credential_process, register_helper_read_certificate_data, register_helper_serve,
    register_helper_sign_string,        register_helper_update,                register_helper_version,
};

// One log line: the message, then any hints after it on the same line (scripts read one line).
int fail(const Context& ctx, std::string message, const std::vector<std::string>& hints) {
    for (const auto& hint : hints) message += " (hint: " + hint + ")";
    ctx.err << ctx.stamp() << message << std::endl;
    return static_cast<int>(ExitCode::Failure);
}

}  // namespace

bool invoked_as_signing_helper(const char* argv0) {
    if (!argv0) return false;
    const char* slash = std::strrchr(argv0, '/');
    return std::strcmp(slash ? slash + 1 : argv0, "aws_signing_helper") == 0;
}

int run_as_signing_helper(int argc, char** argv) {
    Context ctx;
    ctx.log_lines = true;
    ctx.stdin_is_terminal = ::isatty(STDIN_FILENO) == 1;
    ctx.stderr_is_terminal = ::isatty(STDERR_FILENO) == 1;

    CLI::App app{"aws_signing_helper: temporary AWS credentials from IAM Roles Anywhere for a certificate and its key.\n"
                 "This is pkitool under the helper's name, following aws_signing_helper 1.8's command line;\n"
                 "`pkitool --help` shows pkitool's own, and `pkitool --version` its real version.\n"
                 "Every failure prints one log line on stderr and exits 1."};
    app.name("aws_signing_helper");
    for (const auto register_fn : kHelperCommands) register_fn(app, ctx);
    try {
        app.parse(argc, argv);
        if (app.get_subcommands().empty()) ctx.out << app.help();  // the helper prints help, exit 0
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(ctx, e.what(), {});
    } catch (const pkitool::Error& e) {
        // Worded with the flags of the helper command that ran, as pkitool's own main does.
        const auto words = word(e, command_that_ran(app));
        return fail(ctx, words.message, words.hints);
    } catch (const std::exception& e) {
        return fail(ctx, e.what(), {});
    }
    return ctx.exit_code;
}

}  // namespace pkitool::cli
