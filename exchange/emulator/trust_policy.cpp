// IAM role trust policies: parsing the document, then judging one CreateSession against it.
#include "exchange/emulator/trust_policy.h"

#include "base/error.h"
#include "exchange/arn.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace pkitool::exchange {

namespace {

using nlohmann::json;

// IAM and STS quotas: a role trust policy is 2,048 characters by default and at most 10,240
// after a quota increase; this emulator accepts the largest size a real account can be given.
constexpr size_t kMaxDocument = 10240;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool iequals(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

std::string quoted_list(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "\"" : ", \"") + v + "\"";
    return out;
}

enum class Base { StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike, Null };
enum class SetOp { None, ForAnyValue, ForAllValues };
enum class Key { PrincipalTag, SourceArn, SourceAccount, SourceIdentity };

struct Condition {
    std::string op, key;  // as written
    Base base = Base::StringEquals;
    bool negated = false, if_exists = false;
    SetOp set = SetOp::None;
    Key kind = Key::PrincipalTag;
    std::string tag;  // for PrincipalTag: "x509Subject/CN" as written
    std::vector<std::string> values;
};

struct Statement {
    std::string sid;
    bool allow = true;
    bool any_principal = false;
    std::vector<std::string> services;
    bool not_action = false;
    std::vector<std::string> actions;
    std::vector<Condition> conditions;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw Error(where + ": " + what); }

std::vector<std::string> strings(const json& v, const std::string& where, const std::string& what) {
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array() || v.empty()) fail(where, "must be " + what + " or a non-empty array of them");
    std::vector<std::string> out;
    for (const auto& e : v) {
        if (!e.is_string()) fail(where, "must be " + what + " or a non-empty array of them");
        out.push_back(e.get<std::string>());
    }
    return out;
}

// Condition values: IAM takes strings, and booleans and numbers as their text ("true", "5").
std::vector<std::string> condition_values(const json& v, const std::string& where) {
    const auto one = [&](const json& e) -> std::string {
        if (e.is_string()) return e.get<std::string>();
        if (e.is_boolean() || e.is_number()) return e.dump();
        fail(where, "values must be strings, booleans or numbers");
    };
    if (!v.is_array()) return {one(v)};
    if (v.empty()) fail(where, "must list at least one value");
    std::vector<std::string> out;
    for (const auto& e : v) out.push_back(one(e));
    return out;
}

constexpr const char* kOperators =
    "StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike, ArnEquals, "
    "ArnNotEquals, ArnLike, ArnNotLike, Null; with ForAnyValue:/ForAllValues: and ...IfExists";

// "ForAnyValue:StringNotLikeIfExists" -> its parts (IAM User Guide, "Condition operators").
Condition parse_operator(const std::string& written, const std::string& where) {
    Condition c;
    c.op = written;
    std::string name = written;
    if (name.rfind("ForAnyValue:", 0) == 0) {
        c.set = SetOp::ForAnyValue;
        name = name.substr(12);
    } else if (name.rfind("ForAllValues:", 0) == 0) {
        c.set = SetOp::ForAllValues;
        name = name.substr(13);
    }
    constexpr const char* kIfExists = "IfExists";
    if (name.size() > 8 && name.compare(name.size() - 8, 8, kIfExists) == 0) {
        c.if_exists = true;
        name.resize(name.size() - 8);
    }
    static const std::vector<std::tuple<std::string, Base, bool>> kTable = {
        {"StringEquals", Base::StringEquals, false},
        {"StringNotEquals", Base::StringEquals, true},
        {"StringEqualsIgnoreCase", Base::StringEqualsIgnoreCase, false},
        {"StringNotEqualsIgnoreCase", Base::StringEqualsIgnoreCase, true},
        {"StringLike", Base::StringLike, false},
        {"StringNotLike", Base::StringLike, true},
        {"ArnEquals", Base::ArnEquals, false},
        {"ArnNotEquals", Base::ArnEquals, true},
        {"ArnLike", Base::ArnLike, false},
        {"ArnNotLike", Base::ArnLike, true},
        {"Null", Base::Null, false},
    };
    for (const auto& [n, base, negated] : kTable)
        if (n == name) {
            c.base = base;
            c.negated = negated;
            // IAM User Guide: "...IfExists" applies to any operator except Null; sets make no sense on Null.
            if (base == Base::Null && (c.if_exists || c.set != SetOp::None)) fail(where, "Null takes neither IfExists nor ForAnyValue:/ForAllValues:");
            return c;
        }
    fail(where, "unknown condition operator (supported: " + std::string(kOperators) + ")");
}

