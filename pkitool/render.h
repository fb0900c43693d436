// Human-readable rendering of the structured descriptions in issue/inspect.h (like `openssl x509 -text`).
#pragma once

#include "db/record.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace pkitool::cli {

void render(std::ostream& out, const nlohmann::json& description);

// One inventory row as `db list --json`, `db show --json` and `revoke --json` print it.
nlohmann::json record_json(const db::CertificateRecord& r, db::Time now);
// The same as the text record_json(r, now).dump(2) would be, each line after `indent`, written
// straight into `out`: `db list --json` prints thousands, and building each as a json object cost
// more than reading it from the inventory.
void append_record_json(std::string& out, const db::CertificateRecord& r, db::Time now, std::string_view indent);

// A holdInstructionCode OID by the name openssl gives it (holdInstructionReject), else the OID.
std::string hold_instruction_name(const std::string& oid);

}  // namespace pkitool::cli
