// Subject alternative names as given on the command line: dns:, uri:, ip: (IPv4), email:.
#pragma once

#include <botan/pkix_types.h>

#include <string>
#include <vector>

namespace pkitool::issue {

struct SanEntry {
    enum class Kind { DNS, URI, IP, Email };
    Kind kind;
    std::string value;

    std::string to_string() const;  // "dns:host.example"
    bool operator==(const SanEntry&) const = default;
};

class SubjectAltNames {
public:
    // Each argument may hold several comma-separated entries ("dns:a,ip:10.0.0.1").
    static SubjectAltNames parse(const std::vector<std::string>& args);
    static SubjectAltNames from(const Botan::AlternativeName& alt);

    const std::vector<SanEntry>& entries() const { return entries_; }
    bool empty() const { return entries_.empty(); }
    Botan::AlternativeName to_botan() const;
    std::string to_string() const;  // entries joined by ","

private:
    std::vector<SanEntry> entries_;
};

}  // namespace pkitool::issue
