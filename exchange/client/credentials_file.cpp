// Shared credentials file update.
#include "exchange/client/credentials_file.h"

#include "exchange/client/ini_document.h"
#include "exchange/client/ini_edit.h"
#include "base/error.h"

#include <cstdlib>

namespace pkitool::exchange {

std::filesystem::path default_credentials_file() {
    if (const char* f = std::getenv("AWS_SHARED_CREDENTIALS_FILE"); f && *f) return f;
    const char* home = std::getenv("HOME");
    if (!home || !*home) throw Error("credentials file: HOME is not set", "set AWS_SHARED_CREDENTIALS_FILE");
    return std::filesystem::path(home) / ".aws" / "credentials";
}

const std::vector<std::string>& credentials_keys() {
    static const std::vector<std::string> keys = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"};
    return keys;
}

std::string with_credentials(const std::string& text, const std::string& profile, const Credentials& c) {
    const auto& k = credentials_keys();
    return set_ini_values(text, profile, {{k[0], c.access_key_id}, {k[1], c.secret_access_key}, {k[2], c.session_token}});
}

void write_credentials_profile(const std::filesystem::path& path, const std::string& profile, const Credentials& c) {
    edit_ini_file(path, [&](const std::string& text) { return with_credentials(text, profile, c); });
}

}  // namespace pkitool::exchange
