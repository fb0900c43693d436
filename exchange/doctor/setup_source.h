// Where the doctor learns the set-up an exchange meets (issue #12): a pkitool emulator's control
// plane and IAM, read with its administrator key, or files for a real AWS set-up (the anchor
// bundle, the CRLs imported, the role's trust policy).
#pragma once

#include "exchange/client/credentials.h"
#include "exchange/client/http_client.h"
#include "exchange/doctor/checks.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange::doctor {

// GetTrustAnchor, ListCrls (this anchor's enabled ones), GetProfile and IAM GetRole at `endpoint`,
// each signed with SigV4 (signing names rolesanywhere and iam) as `who`. A resource the endpoint
// does not have leaves its part of the Setup empty, so its checks fail or skip with that reason.
// Error when the endpoint cannot be reached or refuses the key.
Setup read_emulator_setup(const std::string& endpoint, const Credentials& who, const Presented& p, const TransportOptions& transport);

struct SetupFiles {
    std::optional<std::filesystem::path> anchor;        // PEM bundle, as uploaded as the trust anchor
    std::vector<std::filesystem::path> crls;            // as imported (ImportCrl), all enabled
    std::optional<std::filesystem::path> trust_policy;  // the role's trust policy JSON
};
// The same from files; Error naming the file that cannot be read.
Setup read_file_setup(const SetupFiles& files);

// The Date header of one unsigned GET at `endpoint` (any answer carries one), for clock.skew.
std::optional<std::string> endpoint_date(const std::string& endpoint, const TransportOptions& transport);

}  // namespace pkitool::exchange::doctor
