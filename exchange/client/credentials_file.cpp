// Shared credentials file update.
#include "exchange/client/credentials_file.h"

#include "base/file_lock.h"
#include "exchange/client/ini_document.h"
#include "base/error.h"
#include "base/files.h"

#include <cstdlib>

namespace pkitool::exchange {

std::filesystem::path default_credentials_file() {
    if (const char* f = std::getenv("AWS_SHARED_CREDENTIALS_FILE"); f && *f) return f;
    const char* home = std::getenv("HOME");
    if (!home || !*home) throw Error("credentials file: HOME is not set", "set AWS_SHARED_CREDENTIALS_FILE");
    return std::filesystem::path(home) / ".aws" / "credentials";
}

std::string with_credentials(const std::string& text, const std::string& profile, const Credentials& c) {
    return set_ini_values(text, profile,
                          {{"aws_access_key_id", c.access_key_id},
                           {"aws_secret_access_key", c.secret_access_key},
                           {"aws_session_token", c.session_token}});
}

void write_credentials_profile(const std::filesystem::path& path, const std::string& profile, const Credentials& c) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) files::make_directory(dir, files::Mode::Secret);
    files::FileLock lock(path.string() + ".lock");
    const std::string text = std::filesystem::exists(path, ec) ? files::read_text(path) : "";
    files::write_atomic(path, with_credentials(text, profile, c), files::Mode::Secret, files::Overwrite::Yes);
}

}  // namespace pkitool::exchange
