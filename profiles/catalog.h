// The profiles a command can use: the built-ins plus the user's own, read from a JSON file.
#pragma once

#include "profiles/profile.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace pkitool::profiles {

// User profiles file (JSON):
//   {"profiles": [{"name": "vm-client", "base": "rolesanywhere-client", "max_days": 90,
//                  "key_types": ["ec:p256"], "extended_key_usage": ["clientAuth", "serverAuth"]}]}
// Fields: name (required; lowercase letters, digits, '-'), base (a built-in or earlier profile to
// start from; default rolesanywhere-client), description, role ("end-entity" | "ca"), path_len,
// key_usage (names as in RFC 5280, e.g. "digitalSignature"), extended_key_usage ("clientAuth", ...),
// key_types ("ec:p256", ...), min_signature_hash_bits (256, 384, 512), default_days, max_days,
// require_subject, copy_sans_from_csr. Unknown fields are errors, so a typo never goes unnoticed.
class Catalog {
public:
    // Built-ins only.
    Catalog();
    // Built-ins plus the profiles in `file`; Error naming the file, the profile and the field on any mistake.
    // Which file, if any, is the CLI's decision (--profiles-file, $PKITOOL_PROFILES): it builds the
    // catalog once and hands it to what needs profiles.
    static Catalog load(const std::filesystem::path& file);
    static Catalog parse(const std::string& json_text, const std::string& source);

    const std::vector<Profile>& all() const { return profiles_; }
    bool is_builtin(const std::string& name) const;
    // Usage error naming the known profiles when there is none by that name.
    const Profile& find(const std::string& name) const;
    const std::string& source() const { return source_; }  // the user file, or ""

private:
    std::vector<Profile> profiles_;
    std::string source_;
};

// A profile as JSON (for `profiles show --json`), in the same shape the profiles file takes.
nlohmann::json to_json(const Profile& p);

}  // namespace pkitool::profiles
