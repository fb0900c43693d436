// IAM roles over the query API: authentication, parameter validation against the iam 2010-05-08
// API model (botocore's service-2.json), the operations on the ControlState, and IAM's XML.
#include "exchange/emulator/iam_api.h"
#include "exchange/emulator/xml_text.h"

#include "base/error.h"
#include "exchange/emulator/request_fields.h"
#include "exchange/url_query.h"
#include "issue/random.h"

#include <botan/hash.h>
#include <nlohmann/json.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

namespace pkitool::exchange {

namespace {

// AWS's general SigV4 clock-skew limit (AWS General Reference, "Signature Version 4 signing process").
constexpr std::chrono::seconds kIamClockSkew{900};
constexpr const char* kXmlns = "https://iam.amazonaws.com/doc/2010-05-08/";
constexpr const char* kVersion = "2010-05-08";

// IAM User Guide, "IAM and AWS STS quotas": roles per account, tags per role, and the aggregate
// size of a role's inline policies (whitespace not counted).
constexpr size_t kMaxRoles = 1000;
constexpr size_t kMaxTags = 50;
constexpr size_t kMaxInlinePolicyChars = 10240;

struct IamError {
    IamErrorCode code;
    std::string message;
};

[[noreturn]] void fail(IamErrorCode code, std::string message) { throw IamError{code, std::move(message)}; }

void throw_if(const Violations& v) {
    if (!v.empty()) fail(IamErrorCode::ValidationError, v.message());
}


std::string element(const std::string& name, const std::string& text) { return "<" + name + ">" + xml_text(text) + "</" + name + ">"; }

std::string iso8601(Timestamp t) { return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(t)); }

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// --- Model constraints (iam 2010-05-08) ------------------------------------------------------

const StringRule kRoleName{1, 64, R"([\w+=,.@-]+)", {}, false};
const StringRule kPath{1, 512, R"((/)|(/[\x21-\x7F]+/))", {}, false};
const StringRule kPathPrefix{1, 512, R"(/[\x21-\x7F]*)", {}, false};
// Lengths only: the model's pattern ([\u0009\u000A\u000D\u0020-\u00FF]+) is checked byte by byte in
// check_policy_json, since libstdc++'s std::regex recurses once per character and a 128 KiB
// document would overflow a server thread's stack.
const StringRule kPolicyDocument{1, 131072, "", {}, false};
const StringRule kPolicyName{1, 128, R"([\w+=,.@-]+)", {}, false};
const StringRule kMarker{1, 320, R"([^\x00-\x1F]+)", {}, false};
const StringRule kTagKey{1, 128, R"([\w\s.:/=+@-]+)", {}, false};
const StringRule kTagValue{0, 256, R"([\w\s.:/=+@-]*)", {}, false};
constexpr size_t kMaxDescription = 1000;

// --- Request parameters -------------------------------------------------------------------------

class Form {
public:
    explicit Form(const HttpRequest& req) {
        params_ = req.query;
        const auto ct = req.header("Content-Type").value_or("");
        if (ct.rfind("application/x-www-form-urlencoded", 0) == 0)
            for (auto& p : parse_url_query(req.body, PlusMeans::Space)) params_.push_back(std::move(p));
    }

    std::optional<std::string> get(const std::string& name) const {
        for (const auto& [k, v] : params_)
            if (k == name) return v;
        return std::nullopt;
    }

    // A string parameter, checked; `member` is the name in messages ("roleName", as IAM writes it).
    std::optional<std::string> string(const std::string& name, const std::string& member, const StringRule& rule, bool required, Violations& v) const {
        const auto value = get(name);
        if (!value) {
            if (required) v.add_null(member, "Member must not be null");
            return std::nullopt;
        }
        if (!check_string(*value, member, rule, v)) return std::nullopt;
        return value;
    }

    std::optional<int64_t> integer(const std::string& name, const std::string& member, int64_t min, int64_t max, Violations& v) const {
        const auto value = get(name);
        if (!value) return std::nullopt;
        int64_t i = 0;
        const auto* end = value->data() + value->size();
        const auto [p, ec] = std::from_chars(value->data(), end, i);
        if (ec != std::errc() || p != end || value->empty()) fail(IamErrorCode::ValidationError, "Value '" + *value + "' at '" + member + "' is not an integer");
        if (i < min) v.add(member, *value, "Member must have value greater than or equal to " + std::to_string(min));
        else if (i > max) v.add(member, *value, "Member must have value less than or equal to " + std::to_string(max));
        else return i;
        return std::nullopt;
    }