bool rdn_ok(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isalnum(ch) || ch == '.'; });
}

// The keys a Roles Anywhere CreateSession puts in the request context (Roles Anywhere User Guide,
// "Trust policy"); IAM condition key names are not case-sensitive.
void parse_key(Condition& c, const std::string& where) {
    const std::string k = lower(c.key);
    const std::string tag_prefix = "aws:principaltag/";
    if (k == "aws:sourcearn") {
        c.kind = Key::SourceArn;
    } else if (k == "aws:sourceaccount") {
        c.kind = Key::SourceAccount;
    } else if (k == "aws:sourceidentity" || k == "sts:sourceidentity") {
        // sts:SourceIdentity is the key the AssumeRole family compares in a trust policy (IAM User
        // Guide, "sts:SourceIdentity"); aws:SourceIdentity the global one. Both carry the same value.
        c.kind = Key::SourceIdentity;
    } else if (k.rfind(tag_prefix, 0) == 0) {
        c.kind = Key::PrincipalTag;
        c.tag = c.key.substr(tag_prefix.size());
        const std::string t = lower(c.tag);
        const auto rest = [&](const std::string& p) { return t.rfind(p, 0) == 0 ? std::optional<std::string>(t.substr(p.size())) : std::nullopt; };
        bool ok = t == "x509san/dns" || t == "x509san/uri";
        if (const auto r = rest("x509subject/")) ok = ok || rdn_ok(*r);
        if (const auto r = rest("x509issuer/")) ok = ok || rdn_ok(*r);
        if (const auto r = rest("x509san/name/")) ok = ok || rdn_ok(*r);
        if (!ok) fail(where, "unknown session tag (Roles Anywhere sets x509Subject/<RDN>, x509Issuer/<RDN>, x509SAN/DNS, x509SAN/URI, x509SAN/Name/<RDN>)");
    } else {
        fail(where, "unknown condition key (supported: aws:PrincipalTag/x509Subject/<RDN>, aws:PrincipalTag/x509Issuer/<RDN>, "
                    "aws:PrincipalTag/x509SAN/DNS, aws:PrincipalTag/x509SAN/URI, aws:PrincipalTag/x509SAN/Name/<RDN>, aws:SourceArn, aws:SourceAccount, "
                    "aws:SourceIdentity, sts:SourceIdentity)");
    }
    if ((c.base == Base::ArnEquals || c.base == Base::ArnLike) && c.kind != Key::SourceArn) fail(where, c.op + " applies to ARN keys only (aws:SourceArn)");
}

std::vector<Condition> parse_conditions(const json& block, const std::string& where) {
    if (!block.is_object()) fail(where, "must be an object like {\"StringEquals\": {\"aws:PrincipalTag/x509Subject/CN\": \"vm\"}}");
    std::vector<Condition> out;
    for (const auto& [op_name, keys] : block.items()) {
        const std::string ow = where.empty() ? op_name : where + "." + op_name;
        auto proto = parse_operator(op_name, ow);
        if (!keys.is_object() || keys.empty()) fail(ow, "must be a non-empty object of condition keys");
        for (const auto& [key, values] : keys.items()) {
            const std::string kw = ow + "." + key;
            Condition c = proto;
            c.key = key;
            parse_key(c, kw);
            c.values = condition_values(values, kw);
            if (c.base == Base::Null)
                for (auto& v : c.values) {
                    v = lower(v);
                    if (v != "true" && v != "false") fail(kw, "Null takes true or false");
                }
            out.push_back(std::move(c));
        }
    }
    return out;
}

