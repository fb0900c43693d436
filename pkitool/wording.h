// The CLI's words for what domains say as data: the input an Error is about becomes the flag of
// the command that ran (`--days 900`), and next steps become flags or pkitool commands.
#pragma once

#include "base/error.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace pkitool::cli {

struct Wording {
    std::string message;             // after "pkitool: error: "
    std::vector<std::string> hints;  // one "hint: " line each
};

// `command` is the subcommand that ran, nullptr when none did: the plain words are kept then.
Wording word(const Error& e, const CLI::App* command);

// A next step as `command` can take it; its plain words when the step needs a flag it lacks.
std::string word(const NextStep& step, const CLI::App* command);

// The flag of `command` for an input name ("path_len" → "--path-len"), "" when it has none.
std::string flag_for(const std::string& name, const CLI::App* command);

// The deepest subcommand `app` parsed (the one whose callback ran), or `app` itself.
const CLI::App* command_that_ran(const CLI::App& app);

}  // namespace pkitool::cli
