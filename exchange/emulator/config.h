// What the local Roles Anywhere endpoint knows: trust anchors, profiles and roles, from the quick
// command-line form or from an emulate.json file (schema documented in `pkitool emulate --help`).
#pragma once

#include "exchange/emulator/attribute_mapping.h"
#include "exchange/emulator/trust_policy.h"

#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange {

// Session duration bounds of CreateSession and of a profile (Roles Anywhere API Reference, "CreateSession").
constexpr int kMinDurationSeconds = 900;
constexpr int kMaxDurationSeconds = 43200;

struct TrustAnchor {
    std::string name, arn;
    bool enabled = true;
    std::vector<Botan::X509_Certificate> certificates;  // 1 or 2 (Roles Anywhere User Guide, "Trust model")
    std::vector<Botan::X509_CRL> crls;                   // imported CRLs only; never fetched
};

struct EmulatedProfile {
    std::string name, arn;
    bool enabled = true;
    std::vector<std::string> role_arns;
    int duration_seconds = 3600;  // the cap on what a session may ask for
    bool accept_role_session_name = false;
    AttributeMappings attribute_mappings = default_attribute_mappings();  // which certificate fields become tags
};

struct EmulatedRole {
    std::string name, arn;
    TrustPolicy trust_policy;
    // IAM's Role data type (IAM API Reference, "Role"); roles of --anchor or emulate.json keep the
    // defaults, an empty role_id and no trust-policy document of their own.
    std::string path = "/";
    std::string role_id;                             // "AROA" + 17 characters
    std::optional<std::string> trust_policy_document;  // AssumeRolePolicyDocument as given
    std::optional<std::string> description;
    // Caps a session's duration (3600..43200). CreateRole defaults it to 3600, as IAM does; a role
    // from the quick form or emulate.json lets the profile and the request decide.
    int max_session_duration = kMaxDurationSeconds;
    std::chrono::system_clock::time_point created_at{};
    std::map<std::string, std::string> inline_policies;           // policy name -> JSON document as given
    std::vector<std::pair<std::string, std::string>> tags;        // key, value, in the order given
};

struct EmulatorConfig {
    std::string region = "us-east-1";
    std::string account = "123456789012";
    std::vector<TrustAnchor> anchors;
    std::vector<EmulatedProfile> profiles;
    std::vector<EmulatedRole> roles;

    const TrustAnchor* find_anchor(const std::string& arn) const;
    const EmulatedProfile* find_profile(const std::string& arn) const;
    const EmulatedRole* find_role(const std::string& arn) const;
};


// The certificates of a trust anchor bundle, checked as the service checks them (at most 2, each
// a CA fit to be an anchor); Error "<source>: ..." naming the certificate and the rule otherwise.
std::vector<Botan::X509_Certificate> check_trust_anchor_bundle(std::vector<Botan::X509_Certificate> certificates, const std::string& source);

// The role of the quick form, "pkitool-emulate", which trusts any certificate.
EmulatedRole quick_emulator_role(const std::string& account);
// No anchors or profiles, only the quick form's role: the first start of a state without a seed.
EmulatorConfig roles_only_emulator_config();

// One anchor (with its CRLs), one enabled profile and one role that trusts any certificate.
EmulatorConfig quick_emulator_config(const std::filesystem::path& anchor, const std::vector<std::filesystem::path>& crls);

// Parses and validates emulate.json; paths inside it are relative to the file's directory.
// Errors name the file and the field: "emulate.json: profiles[0].durationSeconds: ...".
EmulatorConfig load_emulator_config(const std::filesystem::path& path);

// The JSON form of emulate.json, for --help and README (kept next to the parser it documents).
extern const char* const kEmulatorConfigSchema;

}  // namespace pkitool::exchange
