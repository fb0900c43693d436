// The commands of pkitool invoked as aws_signing_helper (pkitool/helper_personality.cpp wires them):
// its command line, defaults and outputs, on pkitool's engines.
#pragma once

#include "pkitool/context.h"

#include <CLI/CLI.hpp>

namespace pkitool::cli {

// The release whose command line this personality reproduces.
inline constexpr const char* kSigningHelperVersion = "1.8.0";

void register_helper_credential_process(CLI::App& app, Context& ctx);
void register_helper_serve(CLI::App& app, Context& ctx);
void register_helper_update(CLI::App& app, Context& ctx);
void register_helper_sign_string(CLI::App& app, Context& ctx);
void register_helper_read_certificate_data(CLI::App& app, Context& ctx);
void register_helper_version(CLI::App& app, Context& ctx);

}  // namespace pkitool::cli
