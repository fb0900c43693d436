// The one read-modify-write of the AWS CLI's INI files, shared by `exchange configure`
// (~/.aws/config) and `exchange update` (~/.aws/credentials).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace pkitool::exchange {

// The new text of the file from its current text ("" when it does not exist yet).
using IniEdit = std::function<std::string(const std::string& text)>;

// Holding an exclusive lock on "<path>.lock" (so two pkitools never lose each other's edit), reads
// `path` (at most files::kMaxInputBytes), applies `edit` and replaces the file atomically, mode
// 0600: it holds secrets or the command that makes them. A symbolic link is followed: the file it
// names is edited and the link kept. Creates the file's directory (0700) when
// missing. Error naming the file when it cannot be read or written.
void edit_ini_file(const std::filesystem::path& path, const IniEdit& edit);

}  // namespace pkitool::exchange
