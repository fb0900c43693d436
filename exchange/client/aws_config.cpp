// AWS CLI config file editing.
#include "exchange/client/aws_config.h"

#include "exchange/client/ini_document.h"
#include "exchange/client/ini_edit.h"
#include "base/error.h"

#include <cctype>
#include <cstdlib>
#include <string_view>

namespace pkitool::exchange {

std::filesystem::path default_config_file() {
    if (const char* f = std::getenv("AWS_CONFIG_FILE"); f && *f) return f;
    const char* home = std::getenv("HOME");
    if (!home || !*home) throw Error("AWS config file: HOME is not set", "set AWS_CONFIG_FILE");
    return std::filesystem::path(home) / ".aws" / "config";
}

std::string config_section(const std::string& profile) { return profile == "default" ? "default" : "profile " + profile; }

std::string shell_join(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out.push_back(' ');
        bool plain = !a.empty();
        for (unsigned char c : a)
            if (!(std::isalnum(c) || std::string_view("_./:=@%+,-").find(static_cast<char>(c)) != std::string_view::npos)) plain = false;
        if (plain) {
            out.append(a);
            continue;
        }
        // POSIX single quotes; a quote inside becomes '"'"' (close, quoted quote, reopen).
        out.push_back('\'');
        for (char c : a) {
            if (c == '\'') out.append("'\"'\"'");
            else out.push_back(c);
        }
        out.push_back('\'');
    }
    return out;
}

IniValues credential_process_values(const std::string& command, const std::string& region) {
    IniValues values{{"credential_process", command}};
    // Without it `aws ... --profile P` stops at "You must specify a region" (issue #10).
    if (!region.empty()) values.emplace_back("region", region);
    return values;
}

std::string with_credential_process(const std::string& text, const std::string& profile, const std::string& command, const std::string& region) {
    return set_ini_values(text, config_section(profile), credential_process_values(command, region));
}

void write_credential_process(const std::filesystem::path& path, const std::string& profile, const std::string& command, const std::string& region) {
    edit_ini_file(path, [&](const std::string& text) { return with_credential_process(text, profile, command, region); });
}

}  // namespace pkitool::exchange
