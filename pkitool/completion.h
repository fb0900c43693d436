// Shell completion (issue #15): one engine that completes a command line against the CLI11 tree
// main builds, so what Tab offers is what the parser takes. The shell scripts only ask it
// (`pkitool __complete WORD...`) and show the answer.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace pkitool::cli {

// The type name (CLI::Option::type_name) of an option whose value is a certificate profile: Tab
// offers the catalog's names, the built-ins and --profiles-file's. Help shows option_text instead.
inline constexpr const char* kProfileType = "PROFILE";

struct Candidate {
    std::string word;
    std::string description;
};

struct Completion {
    std::vector<Candidate> candidates;  // all start with the word being completed
    bool files = false;                 // the shell should also offer file names
};

// `words` follow the program name up to the cursor; the last one is the word being completed
// (empty after a space).
Completion complete(CLI::App& app, const std::vector<std::string>& words);

enum class Shell { Bash, Zsh, Fish };

// The script for `pkitool completion SHELL`: it asks `PROGRAM __complete` at every Tab.
std::string completion_script(Shell shell);

}  // namespace pkitool::cli
