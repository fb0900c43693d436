// A length of time as users write it on a command line: "30d", "12h", "90m", "2w", "45s".
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace pkitool {

// A whole number (at most 9 digits) followed by one unit, s, m, h, d or w; nullopt for anything
// else. The caller words the error: it knows which option the text came from.
std::optional<std::chrono::seconds> parse_duration(const std::string& text);

}  // namespace pkitool
