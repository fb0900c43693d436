// SAN parsing with early, specific errors, and DER encoding of every kind (Botan 2 encodes only IPv4).
#include "issue/san.h"

#include "issue/subject.h"
#include "base/error.h"

#include <botan/der_enc.h>
#include <botan/x509_ext.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <functional>

namespace pkitool::issue {

namespace {

struct KindName {
    SanEntry::Kind kind;
    const char* prefix;  // command-line prefix
    GeneralName::Type type;
};

constexpr KindName kKinds[] = {
    {SanEntry::Kind::DNS, "dns", GeneralName::Type::DNS},
    {SanEntry::Kind::URI, "uri", GeneralName::Type::URI},
    {SanEntry::Kind::IP, "ip", GeneralName::Type::IP},
    {SanEntry::Kind::Email, "email", GeneralName::Type::Email},
};

const KindName& info(SanEntry::Kind k) {
    for (const auto& i : kKinds)
        if (i.kind == k) return i;
    throw Error("internal: unknown SAN kind");
}

}  // namespace

// RFC 1034 §3.5 preferred name syntax, as RFC 5280 §4.2.1.6 requires of dNSName: labels of 1-63
// letters, digits and hyphens, no hyphen at either end, 253 characters in all. A leading "*."
// wildcard label is let through (RFC 6125 §6.4.3).
std::optional<std::string> dns_name_problem(const std::string& name) {
    if (name.size() > 253) return "is longer than 253 characters";
    std::string rest = name.rfind("*.", 0) == 0 ? name.substr(2) : name;
    size_t start = 0;
    while (true) {
        const auto dot = rest.find('.', start);
        const std::string label = rest.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (label.empty()) return "has an empty label (\"..\", or a dot at an end)";
        if (label.size() > 63) return "has a label longer than 63 characters";
        if (label.front() == '-' || label.back() == '-') return "has a label that starts or ends with '-'";
        if (!std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
            return "has a character other than letters, digits, '-' and '.'";
        if (dot == std::string::npos) return std::nullopt;
        start = dot + 1;
    }
}

namespace {

bool printable_ascii(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

// Checks an entry and puts its value in canonical form. `bad(why)` makes the error to throw.
void check(SanEntry& e, const std::function<Error(const std::string&)>& bad) {
    if (e.value.empty()) throw bad("empty value after " + std::string(info(e.kind).prefix) + ":");
    switch (e.kind) {
        case SanEntry::Kind::IP: {
            in_addr v4{};
            in6_addr v6{};
            char text[INET6_ADDRSTRLEN] = {};
            if (inet_pton(AF_INET, e.value.c_str(), &v4) == 1) {
                inet_ntop(AF_INET, &v4, text, sizeof text);
            } else if (inet_pton(AF_INET6, e.value.c_str(), &v6) == 1) {
                inet_ntop(AF_INET6, &v6, text, sizeof text);
            } else {
                throw bad("'" + e.value + "' is not an IPv4 or IPv6 address");
            }
            e.value = text;
            break;
        }
        case SanEntry::Kind::Email: {
            const auto at = e.value.rfind('@');
            if (at == std::string::npos || at == 0 || e.value.size() > 254 || !printable_ascii(e.value))
                throw bad("'" + e.value + "' is not an email address");
            if (const auto why = dns_name_problem(e.value.substr(at + 1))) throw bad("'" + e.value + "': the domain " + *why);
            break;
        }
        case SanEntry::Kind::URI:
            if (e.value.find(':') == std::string::npos || e.value.size() > 2048 || !printable_ascii(e.value))
                throw bad("'" + e.value.substr(0, 80) + "' is not an absolute URI (RFC 3986) of at most 2,048 characters");
            break;
        case SanEntry::Kind::DNS:
            if (const auto why = dns_name_problem(e.value)) throw bad("'" + e.value.substr(0, 80) + "' is not a DNS name: it " + *why);
            break;
    }
}

// The SAN extension from DER made here: written by Botan's DER encoder, order kept.
class SanExtension final : public Botan::Certificate_Extension {
public:
    explicit SanExtension(std::vector<uint8_t> der) : der_(std::move(der)) {}
    Botan::OID oid_of() const override { return Botan::Cert_Extension::Subject_Alternative_Name::static_oid(); }
    std::string oid_name() const override { return "X509v3.SubjectAlternativeName"; }
    Botan::Certificate_Extension* copy() const override { return new SanExtension(der_); }
    void contents_to(Botan::Data_Store&, Botan::Data_Store&) const override {}

private:
    std::vector<uint8_t> encode_inner() const override { return der_; }
    void decode_inner(const std::vector<uint8_t>& in) override { der_ = in; }
    std::vector<uint8_t> der_;
};

}  // namespace

std::string SanEntry::to_string() const { return std::string(info(kind).prefix) + ":" + value; }

SubjectAltNames SubjectAltNames::parse(const std::vector<std::string>& args) {
    SubjectAltNames out;
    for (const auto& arg : args) {
        const auto bad = [&](const std::string& why) {
            return usage_error(Error::Input{"san", "\"" + arg.substr(0, 200) + "\""}, why, "write entries like dns:host.example,uri:spiffe://x/y,ip:10.0.0.1,email:a@b.c");
        };
        size_t start = 0;
        while (start <= arg.size()) {
            size_t end = arg.find(',', start);
            // A URI may contain commas; a comma only starts a new entry when a known prefix follows.
            while (end != std::string::npos) {
                bool prefix_follows = false;
                for (const auto& k : kKinds)
                    if (arg.compare(end + 1, std::string(k.prefix).size() + 1, std::string(k.prefix) + ":") == 0) prefix_follows = true;
                if (prefix_follows) break;
                end = arg.find(',', end + 1);
            }
            const std::string item = arg.substr(start, end == std::string::npos ? std::string::npos : end - start);
            const auto colon = item.find(':');
            const KindName* kind = nullptr;
            if (colon != std::string::npos)
                for (const auto& k : kKinds)
                    if (item.substr(0, colon) == k.prefix) kind = &k;
            if (!kind)
                throw usage_error(Error::Input{"san", "\"" + arg + "\""}, "'" + item + "' has no known type prefix",
                                  "prefix each entry with dns:, uri:, ip: or email:");
            SanEntry e{kind->kind, item.substr(colon + 1)};
            check(e, bad);
            out.entries_.push_back(e);
            if (out.entries_.size() > kMaxSans) throw bad("more than " + std::to_string(kMaxSans) + " names");
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    return out;
}

SubjectAltNames SubjectAltNames::of(const std::vector<GeneralName>& names, const std::string& where) {
    if (names.size() > kMaxSans)
        throw Error(where + ": " + std::to_string(names.size()) + " subject alternative names, at most " + std::to_string(kMaxSans) + " are issued");
    SubjectAltNames out;
    for (const auto& n : names) {
        const KindName* kind = nullptr;
        for (const auto& k : kKinds)
            if (k.type == n.type) kind = &k;
        if (!kind)
            throw Error(where + ": the subject alternative name " + n.to_string() + " is of a type pkitool does not issue",
                        "request only dns:, uri:, ip: and email: names");
        SanEntry e{kind->kind, n.type == GeneralName::Type::IP ? format_ip(n.octets) : n.text};
        if (n.type == GeneralName::Type::IP && n.octets.size() != 4 && n.octets.size() != 16)
            throw Error(where + ": an iPAddress name of " + std::to_string(n.octets.size()) + " octets (4 or 16 expected)");
        check(e, [&](const std::string& why) { return Error(where + ": subject alternative name " + why); });
        out.entries_.push_back(std::move(e));
    }
    return out;
}

SubjectAltNames SubjectAltNames::of(const Botan::X509_Certificate& cert) {
    return of(subject_alt_names(cert), "certificate " + format_dn(cert.subject_dn()));
}

SubjectAltNames SubjectAltNames::of(const Botan::PKCS10_Request& csr, const std::string& where) {
    const auto raw = csr.extensions().extensions_raw();
    const auto it = raw.find(Botan::Cert_Extension::Subject_Alternative_Name::static_oid());
    if (it == raw.end()) return {};
    try {
        return of(decode_general_names(it->second.first), where);
    } catch (const Botan::Exception& e) {
        throw Error(where + ": the subjectAltName extension cannot be decoded (" + e.what() + ")");
    }
}

std::unique_ptr<Botan::Certificate_Extension> SubjectAltNames::extension() const {
    std::vector<uint8_t> out;
    Botan::DER_Encoder der(out);
    der.start_cons(Botan::SEQUENCE);
    for (const auto& e : entries_) {
        const auto tag = static_cast<Botan::ASN1_Tag>(info(e.kind).type);
        if (e.kind == SanEntry::Kind::IP) {
            uint8_t octets[16];
            const bool v4 = inet_pton(AF_INET, e.value.c_str(), octets) == 1;
            if (!v4 && inet_pton(AF_INET6, e.value.c_str(), octets) != 1) throw Error("internal: unchecked IP address " + e.value);
            der.add_object(tag, Botan::CONTEXT_SPECIFIC, octets, v4 ? 4 : 16);
        } else {
            der.add_object(tag, Botan::CONTEXT_SPECIFIC, e.value);
        }
    }
    der.end_cons();
    return std::make_unique<SanExtension>(std::move(out));
}

std::string SubjectAltNames::to_string() const {
    std::string out;
    for (const auto& e : entries_) {
        if (!out.empty()) out += ',';
        out += e.to_string();
    }
    return out;
}

}  // namespace pkitool::issue
