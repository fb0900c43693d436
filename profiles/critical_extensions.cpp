// The extensions a validator must understand to accept them as critical. openssl 3 handles the
// same set (less the Netscape, proxy, policy-processing and RFC 3779 ones, which pkitool does not
// process: a certificate marking them critical is refused, README "Where lint and emulate differ").
#include "profiles/critical_extensions.h"

#include <botan/pkix_types.h>

#include <utility>

namespace pkitool::profiles {

namespace {

struct Known {
    const char* oid;
    const char* name;
    bool handled;
};

// RFC 5280 §4.2.1. certificatePolicies is handled in the sense of §6.1 with the initial policy set
// any-policy and no explicit policy required (what Roles Anywhere and openssl verify do): it can
// never fail such a path. AKI and SKI MUST NOT be critical (§4.2.1.1, §4.2.1.2): refused.
constexpr Known kKnown[] = {
    {"2.5.29.19", "basicConstraints", true},      {"2.5.29.15", "keyUsage", true},
    {"2.5.29.37", "extendedKeyUsage", true},      {"2.5.29.17", "subjectAltName", true},
    {"2.5.29.30", "nameConstraints", true},       {"2.5.29.32", "certificatePolicies", true},
    {"2.5.29.31", "cRLDistributionPoints", true}, {"2.5.29.35", "authorityKeyIdentifier", false},
    {"2.5.29.14", "subjectKeyIdentifier", false}, {"2.5.29.18", "issuerAltName", false},
    {"2.5.29.36", "policyConstraints", false},    {"2.5.29.33", "policyMappings", false},
    {"2.5.29.54", "inhibitAnyPolicy", false},     {"1.3.6.1.5.5.7.1.1", "authorityInfoAccess", false},
    {"2.16.840.1.113730.1.1", "nsCertType", false},
};

const std::vector<std::pair<Botan::OID, const Known*>>& known() {
    static const auto table = [] {
        std::vector<std::pair<Botan::OID, const Known*>> t;
        for (const auto& k : kKnown) t.emplace_back(Botan::OID(k.oid), &k);
        return t;
    }();
    return table;
}

}  // namespace

std::vector<std::string> unhandled_critical_extensions(const Botan::X509_Certificate& cert) {
    std::vector<std::string> out;
    const auto& ext = cert.v3_extensions();
    for (const auto& oid : ext.get_extension_oids()) {
        if (!ext.critical_extension_set(oid)) continue;
        bool handled = false;
        for (const auto& [o, k] : known())
            if (o == oid) handled = k->handled;
        if (!handled) out.push_back(extension_name(oid));
    }
    return out;
}

std::string extension_name(const Botan::OID& oid) {
    for (const auto& [o, k] : known())
        if (o == oid) return std::string(k->name) + " (" + k->oid + ")";
    return oid.to_string();
}

}  // namespace pkitool::profiles
