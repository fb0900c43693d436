// `exchange configure`: a credential_process profile in the AWS CLI config file (AWS CLI User
// Guide, "Sourcing credentials with an external process").
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace pkitool::exchange {

// $AWS_CONFIG_FILE, else $HOME/.aws/config.
std::filesystem::path default_config_file();

// "[default]" for "default", "[profile NAME]" otherwise, as the AWS CLI names config sections.
std::string config_section(const std::string& profile);

// One command line as botocore splits it (shlex, POSIX rules): words with anything but
// [A-Za-z0-9_./:=@%+,-] are single-quoted.
std::string shell_join(const std::vector<std::string>& argv);

// The keys and values a profile gets: credential_process, and region when one is given.
std::vector<std::pair<std::string, std::string>> credential_process_values(const std::string& command, const std::string& region);

// The file's text with `credential_process = <command>` in the profile's section.
std::string with_credential_process(const std::string& text, const std::string& profile, const std::string& command,
                                    const std::string& region = "");

// Edits `path` with edit_ini_file (ini_edit.h): under a lock, atomically, 0600, its directory made.
void write_credential_process(const std::filesystem::path& path, const std::string& profile, const std::string& command,
                              const std::string& region = "");

}  // namespace pkitool::exchange
