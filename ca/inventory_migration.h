// `db migrate` (issue #14): a CA directory's inventory moved between SQLite and PostgreSQL, every
// row, revocation, renewal link and the cRLNumber, checked on both sides before the directory
// switches to it.
#pragma once

#include "db/location.h"

#include <filesystem>
#include <optional>
#include <string>

namespace pkitool::ca {

struct MigrationSummary {
    std::string from, to;  // as db::to_string shows them
    size_t rows = 0, revoked = 0;
    uint64_t last_crl_number = 0;
    std::string checksum;  // SHA-256 over every row's serial, DER and revocation, the same on both sides
    std::optional<std::filesystem::path> kept;  // the SQLite file left behind, renamed, when leaving SQLite
    bool finished_earlier_copy = false;          // the target already held the same rows (a migration cut short)
};

// Copies DIR's inventory to `to` and switches DIR to it. The target must hold none of this CA's
// rows yet, or exactly the same (an earlier run cut short after the copy: it is finished). No
// other pkitool command may use the CA meanwhile. Error, nothing switched, on any difference.
MigrationSummary migrate_inventory(const std::filesystem::path& dir, const db::Location& to);

}  // namespace pkitool::ca
