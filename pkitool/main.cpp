// pkitool's entry point: the command table, global flags, and the one place errors are reported.
#include "pkitool/build_info.h"
#include "pkitool/commands/commands.h"
#include "pkitool/commands/completion.h"
#include "pkitool/commands/man_pages.h"
#include "pkitool/wording.h"
#include "pkitool/helper_personality.h"
#include "base/error.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <unistd.h>

namespace {

using namespace pkitool;
using namespace pkitool::cli;

struct Group {
    const char* name;
    const char* description;
};

struct Command {
    const char* group;  // nullptr: a top-level command
    void (*register_fn)(CLI::App&, Context&);
};

constexpr Group kGroups[] = {
    {"key", "Create and inspect private keys"},
    {"csr", "Create certificate signing requests"},
    {"ca", "Create and inspect certificate authorities"},
    {"db", "Query a CA's inventory of issued certificates"},
    {"profiles", "List and show certificate profiles"},
    {"exchange", "Exchange a certificate for temporary AWS credentials (IAM Roles Anywhere)"},
    {"export", "Write a key and its certificates in other formats"},
};

// The whole command line, in the order `pkitool --help` lists it.
constexpr Command kCommands[] = {
    {"ca", register_ca_init},   {"ca", register_ca_show},     {"ca", register_ca_import},   {"ca", register_ca_renew}, {"ca", register_ca_attach},
    {nullptr, register_issue},
    {"key", register_key_new},  {"key", register_key_show},   {"key", register_key_public},
    {"export", register_export_p12},
    {"csr", register_csr_new},  {nullptr, register_show},     {"db", register_db_list},
    {"db", register_db_show},   {"db", register_db_backup},   {"db", register_db_check}, {"db", register_db_migrate},
    {nullptr, register_revoke}, {nullptr, register_crl},     {nullptr, register_needs_renewal},
    {nullptr, register_renew},
    {nullptr, register_lint},   {"profiles", register_profiles_list}, {"profiles", register_profiles_show},
    {"exchange", register_exchange_credential_process}, {"exchange", register_exchange_serve},
    {"exchange", register_exchange_update}, {"exchange", register_exchange_configure},
    {"exchange", register_exchange_sign_string}, {"exchange", register_exchange_read_certificate_data},
    {nullptr, register_emulate}, {nullptr, register_doctor}, {nullptr, register_version}, {nullptr, register_completion}, {nullptr, register_complete}, {nullptr, register_man_pages},
};

// One error line, then one line per hint (cli.md: "pkitool: error: <file or object>: <problem>").
void print_error(const std::string& message, const std::vector<std::string>& hints) {
    std::cerr << "pkitool: error: " << message << '\n';
    for (const auto& hint : hints) std::cerr << "hint: " << hint << '\n';
}

}  // namespace

int main(int argc, char** argv) {
    // Botan's mlock'ed memory pool costs a quarter of a short pkitool run (thousands of
    // mprotect/munlock calls for small secure_vectors). Secrets are still wiped on free; they
    // are only no longer pinned against swap. Must run before Botan's first allocation.
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "0", 0);
    if (invoked_as_signing_helper(argv[0])) return run_as_signing_helper(argc, argv);  // the other command table
    Context ctx;
    ctx.stdin_is_terminal = ::isatty(STDIN_FILENO) == 1;
    ctx.stderr_is_terminal = ::isatty(STDERR_FILENO) == 1;

    CLI::App app{"pkitool: a private CA, certificate linting and IAM Roles Anywhere credentials in one tool.\n"
                 "Exit codes: 0 success, 1 failure or problems found, 2 usage error."};
    app.name("pkitool");
    app.set_version_flag("--version", version_text());
    app.add_flag("--json", ctx.json, "Print one JSON document on stdout (also accepted after the command)");
    app.add_flag("-q,--quiet", ctx.quiet, "Print nothing on stderr but errors and warnings");
    app.require_subcommand(1);
    app.fallthrough();  // lets --json and --quiet follow the command name

    std::map<std::string, CLI::App*> groups;
    for (const auto& g : kGroups) {
        auto* sub = app.add_subcommand(g.name, g.description);
        sub->require_subcommand(1);
        groups[g.name] = sub;
    }
    for (const auto& c : kCommands) c.register_fn(c.group ? *groups.at(c.group) : app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(e.what(), {"see `pkitool " + std::string(argc > 1 ? argv[1] : "") + " --help`"});
        return static_cast<int>(ExitCode::Usage);
    } catch (const pkitool::Error& e) {
        // The command that ran knows its flags: the input a domain names is worded as one of them.
        const auto words = word(e, command_that_ran(app));
        print_error(words.message, words.hints);
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        print_error(e.what(), {});
        return static_cast<int>(ExitCode::Failure);
    }
    return ctx.exit_code;
}