    // Tags.member.N.Key and .Value, in the order of N.
    std::vector<std::pair<std::string, std::string>> tags(Violations& v) const {
        std::map<int, std::pair<std::optional<std::string>, std::optional<std::string>>> by_index;
        const std::string prefix = "Tags.member.";
        for (const auto& [k, value] : params_) {
            if (k.rfind(prefix, 0) != 0) continue;
            const auto rest = k.substr(prefix.size());
            const auto dot = rest.find('.');
            int n = 0;
            const auto [p, ec] = std::from_chars(rest.data(), rest.data() + (dot == std::string::npos ? rest.size() : dot), n);
            if (ec != std::errc() || dot == std::string::npos || n < 1) fail(IamErrorCode::ValidationError, "parameter " + k + " is not Tags.member.N.Key or Tags.member.N.Value");
            const auto field = rest.substr(dot + 1);
            if (field == "Key") by_index[n].first = value;
            else if (field == "Value") by_index[n].second = value;
            else fail(IamErrorCode::ValidationError, "parameter " + k + " is not Tags.member.N.Key or Tags.member.N.Value");
        }
        if (by_index.size() > kMaxTags) v.add_hidden("tags", "Member must have length less than or equal to " + std::to_string(kMaxTags));
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [n, kv] : by_index) {
            const auto where = "tags." + std::to_string(n) + ".member";
            if (!kv.first) v.add_null(where + ".key", "Member must not be null");
            if (!kv.second) v.add_null(where + ".value", "Member must not be null");
            if (!kv.first || !kv.second) continue;
            bool ok = check_string(*kv.first, where + ".key", kTagKey, v);
            ok = check_string(*kv.second, where + ".value", kTagValue, v) && ok;
            if (ok) out.emplace_back(*kv.first, *kv.second);
        }
        for (size_t i = 0; i < out.size(); ++i)
            for (size_t j = 0; j < i; ++j)
                if (lower(out[i].first) == lower(out[j].first)) fail(IamErrorCode::ValidationError, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
        return out;
    }

private:
    Params params_;
};

void check_description(const std::optional<std::string>& d, Violations& v) {
    if (!d) return;
    if (d->size() > kMaxDescription) v.add("description", *d, "Member must have length less than or equal to " + std::to_string(kMaxDescription));
    // The model's pattern [\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]* leaves out control characters.
    else if (std::any_of(d->begin(), d->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
        v.add("description", *d, "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*");
}

// A policy document must be JSON (IAM User Guide, "IAM JSON policy reference").
void check_policy_json(const std::string& document, const std::string& what) {
    for (const unsigned char ch : document)
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
            fail(IamErrorCode::MalformedPolicyDocument, "Syntax errors in policy: the " + what + " holds a control character");
    const auto j = nlohmann::json::parse(document, nullptr, false);
    if (j.is_discarded()) fail(IamErrorCode::MalformedPolicyDocument, "Syntax errors in policy: the " + what + " is not JSON");
    if (!j.is_object()) fail(IamErrorCode::MalformedPolicyDocument, "Syntax errors in policy: the " + what + " is not a JSON object");
    if (!j.contains("Statement")) fail(IamErrorCode::MalformedPolicyDocument, "Missing required field Statement in the " + what);
}

// The trust policy of a role made through IAM, from its AssumeRolePolicyDocument.
// The engine CreateSession evaluates refuses here what it could not judge, as IAM refuses a
// malformed trust policy at CreateRole rather than at AssumeRole.
TrustPolicy trust_policy_of(const std::string& document) {
    check_policy_json(document, "AssumeRolePolicyDocument");
    try {
        return TrustPolicy::parse(document);
    } catch (const Error& e) {
        fail(IamErrorCode::MalformedPolicyDocument, std::string("AssumeRolePolicyDocument: ") + e.what());
    }
}

size_t non_whitespace(const std::string& s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); }));
}

// --- Lookups ----------------------------------------------------------------------------------

// IAM role names are unique regardless of case (IAM User Guide, "IAM identifiers", "Friendly names and paths").
std::shared_ptr<const EmulatedRole> find_role(const ControlSnapshot& s, const std::string& name) {
    const auto key = lower(name);
    for (const auto& [arn, r] : s.roles)
        if (lower(r->name) == key) return r;
    return nullptr;
}

