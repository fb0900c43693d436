// `pkitool exchange serve` and `pkitool emulate` in the pkitool executable: hand the whole command
// line to pkitool-server (server_commands.h says why), which parses it, help included.
#include "pkitool/commands/commands.h"
#include "pkitool/commands/server_commands.h"
#include "base/error.h"
#include "base/files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace pkitool::cli {

namespace {

// The exact argv this process was started with: CLI11 has consumed its own copy by now.
std::vector<std::string> own_arguments() {
    const auto raw = files::read("/proc/self/cmdline");
    std::vector<std::string> args;
    std::string current;
    for (const uint8_t c : raw) {
        if (c == 0) {
            args.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(static_cast<char>(c));
        }
    }
    return args;
}

[[noreturn]] void exec_server(Context& ctx) {
    const auto program = std::filesystem::read_symlink("/proc/self/exe").parent_path() / kServerProgram;
    const auto args = own_arguments();
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ctx.out.flush();
    ctx.err.flush();
    ::execv(program.c_str(), argv.data());
    throw Error(program.string() + ": cannot start: " + std::strerror(errno),
                "`exchange serve` and `emulate` run in pkitool-server, built next to pkitool (ninja pkitool builds both)");
}

CLI::App* launcher(CLI::App& parent, const char* name, const char* description, Context& ctx) {
    auto* cmd = parent.add_subcommand(name, description);
    // Every argument after the name is left unparsed, --help included (it is claimed here so the
    // parent does not answer it), and nothing falls through to the parent.
    cmd->set_help_flag();
    cmd->add_flag("-h,--help")->description("Show the help of this command");
    cmd->prefix_command();
    cmd->allow_extras();
    cmd->fallthrough(false);
    cmd->callback([&ctx] { exec_server(ctx); });
    return cmd;
}

}  // namespace

void register_exchange_serve(CLI::App& exchange, Context& ctx) { launcher(exchange, "serve", kServeDescription, ctx); }

void register_emulate(CLI::App& app, Context& ctx) { launcher(app, "emulate", kEmulateDescription, ctx); }

}  // namespace pkitool::cli
