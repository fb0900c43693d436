// Amazon Resource Names of the three kinds Roles Anywhere takes: its trust anchors and profiles,
// and IAM roles (IAM User Guide, "IAM identifiers"; Service Authorization Reference, "Actions,
// resources, and condition keys for AWS Identity and Access Management Roles Anywhere").
#pragma once

#include <string>
#include <string_view>

namespace pkitool::exchange {

enum class ArnType { TrustAnchor, Profile, Role };

// The resource type as the ARN spells it: "trust-anchor", "profile", "role".
std::string to_string(ArnType type);

// arn:<partition>:<service>:<region>:<account>:<type>/<id>
struct Arn {
    std::string partition;  // "aws", or "aws-" and a name ("aws-cn", "aws-us-gov")
    std::string service;    // "rolesanywhere" for trust anchors and profiles, "iam" for roles
    std::string region;     // empty for roles: IAM is global
    std::string account;    // 12 digits
    ArnType type = ArnType::TrustAnchor;
    std::string id;         // a role's is its path and name: "path/to/name"

    // The one ARN grammar of pkitool, client and emulator alike. Error naming the field that is
    // wrong and how (`account "123" is not 12 digits`), without the text itself: callers say where
    // it came from (a flag, a query parameter).
    static Arn parse(std::string_view text);
    // As parse, and Error unless the ARN is of `type`.
    static Arn parse(std::string_view text, ArnType type);

    std::string to_string() const;
    // The last component of a role's id: "path/to/name" → "name".
    std::string role_name() const;
};

std::string trust_anchor_arn(const std::string& region, const std::string& account, const std::string& id);
std::string profile_arn(const std::string& region, const std::string& account, const std::string& id);
std::string role_arn(const std::string& account, const std::string& name);

// A stable UUID-shaped id derived from a name, so the ARNs of a config file never change between runs.
std::string stable_uuid(const std::string& seed);

}  // namespace pkitool::exchange
