// RFC 4514 parsing and printing for the attribute types a private CA uses.
#include "issue/subject.h"

#include "base/error.h"

#include <botan/asn1_obj.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace pkitool::issue {

namespace {

struct Attribute {
    const char* name;  // RFC 4514 short name as printed
    const char* oid;
    Botan::ASN1_Tag tag;  // NO_OBJECT: let Botan pick PrintableString or UTF8String
    size_t max_chars;     // RFC 5280 Appendix A upper bounds; RFC 4519 has none for STREET, UID, DC
};

// emailAddress and DC must be IA5String (RFC 5280 appendix A, RFC 4519); C is PrintableString.
const std::vector<Attribute>& attributes() {
    static const std::vector<Attribute> a = {
        {"CN", "2.5.4.3", Botan::NO_OBJECT, 64},
        {"O", "2.5.4.10", Botan::NO_OBJECT, 64},
        {"OU", "2.5.4.11", Botan::NO_OBJECT, 64},
        {"C", "2.5.4.6", Botan::PRINTABLE_STRING, 2},
        {"L", "2.5.4.7", Botan::NO_OBJECT, 128},
        {"ST", "2.5.4.8", Botan::NO_OBJECT, 128},
        {"STREET", "2.5.4.9", Botan::NO_OBJECT, 128},
        {"serialNumber", "2.5.4.5", Botan::PRINTABLE_STRING, 64},
        {"emailAddress", "1.2.840.113549.1.9.1", Botan::IA5_STRING, 255},
        {"DC", "0.9.2342.19200300.100.1.25", Botan::IA5_STRING, 63},
        {"UID", "0.9.2342.19200300.100.1.1", Botan::NO_OBJECT, 256},
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

const Attribute* find_by_oid(const Botan::OID& oid) {
    static const std::vector<std::pair<Botan::OID, const Attribute*>> known = [] {
        std::vector<std::pair<Botan::OID, const Attribute*>> k;
        for (const auto& a : attributes()) k.emplace_back(Botan::OID(a.oid), &a);
        return k;
    }();
    for (const auto& [o, a] : known)
        if (o == oid) return a;
    return nullptr;
}

// Why a value cannot be issued as text (not UTF-8, a control character), else nullopt; counts
// its characters into `chars`.
std::optional<std::string> text_problem(const std::string& v, size_t& chars) {
    chars = 0;
    for (size_t i = 0; i < v.size(); ++chars) {
        const auto c = static_cast<unsigned char>(v[i]);
        const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = len != 0 && i + len <= v.size();
        uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
        for (size_t k = 1; ok && k < len; ++k) {
            const auto b = static_cast<unsigned char>(v[i + k]);
            ok = (b >> 6) == 2;
            cp = (cp << 6) | (b & 0x3f);
        }
        // RFC 3629 §3: the shortest form only, no surrogates, nothing past U+10FFFF.
        static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (ok && (cp < kMinimum[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)) ok = false;
        if (!ok) return std::string("is not valid UTF-8");
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {  // C0, DEL and C1 controls
            char hex[12];
            std::snprintf(hex, sizeof hex, cp < 0x100 ? "0x%02X" : "U+%04X", static_cast<unsigned>(cp));
            return std::string("holds the control character ") + hex;
        }
        i += len;
    }
    return std::nullopt;
}

std::optional<std::string> value_problem(const std::string& name, size_t max_chars, const std::string& value) {
    size_t chars = 0;
    if (const auto why = text_problem(value, chars)) return name + " " + *why;
    if (max_chars && chars > max_chars)
        return name + " is " + std::to_string(chars) + " characters long; RFC 5280 allows at most " + std::to_string(max_chars);
    return std::nullopt;
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

// `subject "..."` for messages: at most 80 characters, control bytes as \XX, so that a hostile
// name can neither flood the terminal nor cut the message at a NUL.
std::string quoted(const std::string& text) {
    std::string out = "subject \"";
    for (size_t i = 0; i < text.size() && i < 80; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\%02X", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + (text.size() > 80 ? "…\"" : "\"");
}

// Spaces around a value are not part of it (RFC 4514 §3), but an escaped one is: "CN=a\ " ends
// in a space, and trimming it left a trailing backslash (found by fuzzing the round trip).
std::string trim_value(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return "";
    size_t e = s.size();
    while (e > b && s[e - 1] == ' ') {
        size_t slashes = 0;
        while (e - 1 - slashes > b && s[e - 2 - slashes] == '\\') ++slashes;
        if (slashes % 2 == 1) break;
        --e;
    }
    return s.substr(b, e - b);
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
            throw usage_error(quoted(text) + ": multi-valued RDNs ('+') are not supported",
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
        if (i + 1 >= raw.size()) throw usage_error(quoted(whole) + ": trailing backslash");
        const int h1 = hex_value(raw[i + 1]);
        const int h2 = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
        if (h1 >= 0 && h2 >= 0) {
            out += static_cast<char>(h1 * 16 + h2);
            i += 2;
        } else if (std::string(",+\"\\<>;= #").find(raw[i + 1]) != std::string::npos) {
            out += raw[++i];
        } else {
            // RFC 4514 §3: only special characters and hex pairs may follow a backslash; "CN=a\zz"
            // used to be read as "azz".
            throw usage_error(quoted(whole) + ": invalid escape \\" + std::string(1, raw[i + 1]),
                              "escape only , + \" \\ < > ; = (or write a byte as \\XX in hex)");
        }
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

// RFC 4514 §2.4: the characters escaped in an attribute value.
std::string escape_dn_value(const std::string& v) {
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

Subject Subject::parse(const std::string& text) {
    Botan::X509_DN dn;
    if (trim(text).empty()) return Subject(dn);
    auto rdns = split_rdns(text);
    // RFC 4514 §2.1: the string lists RDNs from the last to the first of the DER sequence.
    std::reverse(rdns.begin(), rdns.end());
    for (const auto& rdn : rdns) {
        const auto eq = rdn.find('=');
        if (eq == std::string::npos)
            throw usage_error(quoted(text) + ": '" + trim(rdn) + "' is not TYPE=value",
                              "write it like \"CN=vm-01,O=Example,C=US\"");
        const std::string type = trim(rdn.substr(0, eq));
        const std::string value = unescape(trim_value(rdn.substr(eq + 1)), text);
        const Attribute* attr = find_by_name(type);
        if (!attr) {
            std::string names;
            for (const auto& a : attributes()) names += (names.empty() ? "" : ", ") + std::string(a.name);
            throw usage_error(quoted(text) + ": unknown attribute type '" + type + "'", "use one of: " + names);
        }
        if (value.empty())
            throw usage_error(quoted(text) + ": " + attr->name + " has an empty value");
        if (std::string(attr->name) == "C" && (value.size() != 2 || !std::isalpha((unsigned char)value[0]) || !std::isalpha((unsigned char)value[1])))
            throw usage_error(quoted(text) + ": C must be a two-letter country code, got '" + value + "'");
        if (const auto why = value_problem(attr->name, attr->max_chars, value))
            throw usage_error(quoted(text) + ": " + *why);
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

std::optional<std::string> Subject::problem() const {
    for (const auto& [oid, value] : dn_.dn_info()) {
        const Attribute* a = find_by_oid(oid);
        if (auto why = value_problem(a ? a->name : oid.to_string(), a ? a->max_chars : 0, value.value())) return why;
    }
    return std::nullopt;
}

std::string format_dn(const Botan::X509_DN& dn) {
    std::string out;
    const auto& info = dn.dn_info();
    for (auto it = info.rbegin(); it != info.rend(); ++it) {
        if (!out.empty()) out += ',';
        out += short_name(it->first) + "=" + escape_dn_value(it->second.value());
    }
    return out;
}

}  // namespace pkitool::issue
