// Subject alternative names as pkitool issues them: dns:, uri:, ip: (IPv4 and IPv6), email:, from
// the command line, a fleet row or a CSR, each checked and encoded in the order given.
#pragma once

#include "issue/general_name.h"

#include <botan/pkcs10.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::issue {

struct SanEntry {
    enum class Kind { DNS, URI, IP, Email };
    Kind kind;
    std::string value;  // IP addresses in inet_ntop's canonical form

    std::string to_string() const;  // "dns:host.example"
    bool operator==(const SanEntry&) const = default;
};

// A certificate for one host or service needs a handful of names; a 30,000-name CSR is an attack
// on the CA's CPU and on every relying party (issue #8, defect 7).
constexpr size_t kMaxSans = 256;

// Why `name` is not a dNSName in RFC 1034 §3.5 preferred syntax (RFC 5280 §4.2.1.6), or nullopt.
std::optional<std::string> dns_name_problem(const std::string& name);

class SubjectAltNames {
public:
    // Each argument may hold several comma-separated entries ("dns:a,ip:10.0.0.1").
    // Error (usage) naming the argument and the entry.
    static SubjectAltNames parse(const std::vector<std::string>& args);
    // The names of a certificate or request, every one checked like parse()'s. Error naming
    // `where` for a name pkitool cannot issue (otherName, directoryName...): never dropped.
    static SubjectAltNames of(const std::vector<GeneralName>& names, const std::string& where);
    static SubjectAltNames of(const Botan::X509_Certificate& cert);
    static SubjectAltNames of(const Botan::PKCS10_Request& csr, const std::string& where);

    const std::vector<SanEntry>& entries() const { return entries_; }
    bool empty() const { return entries_.empty(); }
    // The subjectAltName extension (non-critical: profiles require a subject, RFC 5280 §4.2.1.6).
    // Botan 2's own writes only IPv4 addresses.
    std::unique_ptr<Botan::Certificate_Extension> extension() const;
    std::string to_string() const;  // entries joined by ","

private:
    std::vector<SanEntry> entries_;
};

}  // namespace pkitool::issue
