// SAN parsing with early, specific errors; Botan 2 encodes only IPv4 iPAddress names.
#include "issue/san.h"

#include "pkitool/error.h"

#include <arpa/inet.h>

namespace pkitool::issue {

namespace {

struct KindName {
    SanEntry::Kind kind;
    const char* prefix;     // command-line prefix
    const char* botan_key;  // Botan AlternativeName attribute
};

constexpr KindName kKinds[] = {
    {SanEntry::Kind::DNS, "dns", "DNS"},
    {SanEntry::Kind::URI, "uri", "URI"},
    {SanEntry::Kind::IP, "ip", "IP"},
    {SanEntry::Kind::Email, "email", "RFC822"},
};

const KindName& info(SanEntry::Kind k) {
    for (const auto& i : kKinds)
        if (i.kind == k) return i;
    throw Error("internal: unknown SAN kind");
}

void validate(const SanEntry& e, const std::string& arg) {
    const auto bad = [&](const std::string& why) {
        return usage_error("--san \"" + arg + "\": " + why, "write entries like dns:host.example,uri:spiffe://x/y,ip:10.0.0.1,email:a@b.c");
    };
    if (e.value.empty()) throw bad("empty value after " + std::string(info(e.kind).prefix) + ":");
    switch (e.kind) {
        case SanEntry::Kind::IP: {
            in_addr v4{};
            in6_addr v6{};
            if (inet_pton(AF_INET6, e.value.c_str(), &v6) == 1) throw bad("IPv6 addresses are not supported yet");
            if (inet_pton(AF_INET, e.value.c_str(), &v4) != 1) throw bad("'" + e.value + "' is not an IPv4 address");
            break;
        }
        case SanEntry::Kind::Email:
            if (e.value.find('@') == std::string::npos) throw bad("'" + e.value + "' is not an email address");
            break;
        case SanEntry::Kind::URI:
            if (e.value.find(':') == std::string::npos) throw bad("'" + e.value + "' is not an absolute URI");
            break;
        case SanEntry::Kind::DNS:
            if (e.value.find_first_of(" /:@") != std::string::npos) throw bad("'" + e.value + "' is not a DNS name");
            break;
    }
}

}  // namespace

std::string SanEntry::to_string() const { return std::string(info(kind).prefix) + ":" + value; }

SubjectAltNames SubjectAltNames::parse(const std::vector<std::string>& args) {
    SubjectAltNames out;
    for (const auto& arg : args) {
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
                throw usage_error("--san \"" + arg + "\": '" + item + "' has no known type prefix",
                                  "prefix each entry with dns:, uri:, ip: or email:");
            SanEntry e{kind->kind, item.substr(colon + 1)};
            validate(e, arg);
            out.entries_.push_back(e);
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    return out;
}

SubjectAltNames SubjectAltNames::from(const Botan::AlternativeName& alt) {
    SubjectAltNames out;
    for (const auto& [key, value] : alt.contents())
        for (const auto& k : kKinds)
            if (key == k.botan_key) out.entries_.push_back({k.kind, value});
    return out;
}

Botan::AlternativeName SubjectAltNames::to_botan() const {
    Botan::AlternativeName alt;
    for (const auto& e : entries_) alt.add_attribute(info(e.kind).botan_key, e.value);
    return alt;
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