const EmulatedRole& existing_role(const ControlSnapshot& s, const std::string& name) {
    const auto r = find_role(s, name);
    if (!r) fail(IamErrorCode::NoSuchEntity, "The role with name " + name + " cannot be found.");
    return *r;
}

// --- XML --------------------------------------------------------------------------------------

std::string role_xml(const EmulatedRole& r, const std::string& tag) {
    std::string x = "<" + tag + ">";
    x += element("Path", r.path) + element("RoleName", r.name) + element("RoleId", role_id_of(r)) + element("Arn", r.arn) + element("CreateDate", iso8601(r.created_at));
    // IAM returns the document URL-encoded (IAM API Reference, "Role": AssumeRolePolicyDocument).
    if (r.trust_policy_document) x += element("AssumeRolePolicyDocument", uri_encode(*r.trust_policy_document));
    if (r.description) x += element("Description", *r.description);
    x += element("MaxSessionDuration", std::to_string(r.max_session_duration));
    if (!r.tags.empty()) {
        x += "<Tags>";
        for (const auto& [k, v] : r.tags) x += "<member>" + element("Key", k) + element("Value", v) + "</member>";
        x += "</Tags>";
    }
    return x + "</" + tag + ">";
}

std::string response(const std::string& action, const std::string& result, const std::string& request_id) {
    std::string x = std::string("<") + action + "Response xmlns=\"" + kXmlns + "\">";
    if (!result.empty()) x += "<" + action + "Result>" + result + "</" + action + "Result>";
    return x + "<ResponseMetadata>" + element("RequestId", request_id) + "</ResponseMetadata></" + action + "Response>\n";
}

std::string error_xml(IamErrorCode code, const std::string& message, const std::string& request_id) {
    return std::string("<ErrorResponse xmlns=\"") + kXmlns + "\"><Error><Type>Sender</Type>" + element("Code", to_string(code)) + element("Message", message) +
           "</Error>" + element("RequestId", request_id) + "</ErrorResponse>\n";
}

// --- Operations -------------------------------------------------------------------------------

struct Call {
    const Form& form;
    Timestamp now;
    ControlState& state;
};

struct Done {
    std::string result;  // the inside of <ActionResult>; empty for operations without one
    std::string summary;
};

std::string required_role_name(const Form& f, Violations& v) {
    auto name = f.string("RoleName", "roleName", kRoleName, true, v);
    return name.value_or("");
}

Done create_role(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    const auto path = c.form.string("Path", "path", kPath, false, v).value_or("/");
    const auto document = c.form.string("AssumeRolePolicyDocument", "assumeRolePolicyDocument", kPolicyDocument, true, v);
    const auto description = c.form.get("Description");
    check_description(description, v);
    const auto max = c.form.integer("MaxSessionDuration", "maxSessionDuration", 3600, 43200, v);
    if (c.form.get("PermissionsBoundary")) fail(IamErrorCode::ValidationError, "PermissionsBoundary is not supported by this endpoint: create the role without it");
    const auto tags = c.form.tags(v);
    throw_if(v);
    auto role = std::make_shared<EmulatedRole>();
    role->trust_policy = trust_policy_of(*document);
    role->trust_policy_document = *document;
    role->name = name;
    role->path = path;
    role->description = description;
    role->max_session_duration = static_cast<int>(max.value_or(3600));
    role->tags = tags;
    role->created_at = std::chrono::floor<std::chrono::seconds>(c.now);
    role->role_id = new_role_id();
    c.state.modify([&](ControlSnapshot& s) {
        if (find_role(s, name)) fail(IamErrorCode::EntityAlreadyExists, "Role with name " + name + " already exists.");
        if (s.roles.size() >= kMaxRoles) fail(IamErrorCode::LimitExceeded, "Cannot exceed quota for RolesPerAccount: " + std::to_string(kMaxRoles));
        role->arn = "arn:aws:iam::" + s.account + ":role" + path + name;
        s.roles[role->arn] = role;
    });
    return {role_xml(*role, "Role"), role->arn};
}

Done get_role(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    throw_if(v);
    const auto snapshot = c.state.snapshot();  // kept: r refers into it
    const auto& r = existing_role(*snapshot, name);
    return {role_xml(r, "Role"), r.arn};
}

