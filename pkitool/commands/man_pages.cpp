// pkitool __man-pages DIR (hidden; issue #15): writes pkitool.1 and one pkitool-NAME.1 per
// top-level command or group, made of the very help text each command prints (CLI11's help()),
// so a page cannot say what --help does not. The build runs it; tests/cli/man_pages_test.cpp
// renders each page with nroff and compares it with `--help`.
#include "base/files.h"
#include "pkitool/build_info.h"
#include "pkitool/commands/commands.h"
#include "pkitool/commands/man_pages.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <sstream>

namespace pkitool::cli {

namespace {

constexpr const char* kName = "__man-pages";

// Text for roff (groff_man(7)): a backslash is \e, '-' is \- (an ASCII minus, not a hyphen, as
// options need), and a line starting with '.' or '\'' would be a request: \& defuses it.
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (const char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
        line_start = c == '\n';
    }
    return out;
}

// The help block exactly as printed: no filling, no adjusting.
std::string verbatim(const std::string& help) { return ".nf\n" + roff(help) + (help.empty() || help.back() == '\n' ? "" : "\n") + ".fi\n"; }

// What `NAME --help` prints: App::help() delegates to the subcommand parsed, which here is this
// one, so the formatter is asked directly, with the same name the delegation would give.
std::string help_of(const CLI::App& cmd, const std::string& name) { return cmd.get_formatter()->make_help(&cmd, name, CLI::AppFormatMode::Normal); }

std::vector<CLI::App*> visible_subcommands(CLI::App& app) {
    return app.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); });
}

std::string header(const std::string& page, const std::string& description, const BuildInfo& b) {
    std::string upper;
    for (const char c : page) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return fmt::format(".TH \"{}\" \"1\" \"\" \"pkitool {}\" \"pkitool manual\"\n.SH NAME\n{} \\- {}\n", upper, b.version, roff(page), roff(description));
}

// pkitool-NAME.1: the command's help, then each of its subcommands' under its own heading.
std::string command_page(CLI::App& cmd, const BuildInfo& b) {
    const std::string page = "pkitool-" + cmd.get_name();
    std::string out = header(page, cmd.get_description(), b);
    out += ".SH DESCRIPTION\n" + verbatim(help_of(cmd, "pkitool " + cmd.get_name()));
    for (auto* sub : visible_subcommands(cmd)) {
        out += ".SH \"" + roff("pkitool " + cmd.get_name() + " " + sub->get_name()) + "\"\n";
        out += verbatim(help_of(*sub, "pkitool " + cmd.get_name() + " " + sub->get_name()));
    }
    out += ".SH \"SEE ALSO\"\n\\fBpkitool\\fR(1)\n";
    return out;
}

std::string main_page(CLI::App& app, const BuildInfo& b) {
    // The description's first line, "pkitool: what it is", gives NAME.
    const auto d = app.get_description();
    const auto first = d.substr(0, d.find('\n'));
    std::string out = header("pkitool", first.substr(first.find(": ") == std::string::npos ? 0 : first.find(": ") + 2), b);
    out += ".SH DESCRIPTION\n" + verbatim(help_of(app, "pkitool"));
    out += ".SH VERSION\n" + verbatim(version_text(b));
    out += ".SH \"SEE ALSO\"\n";
    std::string sep;
    for (auto* sub : visible_subcommands(app)) {
        out += sep + "\\fBpkitool\\-" + roff(sub->get_name()) + "\\fR(1)";
        sep = ",\n";
    }
    return out + "\n";
}

}  // namespace

void register_man_pages(CLI::App& app, Context& ctx) {
    auto dir = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(kName, "Write the man pages, made of the commands' help text, into DIR");
    cmd->group("");  // hidden: the build runs it, users read the pages
    cmd->add_option("DIR", *dir, "Directory for pkitool.1 and pkitool-NAME.1 (created when missing)")->required();
    cmd->callback([dir, &app, &ctx] {
        const auto b = build_info();
        const std::filesystem::path out(*dir);
        std::filesystem::create_directories(out);
        files::write_atomic(out / "pkitool.1", main_page(app, b), files::Mode::Public, files::Overwrite::Yes);
        size_t pages = 1;
        for (auto* sub : visible_subcommands(app)) {
            files::write_atomic(out / ("pkitool-" + sub->get_name() + ".1"), command_page(*sub, b), files::Mode::Public, files::Overwrite::Yes);
            ++pages;
        }
        ctx.note(fmt::format("wrote {} man pages in {}", pages, out.string()));
    });
}

}  // namespace pkitool::cli
