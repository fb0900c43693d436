// Minimal edits to the AWS CLI's INI files (~/.aws/credentials and ~/.aws/config) that keep every
// line we do not own byte for byte: other sections, comments, blank lines and key order.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pkitool::exchange {

using IniValues = std::vector<std::pair<std::string, std::string>>;

// Sets each key in section `[section]`: an existing `key = …` line is replaced in place (later
// duplicates are dropped), a missing key is added after the section's last setting, and a missing
// section is appended at the end.
std::string set_ini_values(const std::string& text, const std::string& section, const IniValues& values);

// The value of `key` in `[section]`, or "" (for tests and sanity checks).
std::string get_ini_value(const std::string& text, const std::string& section, const std::string& key);

}  // namespace pkitool::exchange