// The items after `marker` (the name of the first one to return, case-folded) and at most `max` of them.
template <typename T, typename Name>
std::pair<std::vector<T>, std::optional<std::string>> page(std::vector<T> items, Name name, const std::optional<std::string>& marker, size_t max) {
    std::sort(items.begin(), items.end(), [&](const T& a, const T& b) { return lower(name(a)) < lower(name(b)); });
    auto it = items.begin();
    if (marker) it = std::find_if(items.begin(), items.end(), [&](const T& t) { return lower(name(t)) >= *marker; });
    std::vector<T> out;
    for (; it != items.end() && out.size() < max; ++it) out.push_back(*it);
    std::optional<std::string> next;
    if (it != items.end()) next = lower(name(*it));
    return {std::move(out), next};
}

std::string page_end(const std::optional<std::string>& next) {
    return element("IsTruncated", next ? "true" : "false") + (next ? element("Marker", *next) : "");
}

Done list_roles(const Call& c) {
    Violations v;
    const auto prefix = c.form.string("PathPrefix", "pathPrefix", kPathPrefix, false, v).value_or("/");
    const auto marker = c.form.string("Marker", "marker", kMarker, false, v);
    const auto max = c.form.integer("MaxItems", "maxItems", 1, 1000, v);
    throw_if(v);
    std::vector<std::shared_ptr<const EmulatedRole>> roles;
    for (const auto& [arn, r] : c.state.snapshot()->roles)
        if (r->path.rfind(prefix, 0) == 0) roles.push_back(r);
    const auto [items, next] = page(roles, [](const auto& r) { return r->name; }, marker, static_cast<size_t>(max.value_or(IamApi::kDefaultMaxItems)));
    std::string x = "<Roles>";
    for (const auto& r : items) x += role_xml(*r, "member");
    x += "</Roles>" + page_end(next);
    return {x, std::to_string(items.size()) + " roles"};
}

// Replaces the role named in the request with what `change` makes of a copy of it.
std::string change_role(const Call& c, const std::string& name, const std::function<void(EmulatedRole&)>& change) {
    std::string arn;
    c.state.modify([&](ControlSnapshot& s) {
        auto copy = std::make_shared<EmulatedRole>(existing_role(s, name));
        change(*copy);
        arn = copy->arn;
        s.roles[arn] = std::move(copy);
    });
    return arn;
}

Done update_role(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    const auto description = c.form.get("Description");
    check_description(description, v);
    const auto max = c.form.integer("MaxSessionDuration", "maxSessionDuration", 3600, 43200, v);
    throw_if(v);
    const auto arn = change_role(c, name, [&](EmulatedRole& r) {
        if (description) r.description = *description;
        if (max) r.max_session_duration = static_cast<int>(*max);
    });
    return {"", arn};
}

Done update_assume_role_policy(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    const auto document = c.form.string("PolicyDocument", "policyDocument", kPolicyDocument, true, v);
    throw_if(v);
    auto policy = trust_policy_of(*document);
    const auto arn = change_role(c, name, [&](EmulatedRole& r) {
        r.trust_policy = std::move(policy);
        r.trust_policy_document = *document;
    });
    return {"", arn};
}

Done delete_role(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    throw_if(v);
    std::string arn;
    c.state.modify([&](ControlSnapshot& s) {
        const auto& r = existing_role(s, name);
        // IAM refuses while inline policies remain (IAM API Reference, "DeleteRole").
        if (!r.inline_policies.empty()) fail(IamErrorCode::DeleteConflict, "Cannot delete entity, must delete policies first.");
        arn = r.arn;
        s.roles.erase(arn);
    });
    return {"", arn};
}

Done put_role_policy(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    const auto policy = c.form.string("PolicyName", "policyName", kPolicyName, true, v);
    const auto document = c.form.string("PolicyDocument", "policyDocument", kPolicyDocument, true, v);
    throw_if(v);
    check_policy_json(*document, "PolicyDocument");
    const auto arn = change_role(c, name, [&](EmulatedRole& r) {
        r.inline_policies[*policy] = *document;
        size_t total = 0;
        for (const auto& [n, d] : r.inline_policies) total += non_whitespace(d);
        if (total > kMaxInlinePolicyChars)
            fail(IamErrorCode::LimitExceeded, "Maximum policy size of " + std::to_string(kMaxInlinePolicyChars) + " bytes exceeded for role " + r.name);
    });
    return {"", arn + " policy " + *policy};
}

