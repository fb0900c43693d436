// A profile: the one definition of what a certificate must be, used to issue it and to lint it.
#pragma once

#include "issue/key.h"

#include <botan/pkix_enums.h>

#include <optional>
#include <string>
#include <vector>

namespace pkitool::profiles {

// Extended key usages pkitool knows by name (RFC 5280 §4.2.1.12).
enum class ExtendedUsage { ClientAuth, ServerAuth, CodeSigning, EmailProtection, OcspSigning, TimeStamping };
std::string oid_of(ExtendedUsage u);
std::string name_of(ExtendedUsage u);  // "clientAuth"

enum class Role { EndEntity, CertificateAuthority };

struct Profile {
    std::string name;
    std::string description;
    Role role = Role::EndEntity;
    // For a CA: the pathLenConstraint to put in the certificate (none = unlimited).
    std::optional<size_t> path_len;
    Botan::Key_Constraints key_usage = Botan::NO_CONSTRAINTS;  // exactly these bits, marked critical
    std::vector<ExtendedUsage> extended_key_usage;             // empty: no EKU extension
    std::vector<std::string> allowed_key_types;                // KeyType names; empty: any supported
    // Minimum signature hash strength in bits (256 = SHA-256); Roles Anywhere refuses SHA-1 and MD5.
    size_t min_signature_hash_bits = 256;
    unsigned default_days = 365;
    unsigned max_days = 825;
    bool require_subject = true;  // Roles Anywhere: a SAN alone is not enough (Roles Anywhere User Guide, "Trust model")
    bool copy_sans_from_csr = true;

    bool is_ca() const { return role == Role::CertificateAuthority; }
    bool allows_key(const issue::KeyType& t) const;
    bool allows_days(unsigned days) const { return days >= 1 && days <= max_days; }
    std::string key_usage_text() const;  // "digitalSignature, keyCertSign"
};

// The built-in profiles, fetched by what they are rather than by name.
enum class Builtin { RootCa, IntermediateCa, RolesAnywhereAnchor, RolesAnywhereClient };
const Profile& builtin(Builtin which);
// All of them, in listing order: root-ca, intermediate-ca, rolesanywhere-anchor, rolesanywhere-client.
// A user's profiles are added by a Catalog (catalog.h), which the CLI builds.
const std::vector<Profile>& builtins();

}  // namespace pkitool::profiles
