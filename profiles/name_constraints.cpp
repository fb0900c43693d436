// Name matching per RFC 5280 §4.2.1.10, with openssl's reading of the details (a leading "." means
// subdomains only; an empty DNS base matches everything; a URI is judged by its host).
#include "profiles/name_constraints.h"

#include "issue/subject.h"

#include <botan/x509_ext.h>

#include <algorithm>
#include <cctype>

namespace pkitool::profiles {

namespace {

using issue::GeneralName;
using Type = GeneralName::Type;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool ends_with_ci(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == lower(suffix);
}

// base "example.com" matches example.com and any name below it; ".example.com" only names below.
bool dns_matches(const std::string& name, const std::string& base) {
    if (base.empty()) return true;
    if (!ends_with_ci(name, base)) return false;
    if (name.size() == base.size()) return true;
    return base.front() == '.' || name[name.size() - base.size() - 1] == '.';
}

// "user@host" is one mailbox; "host" every mailbox at host; ".host" every mailbox below host.
bool email_matches(const std::string& mailbox, const std::string& base) {
    const auto at = mailbox.rfind('@');
    if (at == std::string::npos) return false;
    if (base.find('@') != std::string::npos) {
        const auto bat = base.rfind('@');
        return mailbox.substr(0, at) == base.substr(0, bat) && lower(mailbox.substr(at + 1)) == lower(base.substr(bat + 1));
    }
    const std::string host = mailbox.substr(at + 1);
    if (!base.empty() && base.front() == '.') return ends_with_ci(host, base);
    return lower(host) == lower(base);
}

// The host of scheme://[userinfo@]host[:port]/...; nullopt when there is none.
std::optional<std::string> uri_host(const std::string& uri) {
    const auto scheme_end = uri.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    std::string rest = uri.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
    if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
    rest = rest.substr(0, rest.find(':'));
    if (rest.empty()) return std::nullopt;
    return rest;
}

bool host_matches(const std::string& host, const std::string& base) {
    if (!base.empty() && base.front() == '.') return ends_with_ci(host, base);
    return lower(host) == lower(base);
}

bool ip_matches(const std::vector<uint8_t>& ip, const std::vector<uint8_t>& base) {
    if (base.size() != 2 * ip.size()) return false;
    const size_t n = ip.size();
    for (size_t i = 0; i < n; ++i)
        if ((ip[i] & base[n + i]) != (base[i] & base[n + i])) return false;
    return true;
}

// The constraint's RDNs are a prefix of the name's (attribute by attribute, values compared as
// Botan's X509_DN comparison does: case and space insensitive).
bool dn_matches(const Botan::X509_DN& name, const Botan::X509_DN& base) {
    const auto& n = name.dn_info();
    const auto& b = base.dn_info();
    if (b.size() > n.size()) return false;
    for (size_t i = 0; i < b.size(); ++i) {
        if (n[i].first != b[i].first) return false;
        Botan::X509_DN one, other;
        one.add_attribute(n[i].first, n[i].second.value());
        other.add_attribute(b[i].first, b[i].second.value());
        if (!(one == other)) return false;
    }
    return true;
}

bool matches(const GeneralName& name, const GeneralName& base) {
    switch (name.type) {
        case Type::DNS: return dns_matches(name.text, base.text);
        case Type::Email: return email_matches(name.text, base.text);
        case Type::URI: {
            const auto host = uri_host(name.text);
            return host && host_matches(*host, base.text);
        }
        case Type::IP: return ip_matches(name.octets, base.octets);
        case Type::DirectoryName: return name.dn && base.dn && dn_matches(*name.dn, *base.dn);
        default: return false;
    }
}

bool supported(Type t) { return t == Type::DNS || t == Type::Email || t == Type::URI || t == Type::IP || t == Type::DirectoryName; }

// openssl treats a CN as a host name when it is made of letters, digits, '-' and '_' in labels
// separated by dots, with at least one dot.
bool looks_like_host(const std::string& cn) {
    if (cn.empty() || cn.front() == '.' || cn.back() == '.' || cn.find('.') == std::string::npos || cn.find("..") != std::string::npos) return false;
    return std::all_of(cn.begin(), cn.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

std::optional<NameConstraints> NameConstraints::of(const Botan::X509_Certificate& ca) {
    static const Botan::OID oid = Botan::Cert_Extension::Name_Constraints::static_oid();
    const auto raw = issue::raw_extension(ca, oid);
    if (!raw) return std::nullopt;
    auto value = issue::decode_name_constraints(raw->value);
    NameConstraints nc;
    nc.permitted_ = std::move(value.permitted);
    nc.excluded_ = std::move(value.excluded);
    return nc;
}

std::optional<std::string> NameConstraints::check(const GeneralName& name) const {
    bool have_permitted = false, permitted = false;
    for (const auto* list : {&permitted_, &excluded_})
        for (const auto& s : *list) {
            if (s.base.type != name.type) continue;
            if (s.bounded()) return "a name constraint on " + s.base.to_string() + " has a minimum or maximum, which RFC 5280 §4.2.1.10 forbids";
            if (list == &excluded_ && matches(name, s.base)) return name.to_string() + " is excluded by the constraint " + s.base.to_string();
            if (list == &permitted_) {
                have_permitted = true;
                permitted = permitted || matches(name, s.base);
            }
        }
    if (have_permitted && !permitted) {
        const auto text = name.to_string();
        return text + " is outside every permitted " + text.substr(0, text.find(':')) + " subtree";
    }
    return std::nullopt;
}

std::optional<std::string> NameConstraints::violation(const Botan::X509_Certificate& cert, bool end_entity) const {
    std::vector<GeneralName> names;
    const auto& subject = cert.subject_dn();
    if (!subject.dn_info().empty()) names.push_back({Type::DirectoryName, {}, {}, subject});
    static const Botan::OID email_oid("1.2.840.113549.1.9.1");
    for (const auto& [oid, value] : subject.dn_info())
        if (oid == email_oid) names.push_back({Type::Email, value.value(), {}, std::nullopt});
    std::vector<GeneralName> sans;
    try {
        sans = issue::subject_alt_names(cert);
    } catch (const std::exception& e) {
        // Names that cannot be read cannot be shown to be inside the constraints.
        return std::string("its subjectAltName cannot be decoded (") + e.what() + ")";
    }
    bool dns_san = false;
    for (const auto& n : sans) {
        dns_san = dns_san || n.type == Type::DNS;
        if (!supported(n.type)) {
            for (const auto* list : {&permitted_, &excluded_})
                for (const auto& s : *list)
                    if (s.base.type == n.type) return "the SAN " + n.to_string() + " is of a type name constraints are not checked for";
            continue;
        }
        names.push_back(n);
    }
    for (const auto& n : names)
        if (auto why = check(n)) return why;
    if (end_entity && !dns_san)
        for (const auto& cn : subject.get_attribute("CN"))
            if (looks_like_host(cn))
                if (auto why = check({Type::DNS, cn, {}, std::nullopt})) return "the CN " + cn + " (a host name): " + *why;
    return std::nullopt;
}

}  // namespace pkitool::profiles
