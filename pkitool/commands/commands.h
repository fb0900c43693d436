// Every subcommand's registration function; the table that wires them is in main.cpp.
#pragma once

#include "pkitool/context.h"

#include <CLI/CLI.hpp>

namespace pkitool::cli {

void register_key_new(CLI::App& key, Context& ctx);
void register_key_show(CLI::App& key, Context& ctx);
void register_key_public(CLI::App& key, Context& ctx);
void register_csr_new(CLI::App& csr, Context& ctx);
void register_show(CLI::App& app, Context& ctx);
void register_ca_init(CLI::App& ca, Context& ctx);
void register_ca_renew(CLI::App& ca, Context& ctx);
void register_ca_show(CLI::App& ca, Context& ctx);
void register_ca_import(CLI::App& ca, Context& ctx);
void register_ca_attach(CLI::App& ca, Context& ctx);
void register_issue(CLI::App& app, Context& ctx);
void register_db_list(CLI::App& db, Context& ctx);
void register_db_show(CLI::App& db, Context& ctx);
void register_db_backup(CLI::App& db, Context& ctx);
void register_db_check(CLI::App& db, Context& ctx);
void register_db_migrate(CLI::App& db, Context& ctx);
void register_revoke(CLI::App& app, Context& ctx);
void register_crl(CLI::App& app, Context& ctx);
void register_needs_renewal(CLI::App& app, Context& ctx);
void register_renew(CLI::App& app, Context& ctx);
void register_lint(CLI::App& app, Context& ctx);
void register_profiles_list(CLI::App& profiles, Context& ctx);
void register_profiles_show(CLI::App& profiles, Context& ctx);
void register_exchange_credential_process(CLI::App& exchange, Context& ctx);
void register_exchange_serve(CLI::App& exchange, Context& ctx);
void register_exchange_update(CLI::App& exchange, Context& ctx);
void register_exchange_configure(CLI::App& exchange, Context& ctx);
void register_exchange_sign_string(CLI::App& exchange, Context& ctx);
void register_exchange_read_certificate_data(CLI::App& exchange, Context& ctx);
void register_emulate(CLI::App& app, Context& ctx);
void register_doctor(CLI::App& app, Context& ctx);
void register_version(CLI::App& app, Context& ctx);
void register_export_p12(CLI::App& export_group, Context& ctx);

}  // namespace pkitool::cli
