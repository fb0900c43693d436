// Building and validating the emulator's configuration (quick form and emulate.json).
#include "exchange/emulator/config.h"

#include "exchange/arn.h"
#include "issue/x509_file.h"
#include "base/error.h"
#include "base/files.h"
#include "profiles/conformance.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace pkitool::exchange {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kEmulatorConfigSchema = R"({
  "region": "us-east-1",                 // optional, default us-east-1
  "account": "123456789012",             // optional, 12 digits
  "trustAnchors": [                      // at least one
    {"name": "root",                     // unique; the ARN's id is derived from it (stable across runs)
     "certificate": "root-ca/ca.crt",    // PEM bundle, 1 or 2 CA certificates; relative to this file
     "crls": ["root-ca/crl.pem"],        // optional, at most 2
     "enabled": true}                    // optional, default true
  ],
  "profiles": [                          // at least one
    {"name": "vm",
     "roleArns": ["arn:aws:iam::123456789012:role/MyOnpremRole"],  // or just role names
     "enabled": true,                    // optional, default true
     "durationSeconds": 3600,            // optional, 900..43200, caps the session
     "acceptRoleSessionName": false}     // optional, default false
  ],
  "roles": [                             // at least one
    {"name": "MyOnpremRole",
     "condition": {                      // optional: IAM trust-policy Condition block, all keys must hold
       "StringEquals": {"aws:PrincipalTag/x509Subject/CN": "MyOnpremVM"},
       "StringLike": {"aws:PrincipalTag/x509Issuer/CN": ["Example * CA", "Root?"]}}}
  ]
})";

namespace {

const NextStep kSchema{NextStep::Kind::EmulatorSchema, "check the file against the emulate.json schema"};

// Every error names the file and the JSON path of the field.
struct Reader {
    std::string file;
    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw Error(file + ": " + field + ": " + what).with_step(kSchema);
    }
    const json& array(const json& obj, const std::string& key, const std::string& field, bool required) const {
        static const json empty = json::array();
        if (!obj.contains(key)) {
            if (required) fail(field, "missing (an array is required)");
            return empty;
        }
        if (!obj.at(key).is_array()) fail(field, "must be an array");
        return obj.at(key);
    }
    std::string string(const json& obj, const std::string& key, const std::string& field, const std::string& fallback,
                       bool required) const {
        if (!obj.contains(key)) {
            if (required) fail(field, "missing (a string is required)");
            return fallback;
        }
        if (!obj.at(key).is_string() || obj.at(key).get<std::string>().empty()) fail(field, "must be a non-empty string");
        return obj.at(key).get<std::string>();
    }
    bool boolean(const json& obj, const std::string& key, const std::string& field, bool fallback) const {
        if (!obj.contains(key)) return fallback;
        if (!obj.at(key).is_boolean()) fail(field, "must be true or false");
        return obj.at(key).get<bool>();
    }
    void only_keys(const json& obj, const std::string& field, std::initializer_list<const char*> allowed) const {
        if (!obj.is_object()) fail(field, "must be an object");
        for (const auto& item : obj.items()) {
            const std::string& k = item.key();  // a plain reference: C++20 lambdas cannot capture bindings in clang 14
            if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) fail(field + "." + k, "unknown field");
        }
    }
};

bool role_name_ok(const std::string& n) {
    // IAM role names: [\w+=,.@-]{1,64}.
    if (n.empty() || n.size() > 64) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c) || std::string("_+=,.@-").find(c) != std::string::npos; });
}

TrustAnchor load_anchor(const std::string& name, const std::string& region, const std::string& account, const fs::path& cert,
                        const std::vector<fs::path>& crls, const std::string& where) {
    TrustAnchor a;
    a.name = name;
    a.arn = trust_anchor_arn(region, account, stable_uuid("trust-anchor/" + account + "/" + name));
    a.certificates = issue::load_certificates(cert);
    // protocol §1: a trust anchor bundle holds at most 2 certificates, each a v3 CA with keyCertSign.
    if (a.certificates.size() > 2)
        throw Error(where + cert.string() + ": holds " + std::to_string(a.certificates.size()) + " certificates, a trust anchor allows at most 2");
    for (const auto& c : a.certificates) {
        for (const auto& f : profiles::check_conformance(c, profiles::find("rolesanywhere-anchor")))
            if (f.severity == profiles::Severity::Error) {
                Error refused(where + cert.string() + ": " + f.certificate + " cannot be a trust anchor: " + f.message);
                throw f.step ? refused.with_step(*f.step) : refused.with_hint(f.fix);
            }
    }
    if (crls.size() > 2) throw Error(where + "a trust anchor takes at most 2 CRLs, got " + std::to_string(crls.size()));
    for (const auto& p : crls) a.crls.push_back(issue::load_crl(p));
    return a;
}

