// Human-readable rendering of the structured descriptions in issue/inspect.h (like `openssl x509 -text`).
#pragma once

#include "db/record.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace pkitool::cli {

void render(std::ostream& out, const nlohmann::json& description);

// One inventory row as `db list --json`, `db show --json` and `revoke --json` print it.
nlohmann::json record_json(const db::CertificateRecord& r, db::Time now);

// A holdInstructionCode OID by the name openssl gives it (holdInstructionReject), else the OID.
std::string hold_instruction_name(const std::string& oid);

}  // namespace pkitool::cli
