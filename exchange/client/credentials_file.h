// `exchange update`: the shared credentials file (AWS SDKs and Tools Reference Guide, "Shared config
// and credentials files"), edited in place under a lock.
#pragma once

#include "exchange/client/credentials.h"

#include <filesystem>
#include <string>
#include <vector>

namespace pkitool::exchange {

// $AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials.
std::filesystem::path default_credentials_file();

// The keys with_credentials sets, in the order it writes them.
const std::vector<std::string>& credentials_keys();

// The file's text with `[profile]` holding these credentials; everything else kept.
std::string with_credentials(const std::string& text, const std::string& profile, const Credentials& c);

// Edits `path` with edit_ini_file (ini_edit.h): under a lock on "<path>.lock", so two updaters
// never lose each other's profile, atomically, 0600, its directory created 0700 when missing.
void write_credentials_profile(const std::filesystem::path& path, const std::string& profile, const Credentials& c);

}  // namespace pkitool::exchange
