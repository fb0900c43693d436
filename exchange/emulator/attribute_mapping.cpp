// Session tags from certificate fields, under a profile's attribute mappings.
#include "exchange/emulator/attribute_mapping.h"

#include "issue/general_name.h"
#include "issue/serial.h"
#include "issue/subject.h"

#include <botan/pkix_types.h>

#include <algorithm>

namespace pkitool::exchange {

namespace {

// The RDNs that map, by OID. The User Guide ("Certificate attribute mapping") says "all supported
// RDNs" without listing them; its "Trust policy" page names CN, OU, O, C, ST and L, and the API's
// MappingRule ("specifier: such as CN, OU, or UID") adds UID. DC and serialNumber are the other
// subject attributes the AWS documentation's examples use; nothing else maps.
struct Rdn {
    const char* name;
    const char* oid;
};
constexpr Rdn kRdns[] = {
    {"CN", "2.5.4.3"},  {"serialNumber", "2.5.4.5"}, {"C", "2.5.4.6"},  {"L", "2.5.4.7"}, {"ST", "2.5.4.8"},
    {"O", "2.5.4.10"},  {"OU", "2.5.4.11"},          {"DC", "0.9.2342.19200300.100.1.25"}, {"UID", "0.9.2342.19200300.100.1.1"},
};

bool has(const std::vector<std::string>& specifiers, const std::string& s) { return std::find(specifiers.begin(), specifiers.end(), s) != specifiers.end(); }

// The first value of each mapped RDN of `dn` that `wanted(name)` selects, as prefix/<name>.
template <typename Wanted>
void map_dn(const Botan::X509_DN& dn, const std::string& prefix, Wanted wanted, PrincipalTags& tags) {
    for (const auto& [oid, value] : dn.dn_info()) {
        const auto text = oid.to_string();
        const auto it = std::find_if(std::begin(kRdns), std::end(kRdns), [&](const Rdn& r) { return text == r.oid; });
        if (it != std::end(kRdns) && wanted(std::string(it->name))) tags.try_emplace(prefix + it->name, value.value());
    }
}

const std::vector<std::string>* rules_of(const AttributeMappings& mappings, const std::string& field) {
    for (const auto& m : mappings)
        if (m.certificate_field == field) return &m.specifiers;
    return nullptr;
}

}  // namespace

bool is_certificate_field(const std::string& field) { return field == "x509Subject" || field == "x509Issuer" || field == "x509SAN"; }

AttributeMappings default_attribute_mappings() {
    return {{"x509Subject", {"*"}}, {"x509Issuer", {"*"}}, {"x509SAN", {"DNS", "URI", "Name/*"}}};
}

PrincipalTags principal_tags(const Botan::X509_Certificate& leaf, const AttributeMappings& mappings) {
    PrincipalTags tags;
    for (const auto& [field, dn] : {std::pair<std::string, const Botan::X509_DN*>{"x509Subject", &leaf.subject_dn()}, {"x509Issuer", &leaf.issuer_dn()}}) {
        const auto* rules = rules_of(mappings, field);
        if (!rules || rules->empty()) continue;
        map_dn(*dn, field + "/", [&](const std::string& name) { return has(*rules, "*") || has(*rules, name); }, tags);
    }
    const auto* san_rules = rules_of(mappings, "x509SAN");
    if (!san_rules || san_rules->empty()) return tags;
    std::vector<issue::GeneralName> sans;
    try {
        sans = issue::subject_alt_names(leaf);
    } catch (const std::exception&) {
        // An undecodable SAN gives no tags; the path engine has judged the certificate already.
    }
    bool dn_seen = false;
    for (const auto& n : sans) {
        if (n.type == issue::GeneralName::Type::DNS && has(*san_rules, "DNS")) tags.try_emplace("x509SAN/DNS", n.text);
        if (n.type == issue::GeneralName::Type::URI && has(*san_rules, "URI")) tags.try_emplace("x509SAN/URI", n.text);
        // Only the first directoryName counts, as for the other kinds.
        if (n.type == issue::GeneralName::Type::DirectoryName && n.dn && !dn_seen) {
            dn_seen = true;
            map_dn(*n.dn, "x509SAN/Name/", [&](const std::string& name) { return has(*san_rules, "Name/*") || has(*san_rules, "Name/" + name); }, tags);
        }
    }
    return tags;
}

PrincipalTags principal_tags(const Botan::X509_Certificate& leaf) { return principal_tags(leaf, default_attribute_mappings()); }

TrustRequest trust_request(const Botan::X509_Certificate& leaf, const AttributeMappings& mappings, const std::string& anchor_arn) {
    const std::string cn = issue::Subject::from(leaf.subject_dn()).common_name();
    std::string source_identity = cn.empty() ? "ID=" + issue::Serial::from(Botan::BigInt(leaf.serial_number())).hex() : "CN=" + cn;
    return {principal_tags(leaf, mappings), anchor_arn, std::move(source_identity)};
}

}  // namespace pkitool::exchange
