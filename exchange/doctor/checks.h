// `pkitool doctor` (issue #12): every check a Roles Anywhere exchange depends on, each with its
// verdict and fix, so a user learns why AWS says "Untrusted Signing Certificate" before asking it.
// The checks reuse the engines that decide: lint's rules and path engine (profiles/), the
// emulator's trust-policy evaluator and attribute mappings (exchange/emulator/).
#pragma once

#include "exchange/emulator/attribute_mapping.h"
#include "exchange/emulator/trust_policy.h"

#include <botan/pk_keys.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange::doctor {

enum class Status { Ok, Fail, Skip };

struct Check {
    std::string id;  // stable: "anchor.reaches", "trust-policy.conditions", ...
    Status status = Status::Skip;
    std::string message;  // what was found
    std::string fix;      // for a failure, in plain words
};

// What the machine presents.
struct Presented {
    Botan::X509_Certificate leaf;
    std::vector<Botan::X509_Certificate> intermediates;
    // Why the private key cannot sign for this certificate (unreadable, not its key); empty when it can.
    std::string key_problem;
    std::string trust_anchor_arn, profile_arn, role_arn;
    std::string region;  // where the session is asked for: --region, or the endpoint's
    unsigned duration_seconds = 3600;
};

// The set-up the exchange meets, as far as it is known: read from a pkitool emulator's control
// plane, or given as files for a real AWS set-up. Absent parts make their checks Skip.
struct Setup {
    struct Anchor {
        bool enabled = true;
        std::vector<Botan::X509_Certificate> certificates;
    };
    struct Profile {
        std::string name;
        bool enabled = true;
        std::vector<std::string> role_arns;
        int duration_seconds = 3600;
        AttributeMappings mappings = default_attribute_mappings();
    };
    struct Role {
        TrustPolicy trust_policy;
        int max_session_duration = 3600;
    };
    std::optional<Anchor> anchor;
    std::vector<Botan::X509_CRL> crls;  // enabled ones only
    std::optional<Profile> profile;
    std::optional<Role> role;
    std::string source;  // "the emulator at URL", "the files given": for messages
    // True when the set-up was read from a control plane, which answered for every resource: a
    // missing anchor, profile or role is then a failure, not an unknown.
    bool looked_up = false;
};

// key.matches-certificate, certificate.lint, arns.well-formed, arns.same-region-account, arns.region.
std::vector<Check> local_checks(const Presented& p, std::chrono::system_clock::time_point now);
// clock.skew from the endpoint's Date header (RFC 9110 §6.6.1); more than 5 minutes fails, as
// SigV4 refuses (Roles Anywhere User Guide, "Signing process").
Check clock_check(const std::optional<std::string>& date_header, std::chrono::system_clock::time_point now);
// anchor.enabled, anchor.reaches, crl.not-revoked, profile.enabled, profile.lists-role,
// trust-policy.actions, trust-policy.conditions, duration.bounds.
std::vector<Check> setup_checks(const Presented& p, const Setup& s, std::chrono::system_clock::time_point now);

bool all_ok(const std::vector<Check>& checks);  // no Fail

}  // namespace pkitool::exchange::doctor
