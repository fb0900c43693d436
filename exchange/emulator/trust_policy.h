// IAM role trust policies as IAM evaluates them when Roles Anywhere assumes a role for a
// certificate (IAM User Guide, "IAM JSON policy elements reference" and "Policy evaluation logic";
// Roles Anywhere User Guide, "Trust policy"): the document a role is created with, parsed once,
// then judged against each CreateSession's principal, actions and condition keys.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange {

// The session tags Roles Anywhere derives from a certificate, without the aws:PrincipalTag/
// prefix: "x509Subject/CN" -> "MyOnpremVM" (attribute mappings decide which exist).
using PrincipalTags = std::map<std::string, std::string>;

// The principal and the actions Roles Anywhere asks for: a role must allow all three.
constexpr const char* kRolesAnywhereService = "rolesanywhere.amazonaws.com";
constexpr std::array<const char*, 3> kRolesAnywhereActions = {"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"};

// What one CreateSession puts before the trust policy: the request context's keys.
struct TrustRequest {
    PrincipalTags tags;           // aws:PrincipalTag/<key>
    std::string source_arn;       // aws:SourceArn: the trust anchor's ARN (aws:SourceAccount is its account)
    std::string source_identity;  // aws:SourceIdentity and sts:SourceIdentity: "CN=vm" or "ID=<hex serial>"
};

// One condition (operator, key, values) of one statement and how it came out, so a refusal and
// `doctor` can show the request's values next to what the policy asks.
struct ConditionOutcome {
    size_t statement = 0;               // index in Statement
    std::string op;                     // as written: "ForAnyValue:StringLikeIfExists"
    std::string key;                    // as written: "aws:PrincipalTag/x509Subject/CN"
    std::vector<std::string> values;    // the policy's
    std::optional<std::string> actual;  // the request's value; nullopt when the key is absent
    bool held = false;
};

// Why a trust policy refused: `doctor` points at the statement's actions or at its conditions.
enum class TrustRefusal {
    None,              // allowed
    ExplicitDeny,      // a Deny statement whose conditions hold names one of the actions
    ActionNotAllowed,  // no Allow statement for the principal grants an action (IAM's implicit deny)
    ConditionUnmet,    // an Allow grants it, but one of its conditions does not hold
};

struct TrustVerdict {
    TrustRefusal refusal = TrustRefusal::ActionNotAllowed;
    bool allowed() const { return refusal == TrustRefusal::None; }
    // Empty when allowed; else one sentence: an explicit Deny (which statement), an action no
    // Allow grants ("no statement allows sts:TagSession"), or the first unmet condition with the
    // certificate's value ("x509Subject/CN is \"other\", the trust policy requires StringEquals
    // aws:PrincipalTag/x509Subject/CN \"MyOnpremVM\"").
    std::string reason;
    std::vector<ConditionOutcome> conditions;  // every condition of every statement naming this principal
};

class TrustPolicy {
public:
    // Parses a trust policy document. Error (base/error.h) whose message names the element, e.g.
    // "Statement[0].Condition.StringEqualz: unknown condition operator", for what IAM refuses as a
    // MalformedPolicyDocument and for what this evaluator does not support (an unknown operator or
    // condition key is refused here, never evaluated as false).
    static TrustPolicy parse(const std::string& document);
    // Allows the Roles Anywhere principal all three actions under `condition` (a Condition block,
    // "{}" for none): the quick form's role and emulate.json's "condition".
    // Errors name the element below the block: "StringEqualz: unknown condition operator ...".
    static TrustPolicy allowing_rolesanywhere(const std::string& condition_json = "{}");
    // A policy without statements: it trusts no one (IAM's implicit deny).
    TrustPolicy();

    const std::string& document() const;  // as given, byte for byte (GetRole returns it)
    TrustVerdict evaluate(const TrustRequest& request) const;

    bool operator==(const TrustPolicy& other) const { return document() == other.document(); }
    bool operator!=(const TrustPolicy& other) const { return !(*this == other); }

    struct Parsed;

private:
    explicit TrustPolicy(std::shared_ptr<const Parsed> parsed);
    std::shared_ptr<const Parsed> parsed_;
};

// IAM StringLike: '*' matches any run of characters, '?' exactly one; case-sensitive.
bool wildcard_match(const std::string& pattern, const std::string& text);

}  // namespace pkitool::exchange