const std::string& existing_policy(const EmulatedRole& r, const std::string& policy) {
    const auto it = r.inline_policies.find(policy);
    if (it == r.inline_policies.end()) fail(IamErrorCode::NoSuchEntity, "The role policy with name " + policy + " cannot be found.");
    return it->second;
}

Done get_role_policy(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    const auto policy = c.form.string("PolicyName", "policyName", kPolicyName, true, v);
    throw_if(v);
    const auto snapshot = c.state.snapshot();  // kept: r refers into it
    const auto& r = existing_role(*snapshot, name);
    const auto& document = existing_policy(r, *policy);
    return {element("RoleName", r.name) + element("PolicyName", *policy) + element("PolicyDocument", uri_encode(document)), r.arn + " policy " + *policy};
}

Done list_role_policies(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    const auto marker = c.form.string("Marker", "marker", kMarker, false, v);
    const auto max = c.form.integer("MaxItems", "maxItems", 1, 1000, v);
    throw_if(v);
    const auto snapshot = c.state.snapshot();  // kept: r refers into it
    const auto& r = existing_role(*snapshot, name);
    std::vector<std::string> names;
    for (const auto& [n, d] : r.inline_policies) names.push_back(n);
    const auto [items, next] = page(names, [](const std::string& n) { return n; }, marker, static_cast<size_t>(max.value_or(IamApi::kDefaultMaxItems)));
    std::string x = "<PolicyNames>";
    for (const auto& n : items) x += element("member", n);
    x += "</PolicyNames>" + page_end(next);
    return {x, r.arn + " " + std::to_string(items.size()) + " policies"};
}

Done delete_role_policy(const Call& c) {
    Violations v;
    const auto name = required_role_name(c.form, v);
    const auto policy = c.form.string("PolicyName", "policyName", kPolicyName, true, v);
    throw_if(v);
    const auto arn = change_role(c, name, [&](EmulatedRole& r) {
        existing_policy(r, *policy);
        r.inline_policies.erase(*policy);
    });
    return {"", arn + " policy " + *policy};
}

struct Operation {
    const char* action;
    Done (*run)(const Call&);
};

constexpr Operation kOperations[] = {
    {"CreateRole", create_role},
    {"GetRole", get_role},
    {"ListRoles", list_roles},
    {"UpdateRole", update_role},
    {"UpdateAssumeRolePolicy", update_assume_role_policy},
    {"DeleteRole", delete_role},
    {"PutRolePolicy", put_role_policy},
    {"GetRolePolicy", get_role_policy},
    {"ListRolePolicies", list_role_policies},
    {"DeleteRolePolicy", delete_role_policy},
};

// IAM's words for a refused signature (AWS General Reference, "Common errors").
IamError auth_refusal(const HmacRefusal& r) {
    switch (r.failure) {
        case HmacFailure::Unsigned: return {IamErrorCode::MissingAuthenticationToken, "Request is missing Authentication Token: " + r.message};
        case HmacFailure::Malformed: return {IamErrorCode::IncompleteSignature, r.message};
        case HmacFailure::Stale: return {IamErrorCode::SignatureDoesNotMatch, "Signature expired: " + r.message};
        case HmacFailure::UnknownKey:
        case HmacFailure::BadToken: return {IamErrorCode::InvalidClientTokenId, "The security token included in the request is invalid: " + r.message};
        case HmacFailure::SignatureMismatch: return {IamErrorCode::SignatureDoesNotMatch, r.message};
        case HmacFailure::Expired: return {IamErrorCode::ExpiredToken, "The security token included in the request is expired: " + r.message};
    }
    return {IamErrorCode::IncompleteSignature, r.message};
}

}  // namespace