Statement parse_statement(const json& s, const std::string& where) {
    if (!s.is_object()) fail(where, "must be an object");
    Statement st;
    for (const auto& [name, v] : s.items()) {
        const std::string w = where + "." + name;
        if (name == "Sid") {
            if (!v.is_string()) fail(w, "must be a string");
            st.sid = v.get<std::string>();
        } else if (name == "Effect") {
            if (v != "Allow" && v != "Deny") fail(w, "must be \"Allow\" or \"Deny\"");
            st.allow = v == "Allow";
        } else if (name == "Principal") {
            if (v.is_string()) {
                if (v != "*") fail(w, "must be \"*\" or an object like {\"Service\": \"rolesanywhere.amazonaws.com\"}");
                st.any_principal = true;
            } else if (v.is_object() && !v.empty()) {
                for (const auto& [type, ids] : v.items()) {
                    const auto list = strings(ids, w + "." + type, "a principal");
                    if (type == "Service") st.services.insert(st.services.end(), list.begin(), list.end());
                    else if (type == "AWS") st.any_principal = st.any_principal || std::count(list.begin(), list.end(), "*") > 0;
                    else if (type != "Federated" && type != "CanonicalUser") fail(w + "." + type, "unknown principal type (Service, AWS, Federated)");
                }
            } else {
                fail(w, "must be \"*\" or an object like {\"Service\": \"rolesanywhere.amazonaws.com\"}");
            }
        } else if (name == "Action" || name == "NotAction") {
            st.not_action = name == "NotAction";
            st.actions = strings(v, w, "an action");
        } else if (name == "Condition") {
            st.conditions = parse_conditions(v, w);
        } else if (name == "Resource" || name == "NotResource") {
            // IAM refuses a trust policy with a Resource: "Has prohibited field Resource".
            fail(w, "a trust policy has no " + name + " (the role is the resource)");
        } else if (name == "NotPrincipal") {
            fail(w, "not supported in a role trust policy; name the principal under Principal");
        } else {
            fail(w, "unknown element (Sid, Effect, Principal, Action, NotAction, Condition)");
        }
    }
    if (!s.contains("Effect")) fail(where, "missing Effect");
    if (!s.contains("Principal")) fail(where, "missing Principal");
    if (s.contains("Action") && s.contains("NotAction")) fail(where, "has both Action and NotAction");
    if (!s.contains("Action") && !s.contains("NotAction")) fail(where, "missing Action");
    return st;
}

bool principal_matches(const Statement& s) {
    if (s.any_principal) return true;
    return std::find(s.services.begin(), s.services.end(), kRolesAnywhereService) != s.services.end();
}

// IAM action names are not case-sensitive; "sts:*" and "*" are wildcards.
bool action_matches(const Statement& s, const std::string& action) {
    const bool listed = std::any_of(s.actions.begin(), s.actions.end(), [&](const std::string& a) { return wildcard_match(lower(a), lower(action)); });
    return s.not_action ? !listed : listed;
}

// arn:partition:service:region:account:resource, the last field keeping its colons.
std::optional<std::vector<std::string>> arn_fields(const std::string& arn) {
    std::vector<std::string> out;
    size_t start = 0;
    for (int i = 0; i < 5; ++i) {
        const auto colon = arn.find(':', start);
        if (colon == std::string::npos) return std::nullopt;
        out.push_back(arn.substr(start, colon - start));
        start = colon + 1;
    }
    out.push_back(arn.substr(start));
    return out;
}

bool arn_match(const std::string& pattern, const std::string& arn) {
    const auto p = arn_fields(pattern), a = arn_fields(arn);
    if (!p || !a) return false;
    for (size_t i = 0; i < 6; ++i)
        if (!wildcard_match((*p)[i], (*a)[i])) return false;
    return true;
}

