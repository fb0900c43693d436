// Batch issuance for a fleet: one key and certificate per row of a CSV file.
#pragma once

#include "ca/authority.h"
#include "base/files.h"
#include "profiles/catalog.h"

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
    std::string origin;  // "fleet.csv:3": where errors about the row point
};

// Parses every row; Error names the file and line. A row's profile (or `default_profile` for an
// empty cell) is looked up in `catalog`.
std::vector<FleetRow> read_fleet(const fs::path& csv, const std::string& default_profile, const profiles::Catalog& catalog);
// The same from the file's text; `file` is what errors call it.
std::vector<FleetRow> parse_fleet(const std::string& text, const std::string& file, const std::string& default_profile,
                                  const profiles::Catalog& catalog);

struct FleetPlan {
    std::vector<FleetRow> rows;      // the rows to issue
    std::vector<Validity> validity;  // one per row
    fs::path out_dir;
    bool create_out_dir = false;     // it does not exist yet: issue_fleet creates it (0700)
    // With resume: rows already done, certificates recorded for a row whose key is on disk but
    // whose NAME.crt is not (written from the inventory, nothing signed), and recorded
    // certificates whose key never reached the disk (revoked as superseded, then re-issued).
    size_t complete = 0;
    std::vector<db::CertificateRecord> deliver;
    std::vector<db::CertificateRecord> supersede;
};

// Checks every row against its profile and the CA, and that no output file exists (unless
// overwrite). Nothing is generated or written; a missing `out_dir` (whose parent exists) is
// created by issue_fleet. `resume` takes up a batch that was killed
// (issue #8, defect 12): rows whose NAME.crt and NAME.key are this CA's recorded certificate and
// its key are complete; a row with a recorded, undelivered certificate (neither file on disk) is
// finished as above; a certificate file without its key was delivered and is refused.
FleetPlan plan_fleet(const Authority& ca, std::vector<FleetRow> rows, const fs::path& out_dir, files::Overwrite overwrite, bool resume = false);

// Creates the output directory when the plan says so, revokes and delivers what the plan says,
// then generates the keys, issues them recorded chunk
// by chunk, and writes each chunk's NAME.key (0600) and NAME.crt once it is committed.
std::vector<Issued> issue_fleet(Authority& ca, const FleetPlan& plan, files::Overwrite overwrite,
                                const std::function<void(size_t, size_t)>& on_progress = {});

}  // namespace pkitool::ca