std::string to_string(IamErrorCode c) {
    switch (c) {
        case IamErrorCode::NoSuchEntity: return "NoSuchEntity";
        case IamErrorCode::EntityAlreadyExists: return "EntityAlreadyExists";
        case IamErrorCode::MalformedPolicyDocument: return "MalformedPolicyDocument";
        case IamErrorCode::ValidationError: return "ValidationError";
        case IamErrorCode::DeleteConflict: return "DeleteConflict";
        case IamErrorCode::LimitExceeded: return "LimitExceeded";
        case IamErrorCode::InvalidAction: return "InvalidAction";
        case IamErrorCode::MissingAuthenticationToken: return "MissingAuthenticationToken";
        case IamErrorCode::IncompleteSignature: return "IncompleteSignature";
        case IamErrorCode::InvalidClientTokenId: return "InvalidClientTokenId";
        case IamErrorCode::SignatureDoesNotMatch: return "SignatureDoesNotMatch";
        case IamErrorCode::ExpiredToken: return "ExpiredToken";
        case IamErrorCode::AccessDenied: return "AccessDenied";
    }
    return "InvalidAction";
}

int http_status(IamErrorCode c) {
    switch (c) {
        case IamErrorCode::NoSuchEntity: return 404;
        case IamErrorCode::EntityAlreadyExists:
        case IamErrorCode::DeleteConflict:
        case IamErrorCode::LimitExceeded: return 409;
        case IamErrorCode::MalformedPolicyDocument:
        case IamErrorCode::ValidationError:
        case IamErrorCode::InvalidAction:
        case IamErrorCode::IncompleteSignature: return 400;
        case IamErrorCode::MissingAuthenticationToken:
        case IamErrorCode::InvalidClientTokenId:
        case IamErrorCode::SignatureDoesNotMatch:
        case IamErrorCode::ExpiredToken: return 403;
        case IamErrorCode::AccessDenied: return 403;
    }
    return 400;
}

std::string signing_service(const HttpRequest& req) {
    const auto header = req.header("Authorization");
    if (!header) return "";
    try {
        return parse_authorization(*header).service;
    } catch (const std::exception&) {
        return "";
    }
}

std::string new_role_id() {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string id = "AROA";
    while (id.size() < 21) {
        uint8_t b = 0;
        issue::rng().randomize(&b, 1);
        // 252 = 7 * 36: rejecting the rest keeps every character equally likely.
        if (b < 252) id += kAlphabet[b % 36];
    }
    return id;
}

std::string role_id_of(const EmulatedRole& role) {
    if (!role.role_id.empty()) return role.role_id;
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const auto digest = Botan::HashFunction::create_or_throw("SHA-256")->process(role.arn);
    std::string id = "AROA";
    for (size_t i = 0; id.size() < 21; ++i) id += kAlphabet[digest[i] % 36];
    return id;
}

IamReply IamApi::handle(const HttpRequest& request, Timestamp now, const std::string& request_id) {
    IamReply reply;
    const Form form(request);
    reply.operation = form.get("Action").value_or("");
    try {
        const auto signer = hmac_.verify(request, "iam", "IAM", now, kIamClockSkew);
        if (const auto* r = std::get_if<HmacRefusal>(&signer)) throw auth_refusal(*r);
        // No region check: with --endpoint-url the AWS CLI signs IAM in its configured region, not
        // in us-east-1 as it does for iam.amazonaws.com; the signature still covers the scope it names.
        const auto& caller = std::get<Caller>(signer);
        // Issued credentials carry a role whose permissions the emulator does not evaluate: only the
        // administrator may read or change roles, so a certificate's session cannot rewrite a trust policy.
        if (!caller.administrator)
            fail(IamErrorCode::AccessDenied, "User: " + caller.arn + " is not authorized to call IAM on this endpoint: use the administrator's key that emulate printed");
        if (reply.operation.empty()) fail(IamErrorCode::InvalidAction, "no Action parameter");
        const auto* op = std::find_if(std::begin(kOperations), std::end(kOperations), [&](const Operation& o) { return reply.operation == o.action; });
        if (op == std::end(kOperations))
            fail(IamErrorCode::InvalidAction, "Could not find operation " + reply.operation + " for version " + kVersion + " (this endpoint serves the IAM role operations)");
        if (const auto version = form.get("Version"); version && *version != kVersion)
            fail(IamErrorCode::InvalidAction, "Could not find operation " + reply.operation + " for version " + *version);
        const auto done = op->run(Call{form, now, state_});
        reply.body = response(op->action, done.result, request_id);
        reply.summary = done.summary + " by " + caller.arn;
    } catch (const IamError& e) {
        reply.status = http_status(e.code);
        reply.error = e.code;
        reply.body = error_xml(e.code, e.message, request_id);
        reply.summary = e.message;
    }
    return reply;
}

}  // namespace pkitool::exchange
