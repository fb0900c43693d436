// The completion commands (issue #15); main registers them after every other command, so they
// complete the whole command line.
#pragma once

#include "pkitool/context.h"

#include <CLI/CLI.hpp>

namespace pkitool::cli {

void register_completion(CLI::App& app, Context& ctx);  // pkitool completion bash|zsh|fish
void register_complete(CLI::App& app, Context& ctx);    // the hidden __complete the scripts ask

}  // namespace pkitool::cli
