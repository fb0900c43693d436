// Amazon Resource Names as Roles Anywhere uses them (protocol §2: trust-anchor, profile, role).
#pragma once

#include <optional>
#include <string>

namespace pkitool::exchange {

// arn:<partition>:<service>:<region>:<account>:<resource>
struct Arn {
    std::string partition, service, region, account, resource;

    static std::optional<Arn> parse(const std::string& text);
    std::string to_string() const;
    // "trust-anchor/<uuid>" -> "trust-anchor"; "role/name" -> "role".
    std::string resource_type() const;
};

std::string trust_anchor_arn(const std::string& region, const std::string& account, const std::string& id);
std::string profile_arn(const std::string& region, const std::string& account, const std::string& id);
std::string role_arn(const std::string& account, const std::string& name);

// A stable UUID-shaped id derived from a name, so the ARNs of a config file never change between runs.
std::string stable_uuid(const std::string& seed);

}  // namespace pkitool::exchange