std::vector<Condition> parse_condition(const Reader& r, const json& block, const std::string& field) {
    std::vector<Condition> out;
    if (!block.is_object()) r.fail(field, "must be an object like {\"StringEquals\": {\"aws:PrincipalTag/x509Subject/CN\": \"vm\"}}");
    for (const auto& [op_name, keys] : block.items()) {
        const auto op = parse_condition_operator(op_name);
        if (!op) r.fail(field + "." + op_name, "unknown operator (supported: StringEquals, StringLike)");
        if (!keys.is_object() || keys.empty()) r.fail(field + "." + op_name, "must be a non-empty object of condition keys");
        for (const auto& [key, values] : keys.items()) {
            const std::string kf = field + "." + op_name + "." + key;
            if (key.rfind("aws:PrincipalTag/", 0) != 0) r.fail(kf, "only aws:PrincipalTag/... keys are supported");
            Condition c{*op, key, {}};
            if (values.is_string()) c.values.push_back(values.get<std::string>());
            else if (values.is_array() && !values.empty() && std::all_of(values.begin(), values.end(), [](const json& v) { return v.is_string(); }))
                c.values = values.get<std::vector<std::string>>();
            else r.fail(kf, "must be a string or a non-empty array of strings");
            out.push_back(std::move(c));
        }
    }
    return out;
}

}  // namespace

const TrustAnchor* EmulatorConfig::find_anchor(const std::string& arn) const {
    for (const auto& a : anchors)
        if (a.arn == arn) return &a;
    return nullptr;
}

const EmulatedProfile* EmulatorConfig::find_profile(const std::string& arn) const {
    for (const auto& p : profiles)
        if (p.arn == arn) return &p;
    return nullptr;
}

const EmulatedRole* EmulatorConfig::find_role(const std::string& arn) const {
    for (const auto& r : roles)
        if (r.arn == arn) return &r;
    return nullptr;
}

EmulatorConfig quick_emulator_config(const fs::path& anchor, const std::vector<fs::path>& crls) {
    EmulatorConfig c;
    c.anchors.push_back(load_anchor("anchor", c.region, c.account, anchor, crls, ""));
    EmulatedRole role;
    role.name = "pkitool-emulate";
    role.arn = role_arn(c.account, role.name);
    c.roles.push_back(role);
    EmulatedProfile profile;
    profile.name = "profile";
    profile.arn = profile_arn(c.region, c.account, stable_uuid("profile/" + c.account + "/profile"));
    profile.role_arns = {role.arn};
    profile.duration_seconds = kMaxDurationSeconds;  // let the request decide, as a fresh AWS profile does
    c.profiles.push_back(profile);
    return c;
}

