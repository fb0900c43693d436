// Built-in profiles. The Roles Anywhere ones encode protocol §1 of shared/rolesanywhere-protocol.md.
#include "profiles/profile.h"

#include "issue/inspect.h"

#include "base/error.h"
#include "profiles/catalog.h"

#include <algorithm>
#include <cstdlib>

namespace pkitool::profiles {

namespace {

struct UsageInfo {
    ExtendedUsage usage;
    const char* name;
    const char* oid;
};

constexpr UsageInfo kUsages[] = {
    {ExtendedUsage::ClientAuth, "clientAuth", "1.3.6.1.5.5.7.3.2"},
    {ExtendedUsage::ServerAuth, "serverAuth", "1.3.6.1.5.5.7.3.1"},
    {ExtendedUsage::CodeSigning, "codeSigning", "1.3.6.1.5.5.7.3.3"},
    {ExtendedUsage::EmailProtection, "emailProtection", "1.3.6.1.5.5.7.3.4"},
    {ExtendedUsage::TimeStamping, "timeStamping", "1.3.6.1.5.5.7.3.8"},
    {ExtendedUsage::OcspSigning, "OCSPSigning", "1.3.6.1.5.5.7.3.9"},
};

const UsageInfo& usage_info(ExtendedUsage u) {
    for (const auto& i : kUsages)
        if (i.usage == u) return i;
    throw Error("internal: unknown extended key usage");
}

std::vector<Profile> make_builtin() {
    const auto ca_usage = static_cast<Botan::Key_Constraints>(Botan::KEY_CERT_SIGN | Botan::CRL_SIGN);
    std::vector<Profile> p;

    Profile root;
    root.name = "root-ca";
    root.description = "Self-signed root CA: CA:TRUE (critical), keyCertSign + cRLSign (critical), SKI, AKI";
    root.role = Role::CertificateAuthority;
    root.key_usage = ca_usage;
    root.default_days = 3650;
    root.max_days = 3650 * 3;
    root.copy_sans_from_csr = false;
    p.push_back(root);

    Profile inter = root;
    inter.name = "intermediate-ca";
    inter.description = "Subordinate CA signed by a parent CA: CA:TRUE (critical), keyCertSign + cRLSign (critical), SKI, AKI";
    inter.default_days = 1825;
    p.push_back(inter);

    // What a Roles Anywhere trust anchor must be (protocol §1): also satisfied by root-ca and intermediate-ca.
    Profile anchor = root;
    anchor.name = "rolesanywhere-anchor";
    anchor.description = "IAM Roles Anywhere trust anchor: v3, CA:TRUE, keyCertSign, SHA-256 or stronger";
    p.push_back(anchor);

    Profile client;
    client.name = "rolesanywhere-client";
    client.description = "IAM Roles Anywhere end-entity: v3, CA:FALSE (critical), digitalSignature (critical), clientAuth, SHA-256 or stronger, non-empty subject";
    client.role = Role::EndEntity;
    client.key_usage = Botan::DIGITAL_SIGNATURE;
    client.extended_key_usage = {ExtendedUsage::ClientAuth};
    client.default_days = 365;
    client.max_days = 825;
    p.push_back(client);
    return p;
}

}  // namespace

std::string oid_of(ExtendedUsage u) { return usage_info(u).oid; }
std::string name_of(ExtendedUsage u) { return usage_info(u).name; }

bool Profile::allows_key(const issue::KeyType& t) const {
    return allowed_key_types.empty() ||
           std::find(allowed_key_types.begin(), allowed_key_types.end(), t.name()) != allowed_key_types.end();
}

std::string Profile::key_usage_text() const {
    std::string out;
    for (const auto& n : issue::key_usage_names(key_usage)) out += (out.empty() ? "" : ", ") + n;
    return out;
}

const std::vector<Profile>& builtin() {
    static const std::vector<Profile> profiles = make_builtin();
    return profiles;
}

const Profile& find(const std::string& name) {
    for (const auto& p : builtin())
        if (p.name == name) return p;
    // $PKITOOL_PROFILES adds the user's profiles everywhere a profile is named (issue, --batch rows),
    // read once per process; commands with --profiles-file use a Catalog directly.
    const std::vector<Profile>* all = &builtin();
    if (const char* env = std::getenv(kProfilesEnv); env && *env) {
        static const Catalog user = Catalog::load(env);
        for (const auto& p : user.all())
            if (p.name == name) return p;
        all = &user.all();
    }
    std::string names;
    for (const auto& p : *all) names += (names.empty() ? "" : ", ") + p.name;
    throw usage_error("unknown profile '" + name + "'", "use one of: " + names);
}

const std::string& default_client_profile_name() {
    static const std::string n = "rolesanywhere-client";
    return n;
}

}  // namespace pkitool::profiles
