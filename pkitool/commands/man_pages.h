// The hidden command that writes the man pages (issue #15); main registers it last, so the
// pages describe every other command.
#pragma once

#include "pkitool/context.h"

#include <CLI/CLI.hpp>

namespace pkitool::cli {

void register_man_pages(CLI::App& app, Context& ctx);

}  // namespace pkitool::cli