EmulatorConfig load_emulator_config(const fs::path& path) {
    const Reader r{path.string()};
    json doc;
    try {
        doc = json::parse(files::read_text(path));
    } catch (const json::exception& e) {
        throw Error(path.string() + ": not valid JSON: " + e.what()).with_step(kSchema);
    }
    r.only_keys(doc, "(top level)", {"region", "account", "trustAnchors", "profiles", "roles"});
    EmulatorConfig c;
    c.region = r.string(doc, "region", "region", c.region, false);
    c.account = r.string(doc, "account", "account", c.account, false);
    if (c.account.size() != 12 || !std::all_of(c.account.begin(), c.account.end(), ::isdigit)) r.fail("account", "must be 12 digits");
    if (!std::all_of(c.region.begin(), c.region.end(), [](unsigned char ch) { return std::islower(ch) || std::isdigit(ch) || ch == '-'; }))
        r.fail("region", "must look like us-east-1");
    const fs::path base = path.parent_path();
    const auto resolve = [&](const std::string& p) { return fs::path(p).is_absolute() ? fs::path(p) : base / p; };

    std::set<std::string> names;
    const auto unique = [&](const std::string& kind, const std::string& name, const std::string& field) {
        if (!names.insert(kind + "/" + name).second) r.fail(field, "duplicate name \"" + name + "\"");
    };

    const auto& roles = r.array(doc, "roles", "roles", true);
    for (size_t i = 0; i < roles.size(); ++i) {
        const std::string f = "roles[" + std::to_string(i) + "]";
        r.only_keys(roles[i], f, {"name", "condition"});
        EmulatedRole role;
        role.name = r.string(roles[i], "name", f + ".name", "", true);
        if (!role_name_ok(role.name)) r.fail(f + ".name", "an IAM role name is 1-64 characters of letters, digits and _+=,.@-");
        unique("role", role.name, f + ".name");
        role.arn = role_arn(c.account, role.name);
        if (roles[i].contains("condition")) role.trust_policy.conditions = parse_condition(r, roles[i].at("condition"), f + ".condition");
        c.roles.push_back(std::move(role));
    }

    const auto& anchors = r.array(doc, "trustAnchors", "trustAnchors", true);
    for (size_t i = 0; i < anchors.size(); ++i) {
        const std::string f = "trustAnchors[" + std::to_string(i) + "]";
        r.only_keys(anchors[i], f, {"name", "certificate", "crls", "enabled"});
        const auto name = r.string(anchors[i], "name", f + ".name", "", true);
        unique("anchor", name, f + ".name");
        const auto cert = resolve(r.string(anchors[i], "certificate", f + ".certificate", "", true));
        std::vector<fs::path> crls;
        const auto& crl_list = r.array(anchors[i], "crls", f + ".crls", false);
        for (size_t k = 0; k < crl_list.size(); ++k) {
            if (!crl_list[k].is_string()) r.fail(f + ".crls[" + std::to_string(k) + "]", "must be a file name");
            crls.push_back(resolve(crl_list[k].get<std::string>()));
        }
        auto anchor = load_anchor(name, c.region, c.account, cert, crls, r.file + ": " + f + ": ");
        anchor.enabled = r.boolean(anchors[i], "enabled", f + ".enabled", true);
        c.anchors.push_back(std::move(anchor));
    }

    const auto& profiles = r.array(doc, "profiles", "profiles", true);
    for (size_t i = 0; i < profiles.size(); ++i) {
        const std::string f = "profiles[" + std::to_string(i) + "]";
        r.only_keys(profiles[i], f, {"name", "roleArns", "enabled", "durationSeconds", "acceptRoleSessionName"});
        EmulatedProfile p;
        p.name = r.string(profiles[i], "name", f + ".name", "", true);
        unique("profile", p.name, f + ".name");
        p.arn = profile_arn(c.region, c.account, stable_uuid("profile/" + c.account + "/" + p.name));
        p.enabled = r.boolean(profiles[i], "enabled", f + ".enabled", true);
        p.accept_role_session_name = r.boolean(profiles[i], "acceptRoleSessionName", f + ".acceptRoleSessionName", false);
        if (profiles[i].contains("durationSeconds")) {
            const auto& d = profiles[i].at("durationSeconds");
            if (!d.is_number_integer() || d.get<long long>() < kMinDurationSeconds || d.get<long long>() > kMaxDurationSeconds)
                r.fail(f + ".durationSeconds", "must be an integer from 900 to 43200");
            p.duration_seconds = d.get<int>();
        }
        const auto& arns = r.array(profiles[i], "roleArns", f + ".roleArns", true);
        if (arns.empty()) r.fail(f + ".roleArns", "must list at least one role");
        for (size_t k = 0; k < arns.size(); ++k) {
            const std::string rf = f + ".roleArns[" + std::to_string(k) + "]";
            if (!arns[k].is_string()) r.fail(rf, "must be a role ARN or a role name");
            std::string arn = arns[k].get<std::string>();
            if (arn.rfind("arn:", 0) != 0) arn = role_arn(c.account, arn);
            if (!c.find_role(arn)) r.fail(rf, "\"" + arn + "\" is not one of the roles defined under \"roles\"");
            p.role_arns.push_back(arn);
        }
        c.profiles.push_back(std::move(p));
    }
    if (c.anchors.empty() || c.profiles.empty() || c.roles.empty())
        r.fail(c.anchors.empty() ? "trustAnchors" : c.profiles.empty() ? "profiles" : "roles", "must not be empty");
    return c;
}

}  // namespace pkitool::exchange
