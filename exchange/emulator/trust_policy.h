// Role trust-policy conditions on the session tags Roles Anywhere derives from the certificate
// (Roles Anywhere User Guide, "Trust policy": aws:PrincipalTag/x509Subject/CN and friends), evaluated like IAM does.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange {

enum class ConditionOperator { StringEquals, StringLike };
std::string to_string(ConditionOperator op);
std::optional<ConditionOperator> parse_condition_operator(const std::string& name);

// One condition key: it holds when the tag exists and matches ANY of the values (IAM semantics).
struct Condition {
    ConditionOperator op;
    std::string key;  // "aws:PrincipalTag/x509Subject/CN"
    std::vector<std::string> values;
};

// All conditions must hold (IAM ANDs the keys of a Condition block).
struct TrustPolicy {
    std::vector<Condition> conditions;
};

// "x509Subject/CN" -> "MyOnpremVM" (attribute_mapping.h makes them).
using PrincipalTags = std::map<std::string, std::string>;

// IAM StringLike: '*' matches any run of characters, '?' exactly one; case-sensitive.
bool wildcard_match(const std::string& pattern, const std::string& text);

// Empty when every condition holds; otherwise which condition failed and what the certificate had.
std::optional<std::string> unmet_condition(const TrustPolicy& policy, const PrincipalTags& tags);

}  // namespace pkitool::exchange
