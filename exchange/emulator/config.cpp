// Building and validating the emulator's configuration (quick form and emulate.json).
#include "exchange/emulator/config.h"

#include "exchange/arn.h"
#include "base/pem.h"
#include "issue/x509_file.h"
#include "base/error.h"
#include "base/files.h"
#include "base/json_file.h"
#include "profiles/conformance.h"

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
     "condition": {                      // optional: the Condition block of a trust policy allowing
                                         // rolesanywhere.amazonaws.com sts:AssumeRole, SetSourceIdentity, TagSession;
                                         // every key must hold. Operators: String(Not)Equals(IgnoreCase),
                                         // String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Null, with
                                         // ForAnyValue:/ForAllValues: and ...IfExists. Keys: aws:PrincipalTag/
                                         // x509Subject/<RDN>, x509Issuer/<RDN>, x509SAN/DNS|URI|Name/<RDN>,
                                         // aws:SourceArn (the trust anchor), aws:SourceIdentity ("CN=vm")
       "StringEquals": {"aws:PrincipalTag/x509Subject/CN": "MyOnpremVM"},
       "StringLike": {"aws:PrincipalTag/x509Issuer/CN": ["Example * CA", "Root?"]}}},
    {"name": "Audited",                  // or, instead of "condition", a whole IAM trust policy document
     "trustPolicy": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/*"}}},
       {"Effect": "Deny", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": "sts:*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/x509Subject/OU": "Retired"}}}]}}
  ]
})";

namespace {

const NextStep kSchema{NextStep::Kind::EmulatorSchema, "check the file against the emulate.json schema"};

using json_file::Object;

// A required or optional non-empty string.
std::string text(const Object& o, const std::string& key, const std::string& fallback, bool required) {
    const auto v = o.string(key, "a non-empty string");
    if (!v) {
        if (required) o.fail(key, "missing (a string is required)");
        return fallback;
    }
    if (v->empty()) o.fail(key, "must be a non-empty string");
    return *v;
}

// An array member; an empty one when it is optional and absent.
const json& list(const Object& o, const std::string& key, bool required) {
    static const json empty = json::array();
    const auto* v = o.array(key);
    if (!v && required) o.fail(key, "missing (an array is required)");
    return v ? *v : empty;
}

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
    a.certificates = check_trust_anchor_bundle(pem::load_certificates(cert), where + cert.string());
    if (crls.size() > 2) throw Error(where + "a trust anchor takes at most 2 CRLs, got " + std::to_string(crls.size()));
    for (const auto& p : crls) a.crls.push_back(issue::load_crl(p));
    return a;
}

// A TrustPolicy error names the element ("StringEqualz: unknown condition operator ..."); report
// it under the role's field so the message names the file too.
template <typename Parse>
TrustPolicy policy_field(const Object& role, const std::string& field, Parse parse) {
    try {
        return parse();
    } catch (const Error& e) {
        const std::string m = e.what();
        const auto colon = m.find(": ");
        if (colon == std::string::npos) role.fail(field, m);
        role.fail(field + "." + m.substr(0, colon), m.substr(colon + 2));
    }
}

}  // namespace

std::vector<Botan::X509_Certificate> check_trust_anchor_bundle(std::vector<Botan::X509_Certificate> certificates, const std::string& source) {
    // Roles Anywhere User Guide, "Trust model": a trust anchor bundle holds at most 2 certificates, each a v3 CA with keyCertSign.
    if (certificates.size() > 2)
        throw Error(source + ": holds " + std::to_string(certificates.size()) + " certificates, a trust anchor allows at most 2");
    for (const auto& c : certificates) {
        for (const auto& f : profiles::check_conformance(c, profiles::builtin(profiles::Builtin::RolesAnywhereAnchor)))
            if (f.severity == profiles::Severity::Error) {
                Error refused(source + ": " + f.certificate + " cannot be a trust anchor: " + f.message);
                throw f.step ? refused.with_step(*f.step) : refused.with_hint(f.fix);
            }
    }
    return certificates;
}

EmulatedRole quick_emulator_role(const std::string& account) {
    EmulatedRole role;
    role.name = "pkitool-emulate";
    role.arn = role_arn(account, role.name);
    role.trust_policy = TrustPolicy::allowing_rolesanywhere();
    return role;
}

EmulatorConfig roles_only_emulator_config() {
    EmulatorConfig c;
    c.roles.push_back(quick_emulator_role(c.account));
    return c;
}

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
    const auto role = quick_emulator_role(c.account);
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
    const std::string file = files::name_of(path);
    const auto doc = json_file::read(path, kSchema);
    const Object top(doc, file, "", kSchema);
    top.only({"region", "account", "trustAnchors", "profiles", "roles"});
    EmulatorConfig c;
    c.region = text(top, "region", c.region, false);
    c.account = text(top, "account", c.account, false);
    if (c.account.size() != 12 || !std::all_of(c.account.begin(), c.account.end(), ::isdigit)) top.fail("account", "must be 12 digits");
    if (!std::all_of(c.region.begin(), c.region.end(), [](unsigned char ch) { return std::islower(ch) || std::isdigit(ch) || ch == '-'; }))
        top.fail("region", "must look like us-east-1");
    const fs::path base = path.parent_path();
    const auto resolve = [&](const std::string& p) { return fs::path(p).is_absolute() ? fs::path(p) : base / p; };

    std::set<std::string> names;
    const auto unique = [&](const std::string& kind, const std::string& name, const Object& o) {
        if (!names.insert(kind + "/" + name).second) o.fail("name", "duplicate name \"" + name + "\"");
    };

    const auto& roles = list(top, "roles", true);
    for (size_t i = 0; i < roles.size(); ++i) {
        const auto r = top.element(roles[i], "roles", i);
        r.only({"name", "condition", "trustPolicy"});
        EmulatedRole role;
        role.name = text(r, "name", "", true);
        if (!role_name_ok(role.name)) r.fail("name", "an IAM role name is 1-64 characters of letters, digits and _+=,.@-");
        unique("role", role.name, r);
        role.arn = role_arn(c.account, role.name);
        if (r.has("condition") && r.has("trustPolicy")) r.fail("trustPolicy", "give either a condition or a trustPolicy, not both");
        if (r.has("trustPolicy")) {
            const auto doc = r.object("trustPolicy", "must be an IAM trust policy document (an object with a Statement)");
            role.trust_policy = policy_field(r, "trustPolicy", [&] { return TrustPolicy::parse(doc.value().dump()); });
        } else {
            const auto block = r.has("condition") ? r.object("condition", "must be an object like {\"StringEquals\": {\"aws:PrincipalTag/x509Subject/CN\": \"vm\"}}").value()
                                                  : json::object();
            role.trust_policy = policy_field(r, "condition", [&] { return TrustPolicy::allowing_rolesanywhere(block.dump()); });
        }
        c.roles.push_back(std::move(role));
    }

    const auto& anchors = list(top, "trustAnchors", true);
    for (size_t i = 0; i < anchors.size(); ++i) {
        const auto a = top.element(anchors[i], "trustAnchors", i);
        a.only({"name", "certificate", "crls", "enabled"});
        const auto name = text(a, "name", "", true);
        unique("anchor", name, a);
        const auto cert = resolve(text(a, "certificate", "", true));
        std::vector<fs::path> crls;
        const auto& crl_list = list(a, "crls", false);
        for (size_t k = 0; k < crl_list.size(); ++k) {
            if (!crl_list[k].is_string()) a.fail("crls[" + std::to_string(k) + "]", "must be a file name");
            crls.push_back(resolve(crl_list[k].get<std::string>()));
        }
        auto anchor = load_anchor(name, c.region, c.account, cert, crls, a.where() + ": ");
        anchor.enabled = a.boolean("enabled").value_or(true);
        c.anchors.push_back(std::move(anchor));
    }

    const auto& profiles = list(top, "profiles", true);
    for (size_t i = 0; i < profiles.size(); ++i) {
        const auto o = top.element(profiles[i], "profiles", i);
        o.only({"name", "roleArns", "enabled", "durationSeconds", "acceptRoleSessionName"});
        EmulatedProfile p;
        p.name = text(o, "name", "", true);
        unique("profile", p.name, o);
        p.arn = profile_arn(c.region, c.account, stable_uuid("profile/" + c.account + "/" + p.name));
        p.enabled = o.boolean("enabled").value_or(true);
        p.accept_role_session_name = o.boolean("acceptRoleSessionName").value_or(false);
        constexpr const char* kDuration = "an integer from 900 to 43200";
        if (const auto d = o.integer("durationSeconds", kDuration)) {
            if (*d < kMinDurationSeconds || *d > kMaxDurationSeconds) o.fail("durationSeconds", std::string("must be ") + kDuration);
            p.duration_seconds = static_cast<int>(*d);
        }
        const auto& arns = list(o, "roleArns", true);
        if (arns.empty()) o.fail("roleArns", "must list at least one role");
        for (size_t k = 0; k < arns.size(); ++k) {
            const std::string rf = "roleArns[" + std::to_string(k) + "]";
            if (!arns[k].is_string()) o.fail(rf, "must be a role ARN or a role name");
            std::string arn = arns[k].get<std::string>();
            if (arn.rfind("arn:", 0) != 0) arn = role_arn(c.account, arn);
            if (!c.find_role(arn)) o.fail(rf, "\"" + arn + "\" is not one of the roles defined under \"roles\"");
            p.role_arns.push_back(arn);
        }
        c.profiles.push_back(std::move(p));
    }
    if (c.anchors.empty() || c.profiles.empty() || c.roles.empty())
        top.fail(c.anchors.empty() ? "trustAnchors" : c.profiles.empty() ? "profiles" : "roles", "must not be empty");
    return c;
}

}  // namespace pkitool::exchange
