// Batch issuance for a fleet: one key and certificate per row of a CSV file.
#pragma once

#include "ca/authority.h"
#include "pkitool/files.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::ca {

// fleet.csv: header row `name,subject,san,key_type,days,profile`; empty cells take defaults;
// `san` entries are separated by ';'. Fields holding commas (subjects) are double-quoted.
struct FleetRow {
    size_t line;       // 1-based line in the file, for error messages
    std::string name;  // output base name: NAME.key, NAME.crt
    issue::Subject subject;
    issue::SubjectAltNames sans;
    issue::KeyType key_type;
    std::optional<unsigned> days;
    profiles::Profile profile;
};

// Parses every row; Error names the file and line.
std::vector<FleetRow> read_fleet(const fs::path& csv, const std::string& default_profile);

struct FleetPlan {
    std::vector<FleetRow> rows;
    std::vector<Validity> validity;  // one per row
    fs::path out_dir;
};

// Checks every row against its profile and the CA, and that no output file exists (unless
// overwrite). Nothing is generated or written.
FleetPlan plan_fleet(const Authority& ca, std::vector<FleetRow> rows, const fs::path& out_dir, files::Overwrite overwrite);

// Generates the keys, issues them recorded chunk by chunk, and writes each chunk's NAME.key (0600)
// and NAME.crt once it is committed.
std::vector<Issued> issue_fleet(Authority& ca, const FleetPlan& plan, files::Overwrite overwrite,
                                const std::function<void(size_t, size_t)>& on_progress = {});

}  // namespace pkitool::ca
