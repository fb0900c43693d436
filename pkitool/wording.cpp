// One place for the CLI's wording of domain errors and next steps (issue #9: domains give data,
// the CLI gives words), so a fleet row is never told to pass a flag it has no way to pass.
#include "pkitool/wording.h"

#include <algorithm>

namespace pkitool::cli {

namespace {

bool has(const CLI::App* command, const char* flag) { return command && command->get_option_no_throw(flag) != nullptr; }

std::string or_placeholder(const std::string& value, const char* placeholder) { return value.empty() ? placeholder : value; }

// The CA directory the command was given, for a step its domain could not place (a serial typed by hand).
std::string ca_given(const CLI::App* command) {
    const auto* option = command ? command->get_option_no_throw("--ca") : nullptr;
    return option && option->count() > 0 ? option->as<std::string>() : "";
}

}  // namespace

std::string flag_for(const std::string& name, const CLI::App* command) {
    if (name.empty()) return "";
    std::string flag = "--" + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    return has(command, flag.c_str()) ? flag : "";
}

const CLI::App* command_that_ran(const CLI::App& app) {
    const CLI::App* current = &app;
    for (auto parsed = current->get_subcommands(); !parsed.empty(); parsed = current->get_subcommands()) current = parsed.front();
    return current;
}

std::string word(const NextStep& s, const CLI::App* command) {
    using Kind = NextStep::Kind;
    const std::string ca = or_placeholder(s.ca, "DIR");
    switch (s.kind) {
        // Flags: only a command that has the flag can be told to pass it.
        case Kind::Overwrite:
            return has(command, "--force") ? "choose another path, or pass --force to replace it" : s.plain;
        case Kind::Resume:
            return has(command, "--resume") ? "to finish a batch that was interrupted, run it again with --resume" : s.plain;
        case Kind::Passphrase:
            return has(command, "--passphrase-file") ? "give its passphrase with --passphrase-file FILE or PKITOOL_PASSPHRASE" : s.plain;
        case Kind::SkipCache:
            return has(command, "--no-cache") ? "set XDG_CACHE_HOME or pass --no-cache" : s.plain;
        case Kind::SkipTlsCheck:
            return has(command, "--no-verify-ssl") ? "--no-verify-ssl skips the check (testing only)" : s.plain;
        case Kind::GiveRegion:
            return has(command, "--region") ? "pass --region" : s.plain;
        // Commands: the same words whichever command ran.
        case Kind::CreateCa: return "create one with `pkitool ca init --dir " + ca + " --subject \"CN=...\"`";
        case Kind::RecreateCa: return "re-create the CA with `pkitool ca init`";
        case Kind::RecreateIntermediate: return "re-create the intermediate with `pkitool ca init --parent` under a CA that allows it";
        case Kind::Reissue:
            return "re-issue it with `pkitool issue" + (s.profile.empty() ? "" : " --profile " + s.profile) + "`";
        case Kind::ListSerials: return "list the serials with `pkitool db list --ca " + or_placeholder(s.ca.empty() ? ca_given(command) : s.ca, "DIR") + "`";
        case Kind::PublishCrl: return "publish a new CRL with `pkitool crl --ca " + ca + "`";
        case Kind::ExportCertificate: return "export it with `pkitool db show --ca " + ca + " " + or_placeholder(s.serial, "SERIAL") + " --pem`";
        case Kind::ProfilesFormat: return "see `pkitool profiles list --help` for the file format";
        case Kind::EmulatorSchema: return "see `pkitool emulate --help` for the emulate.json schema";
    }
    return s.plain;
}

Wording word(const Error& e, const CLI::App* command) {
    Wording w{e.what(), e.hints()};
    if (const auto& input = e.input()) {
        // An input with an origin came from a file (a fleet row): it keeps the file's name for it.
        const std::string flag = input->origin.empty() ? flag_for(input->name, command) : "";
        if (!flag.empty()) w.message = describe_input(*input, flag, e.problem());
        if (input->most) {
            const std::string most = std::to_string(*input->most);
            w.hints.push_back(flag.empty() ? "set " + input->name + " to " + most + " or less" : "use " + flag + " " + most + " or less");
        }
    }
    for (const auto& s : e.steps())
        if (auto words = word(s, command); !words.empty()) w.hints.push_back(std::move(words));
    return w;
}

}  // namespace pkitool::cli