// The operator on one request value, before negation: does any policy value match it?
bool matches_one(const Condition& c, const std::string& actual) {
    return std::any_of(c.values.begin(), c.values.end(), [&](const std::string& v) {
        switch (c.base) {
            case Base::StringEquals: return v == actual;
            case Base::StringEqualsIgnoreCase: return iequals(v, actual);
            case Base::StringLike: return wildcard_match(v, actual);
            // IAM User Guide, "ARN condition operators": ArnEquals and ArnLike both compare the six
            // colon-delimited fields separately, each allowing * and ? wildcards.
            case Base::ArnEquals:
            case Base::ArnLike: return arn_match(v, actual);
            case Base::Null: return false;
        }
        return false;
    });
}

bool holds(const Condition& c, const std::optional<std::string>& actual) {
    if (c.base == Base::Null) {
        // Null "true": the key is absent; "false": present. Values are ORed.
        return std::any_of(c.values.begin(), c.values.end(), [&](const std::string& v) { return (v == "true") == !actual.has_value(); });
    }
    if (!actual) {
        if (c.if_exists) return true;
        if (c.set == SetOp::ForAllValues) return true;   // vacuously: every one of no values matches
        if (c.set == SetOp::ForAnyValue) return false;   // no value to match
        return c.negated;                                // StringNotEquals and friends hold on an absent key
    }
    const bool one = matches_one(c, *actual);
    return c.negated ? !one : one;
}

std::optional<std::string> actual_of(const Condition& c, const TrustRequest& r) {
    switch (c.kind) {
        case Key::SourceArn: return r.source_arn.empty() ? std::nullopt : std::optional(r.source_arn);
        case Key::SourceAccount:  // the trust anchor's account
            try {
                return Arn::parse(r.source_arn).account;
            } catch (const std::exception&) {
                return std::nullopt;
            }
        case Key::SourceIdentity: return r.source_identity.empty() ? std::nullopt : std::optional(r.source_identity);
        case Key::PrincipalTag:
            for (const auto& [k, v] : r.tags)
                if (iequals(k, c.tag)) return v;
            return std::nullopt;
    }
    return std::nullopt;
}

std::string unmet_reason(const Condition& c, const std::optional<std::string>& actual) {
    const std::string want = c.op + " " + c.key + " " + quoted_list(c.values);
    const bool tag = c.kind == Key::PrincipalTag;
    if (!actual)
        return (tag ? "the certificate has no " + c.tag + " tag" : "the request has no " + c.key) + ", the trust policy requires " + want;
    return (tag ? "the certificate's " + c.tag : "the request's " + c.key) + " is \"" + *actual + "\", the trust policy requires " + want;
}

std::string statement_name(size_t i, const Statement& s) {
    return "Statement[" + std::to_string(i) + "]" + (s.sid.empty() ? "" : " (\"" + s.sid + "\")");
}

}  // namespace

struct TrustPolicy::Parsed {
    std::string document;
    std::vector<Statement> statements;
};

TrustPolicy::TrustPolicy() : TrustPolicy(std::make_shared<const Parsed>(Parsed{R"({"Version":"2012-10-17","Statement":[]})", {}})) {}

TrustPolicy::TrustPolicy(std::shared_ptr<const Parsed> parsed) : parsed_(std::move(parsed)) {}

