// Trust-policy evaluation over certificate-derived session tags.
#include "exchange/emulator/trust_policy.h"

namespace pkitool::exchange {

namespace {

constexpr const char* kTagPrefix = "aws:PrincipalTag/";

std::string quoted_list(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "\"" : ", \"") + v + "\"";
    return out;
}

}  // namespace

std::string to_string(ConditionOperator op) {
    switch (op) {
        case ConditionOperator::StringEquals: return "StringEquals";
        case ConditionOperator::StringLike: return "StringLike";
    }
    return "StringEquals";
}

std::optional<ConditionOperator> parse_condition_operator(const std::string& name) {
    if (name == "StringEquals") return ConditionOperator::StringEquals;
    if (name == "StringLike") return ConditionOperator::StringLike;
    return std::nullopt;
}

bool wildcard_match(const std::string& pattern, const std::string& text) {
    // Iterative glob with single-star backtracking: linear in practice, no recursion on hostile input.
    size_t p = 0, t = 0, star = std::string::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::optional<std::string> unmet_condition(const TrustPolicy& policy, const PrincipalTags& tags) {
    for (const auto& c : policy.conditions) {
        const std::string tag = c.key.rfind(kTagPrefix, 0) == 0 ? c.key.substr(std::string(kTagPrefix).size()) : c.key;
        const auto it = tags.find(tag);
        const std::string want = to_string(c.op) + " " + c.key + " " + quoted_list(c.values);
        if (it == tags.end()) return "the certificate has no " + tag + " tag, the trust policy requires " + want;
        bool ok = false;
        for (const auto& v : c.values)
            ok = ok || (c.op == ConditionOperator::StringEquals ? v == it->second : wildcard_match(v, it->second));
        if (!ok) return "the certificate's " + tag + " is \"" + it->second + "\", the trust policy requires " + want;
    }
    return std::nullopt;
}

}  // namespace pkitool::exchange
