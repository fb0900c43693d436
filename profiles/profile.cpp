// Built-in profiles. The Roles Anywhere ones encode Roles Anywhere User Guide, "Trust model".
#include "profiles/profile.h"

#include "issue/key_usage.h"

#include "base/error.h"

#include <algorithm>

namespace pkitool::profiles {

namespace {

constexpr std::pair<ExtendedUsage, const char*> kUsages[] = {
    {ExtendedUsage::ClientAuth, "1.3.6.1.5.5.7.3.2"},      {ExtendedUsage::ServerAuth, "1.3.6.1.5.5.7.3.1"},
    {ExtendedUsage::CodeSigning, "1.3.6.1.5.5.7.3.3"},     {ExtendedUsage::EmailProtection, "1.3.6.1.5.5.7.3.4"},
    {ExtendedUsage::TimeStamping, "1.3.6.1.5.5.7.3.8"},    {ExtendedUsage::OcspSigning, "1.3.6.1.5.5.7.3.9"},
};

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

    // What a Roles Anywhere trust anchor must be (Roles Anywhere User Guide, "Trust model"): also satisfied by root-ca and intermediate-ca.
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

std::string oid_of(ExtendedUsage u) {
    for (const auto& [usage, oid] : kUsages)
        if (usage == u) return oid;
    throw Error("internal: unknown extended key usage");
}

std::string name_of(ExtendedUsage u) { return issue::extended_key_usage_name(oid_of(u)); }

bool Profile::allows_key(const issue::KeyType& t) const {
    return allowed_key_types.empty() ||
           std::find(allowed_key_types.begin(), allowed_key_types.end(), t.name()) != allowed_key_types.end();
}

std::string Profile::key_usage_text() const {
    std::string out;
    for (const auto& n : issue::key_usage_names(key_usage)) out += (out.empty() ? "" : ", ") + n;
    return out;
}

const std::vector<Profile>& builtins() {
    static const std::vector<Profile> profiles = make_builtin();
    return profiles;
}

const Profile& builtin(Builtin which) {
    // make_builtin() lists them in the enum's order.
    return builtins().at(static_cast<size_t>(which));
}

}  // namespace pkitool::profiles