TrustPolicy TrustPolicy::parse(const std::string& document) {
    if (document.size() > kMaxDocument)
        throw Error("the trust policy is " + std::to_string(document.size()) + " characters, more than the " + std::to_string(kMaxDocument) +
                    " IAM accepts for a role trust policy");
    const auto j = json::parse(document, nullptr, false);
    if (j.is_discarded()) throw Error("the trust policy is not valid JSON");
    if (!j.is_object()) throw Error("the trust policy must be a JSON object");
    Parsed p;
    p.document = document;
    for (const auto& [name, v] : j.items()) {
        if (name == "Version") {
            if (v != "2012-10-17" && v != "2008-10-17") fail("Version", "must be \"2012-10-17\" or \"2008-10-17\"");
        } else if (name == "Id") {
            if (!v.is_string()) fail("Id", "must be a string");
        } else if (name != "Statement") {
            fail(name, "unknown element (Version, Id, Statement)");
        }
    }
    if (!j.contains("Statement")) throw Error("the trust policy has no Statement");
    const auto& st = j["Statement"];
    if (st.is_object()) p.statements.push_back(parse_statement(st, "Statement"));
    else if (st.is_array())
        for (size_t i = 0; i < st.size(); ++i) p.statements.push_back(parse_statement(st[i], "Statement[" + std::to_string(i) + "]"));
    else fail("Statement", "must be an object or an array of objects");
    return TrustPolicy(std::make_shared<const Parsed>(std::move(p)));
}

TrustPolicy TrustPolicy::allowing_rolesanywhere(const std::string& condition_json) {
    const auto block = json::parse(condition_json, nullptr, false);
    if (block.is_discarded()) throw Error("the condition block is not valid JSON");
    parse_conditions(block, "");  // errors named from the block down: "StringEqualz: unknown condition operator"
    json doc = {{"Version", "2012-10-17"},
                {"Statement",
                 json::array({{{"Effect", "Allow"},
                               {"Principal", {{"Service", kRolesAnywhereService}}},
                               {"Action", json(std::vector<std::string>(kRolesAnywhereActions.begin(), kRolesAnywhereActions.end()))}}})}};
    if (!block.empty()) doc["Statement"][0]["Condition"] = block;
    return parse(doc.dump());
}

const std::string& TrustPolicy::document() const { return parsed_->document; }

// IAM User Guide, "Policy evaluation logic": an explicit Deny wins; otherwise each action needs an
// Allow whose conditions all hold; anything else is the implicit deny.
TrustVerdict TrustPolicy::evaluate(const TrustRequest& request) const {
    TrustVerdict out;
    const auto& statements = parsed_->statements;
    std::vector<bool> applies(statements.size()), conditions_hold(statements.size(), true);
    std::vector<std::optional<std::string>> first_unmet(statements.size());
    for (size_t i = 0; i < statements.size(); ++i) {
        const auto& s = statements[i];
        applies[i] = principal_matches(s);
        if (!applies[i]) continue;
        for (const auto& c : s.conditions) {
            ConditionOutcome o{i, c.op, c.key, c.values, actual_of(c, request), false};
            o.held = holds(c, o.actual);
            if (!o.held && conditions_hold[i]) {
                conditions_hold[i] = false;
                first_unmet[i] = unmet_reason(c, o.actual);
            }
            out.conditions.push_back(std::move(o));
        }
    }
    for (size_t i = 0; i < statements.size(); ++i) {
        const auto& s = statements[i];
        if (!applies[i] || s.allow || !conditions_hold[i]) continue;
        for (const char* action : kRolesAnywhereActions)
            if (action_matches(s, action)) {
                out.refusal = TrustRefusal::ExplicitDeny;
                out.reason = "explicit Deny in " + statement_name(i, s) + " for " + action;
                return out;
            }
    }
    for (const char* action : kRolesAnywhereActions) {
        std::optional<std::string> unmet;
        bool allowed = false;
        for (size_t i = 0; i < statements.size() && !allowed; ++i) {
            const auto& s = statements[i];
            if (!applies[i] || !s.allow || !action_matches(s, action)) continue;
            if (conditions_hold[i]) allowed = true;
            else if (!unmet) unmet = first_unmet[i];
        }
        if (!allowed) {
            out.refusal = unmet ? TrustRefusal::ConditionUnmet : TrustRefusal::ActionNotAllowed;
            out.reason = unmet ? *unmet : std::string("no statement allows ") + action + " for " + kRolesAnywhereService;
            return out;
        }
    }
    out.refusal = TrustRefusal::None;
    return out;
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

}  // namespace pkitool::exchange
