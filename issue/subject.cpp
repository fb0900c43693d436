// RFC 4514 parsing and printing for the attribute types a private CA uses.
#include "issue/subject.h"

#include "pkitool/error.h"

#include <botan/asn1_obj.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace pkitool::issue {

namespace {

struct Attribute {
    const char* name;  // RFC 4514 short name as printed
    const char* oid;
    Botan::ASN1_Tag tag;  // NO_OBJECT: let Botan pick PrintableString or UTF8String
};

// emailAddress and DC must be IA5String (RFC 5280 appendix A, RFC 4519); C is PrintableString.
const std::vector<Attribute>& attributes() {
    static const std::vector<Attribute> a = {
        {"CN", "2.5.4.3", Botan::NO_OBJECT},
        {"O", "2.5.4.10", Botan::NO_OBJECT},
        {"OU", "2.5.4.11", Botan::NO_OBJECT},
        {"C", "2.5.4.6", Botan::PRINTABLE_STRING},
        {"L", "2.5.4.7", Botan::NO_OBJECT},
        {"ST", "2.5.4.8", Botan::NO_OBJECT},
        {"STREET", "2.5.4.9", Botan::NO_OBJECT},
        {"serialNumber", "2.5.4.5", Botan::PRINTABLE_STRING},
        {"emailAddress", "1.2.840.113549.1.9.1", Botan::IA5_STRING},
        {"DC", "0.9.2342.19200300.100.1.25", Botan::IA5_STRING},
        {"UID", "0.9.2342.19200300.100.1.1", Botan::NO_OBJECT},
    };
    return a;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

const Attribute* find_by_name(const std::string& name) {
    const std::string n = lower(name);
    for (const auto& a : attributes())
        if (lower(a.name) == n || (n == "e" && std::string(a.name) == "emailAddress")) return &a;
    return nullptr;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// Splits on unescaped commas; keeps escapes in place for the value decoder.
std::vector<std::string> split_rdns(const std::string& text) {
    std::vector<std::string> parts;
    std::string cur;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            cur += c;
            cur += text[++i];
        } else if (c == ',') {
            parts.push_back(cur);
            cur.clear();
        } else if (c == '+') {
            throw usage_error("subject \"" + text + "\": multi-valued RDNs ('+') are not supported",
                              "escape a literal plus sign as \\+");
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    return parts;
}

std::string unescape(const std::string& raw, const std::string& whole) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            out += raw[i];
            continue;
        }
        if (i + 1 >= raw.size()) throw usage_error("subject \"" + whole + "\": trailing backslash");
        const int h1 = hex_value(raw[i + 1]);
        const int h2 = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
        if (h1 >= 0 && h2 >= 0) {
            out += static_cast<char>(h1 * 16 + h2);
            i += 2;
        } else {
            out += raw[++i];
        }
    }
    return out;
}

std::string escape(const std::string& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        const bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' || c == '=';
        const bool edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == v.size() && c == ' ');
        if (special || edge) out += '\\';
        out += c;
    }
    return out;
}

std::string short_name(const Botan::OID& oid) {
    // OIDs compared as values: Botan 2's OID::to_string builds an ostringstream per call, which
    // made this a visible cost of `lint` (a label per certificate) and of every CreateSession.
    static const std::vector<std::pair<Botan::OID, const char*>> known = [] {
        std::vector<std::pair<Botan::OID, const char*>> k;
        for (const auto& a : attributes()) k.emplace_back(Botan::OID(a.oid), a.name);
        return k;
    }();
    for (const auto& [o, name] : known)
        if (o == oid) return name;
    return oid.to_string();
}

}  // namespace

Subject Subject::parse(const std::string& text) {
    Botan::X509_DN dn;
    if (trim(text).empty()) return Subject(dn);
    auto rdns = split_rdns(text);
    // RFC 4514 §2.1: the string lists RDNs from the last to the first of the DER sequence.
    std::reverse(rdns.begin(), rdns.end());
    for (const auto& rdn : rdns) {
        const auto eq = rdn.find('=');
        if (eq == std::string::npos)
            throw usage_error("subject \"" + text + "\": '" + trim(rdn) + "' is not TYPE=value",
                              "write it like \"CN=vm-01,O=Example,C=US\"");
        const std::string type = trim(rdn.substr(0, eq));
        const std::string value = unescape(trim(rdn.substr(eq + 1)), text);
        const Attribute* attr = find_by_name(type);
        if (!attr) {
            std::string names;
            for (const auto& a : attributes()) names += (names.empty() ? "" : ", ") + std::string(a.name);
            throw usage_error("subject \"" + text + "\": unknown attribute type '" + type + "'", "use one of: " + names);
        }
        if (value.empty())
            throw usage_error("subject \"" + text + "\": " + attr->name + " has an empty value");
        if (std::string(attr->name) == "C" && (value.size() != 2 || !std::isalpha((unsigned char)value[0]) || !std::isalpha((unsigned char)value[1])))
            throw usage_error("subject \"" + text + "\": C must be a two-letter country code, got '" + value + "'");
        const Botan::OID oid(attr->oid);
        if (attr->tag == Botan::NO_OBJECT)
            dn.add_attribute(oid, Botan::ASN1_String(value));
        else
            dn.add_attribute(oid, Botan::ASN1_String(value, attr->tag));
    }
    return Subject(dn);
}

std::string Subject::common_name() const {
    for (const auto& [oid, value] : dn_.dn_info())
        if (oid.to_string() == "2.5.4.3") return value.value();
    return "";
}

std::string Subject::to_string() const { return format_dn(dn_); }

std::string format_dn(const Botan::X509_DN& dn) {
    std::string out;
    const auto& info = dn.dn_info();
    for (auto it = info.rbegin(); it != info.rend(); ++it) {
        if (!out.empty()) out += ',';
        out += short_name(it->first) + "=" + escape(it->second.value());
    }
    return out;
}

}  // namespace pkitool::issue
