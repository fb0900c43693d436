// Session tags from certificate fields.
#include "exchange/emulator/attribute_mapping.h"

#include "issue/general_name.h"

#include <botan/pkix_types.h>

namespace pkitool::exchange {

namespace {

// The RDNs Roles Anywhere maps to tags (AWS docs, "Trust policy" page).
constexpr const char* kRdns[] = {"CN", "O", "OU", "C", "ST", "L"};

}  // namespace

PrincipalTags principal_tags(const Botan::X509_Certificate& leaf) {
    PrincipalTags tags;
    for (const char* rdn : kRdns) {
        const auto s = leaf.subject_dn().get_first_attribute(rdn);
        if (!s.empty()) tags[std::string("x509Subject/") + rdn] = s;
        const auto i = leaf.issuer_dn().get_first_attribute(rdn);
        if (!i.empty()) tags[std::string("x509Issuer/") + rdn] = i;
    }
    std::vector<issue::GeneralName> sans;
    try {
        sans = issue::subject_alt_names(leaf);
    } catch (const std::exception&) {
        // An undecodable SAN gives no tags; the path engine has judged the certificate already.
    }
    for (const auto& n : sans) {
        if (n.type == issue::GeneralName::Type::DNS) tags.try_emplace("x509SAN/DNS", n.text);
        if (n.type == issue::GeneralName::Type::URI) tags.try_emplace("x509SAN/URI", n.text);
    }
    return tags;
}

}  // namespace pkitool::exchange
